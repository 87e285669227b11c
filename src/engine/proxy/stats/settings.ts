/** What a frontend's `stats` lines ask for, from the config model (mode http frontends and listens). */
import type {Proxy} from '../../../config/haproxy/index.js'
import {compileCondition, type RequestCondition} from '../acl/index.js'

export interface StatsPlan {
  /** `stats uri`, default `/haproxy?stats`: a request whose target starts with it gets the stats page. */
  uri: string
  /** `Basic realm="..."` in a 401 (`stats realm`, default `HAProxy Statistics`). */
  realm: string
  /** `stats auth user:password` lines; none means no authentication. */
  auth: {user: string; password: string}[]
  /** `stats refresh`, in seconds, sent as a `Refresh` header. */
  refreshSeconds?: number
  hideVersion: boolean
  /** `stats scope`: the proxies shown (`.` is this one); empty shows all. */
  scope: string[]
  /** `stats admin if|unless <cond>`: when it matches, the page offers and applies server actions. */
  admin?: RequestCondition
}

export const DEFAULT_STATS_URI = '/haproxy?stats'
export const DEFAULT_STATS_REALM = 'HAProxy Statistics'

/** The stats page a frontend or listen serves, if its effective settings enable one. */
export function statsPlan(p: Proxy, problems: string[] = []): StatsPlan | undefined {
  const st = p.effective.stats
  if (!st.enabled) return undefined
  const refresh = st.refreshMs !== undefined ? Math.floor(st.refreshMs / 1000) : undefined
  const adminCondition = p.stats.admin ?? st.admin
  let admin: RequestCondition | undefined
  if (adminCondition) {
    const compiled = compileCondition(adminCondition, p.acls)
    if (compiled.ok) admin = compiled.value
    else problems.push(`${p.file}:${p.line}: ${p.kind} ${p.name}: stats admin: ${compiled.problem}`)
  }
  return {
    ...(admin ? {admin} : {}),
    uri: st.uri ?? DEFAULT_STATS_URI,
    realm: st.realm ?? DEFAULT_STATS_REALM,
    auth: st.auth.map((a) => ({user: a.user, password: a.password})),
    ...(refresh !== undefined && refresh > 0 ? {refreshSeconds: refresh} : {}),
    hideVersion: st.hideVersion,
    scope: st.scope.map((s) => (s === '.' ? p.name : s)),
  }
}
