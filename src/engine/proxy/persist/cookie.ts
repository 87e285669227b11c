/**
 * Cookie persistence (`cookie NAME insert|rewrite|prefix [indirect] [nocache] [postonly] [preserve]
 * [httponly] [secure] [domain D]... [attr A]... [maxidle N] [maxlife N]` with server `cookie VALUE`),
 * as HAProxy 2.6 does it:
 * - request: the cookie's value names a server; if that server is up (or draining) the request goes
 *   to it directly, else it is load-balanced like any other. `insert indirect` removes the cookie
 *   before the server sees it; `prefix` strips `VALUE~` from the application's cookie.
 * - response: `insert` adds `Set-Cookie: NAME=VALUE; path=/...` unless the request came in with a valid
 *   cookie for the server that answered (and drops the server's own cookie of that name); `rewrite`
 *   replaces the value of the server's cookie; `prefix` prefixes it with `VALUE~`.
 * maxidle/maxlife are accepted and not enforced (the cookie never carries dates).
 */
import type {CookieSettings} from '../../../config/haproxy/index.js'
import type {HeaderList} from '../http1/index.js'

export interface CookiePlan {
  name: string
  mode: 'insert' | 'rewrite' | 'prefix' | 'passive'
  indirect: boolean
  nocache: boolean
  postonly: boolean
  preserve: boolean
  /** `; domain=...; HttpOnly; Secure; attr...` appended to an inserted cookie. */
  attributes: string
}

export function planCookie(settings: CookieSettings | undefined, problems: string[], where: string): CookiePlan | undefined {
  if (!settings) return undefined
  const o = settings.options
  let attributes = ''
  for (let i = 0; i < o.length; i++) {
    const w = o[i]
    if (w === 'domain') attributes += `; domain=${o[++i] ?? ''}`
    else if (w === 'attr') attributes += `; ${o[++i] ?? ''}`
    else if (w === 'maxidle' || w === 'maxlife') i++
    else if (w === 'dynamic') problems.push(`${where}: cookie ${settings.name} dynamic is not supported by the bundled engine yet`)
  }
  if (o.includes('httponly')) attributes += '; HttpOnly'
  if (o.includes('secure')) attributes += '; Secure'
  return {
    name: settings.name,
    mode: settings.mode,
    indirect: o.includes('indirect'),
    nocache: o.includes('nocache'),
    postonly: o.includes('postonly'),
    preserve: o.includes('preserve'),
    attributes,
  }
}

export interface CookieServer {
  /** The server's `cookie` value, undefined when it has none. */
  readonly cookie: string | undefined
  /** Usable for a persistent request: not in maintenance and not down (draining is fine). */
  readonly persistable: boolean
}

export interface CookieMatch<S> {
  /** The server the cookie names, when it may take the request. */
  server: S | undefined
  /**
   * Each Cookie line after removing the cookie (insert indirect) or its `VALUE~` (prefix), in place:
   * undefined entries are lines left empty (removed); the whole field is undefined when nothing changed.
   */
  rewritten: (string | undefined)[] | undefined
}

/** Reads the persistence cookie from the request's Cookie lines. */
export function matchRequestCookie<S extends CookieServer>(plan: CookiePlan, cookieLines: readonly string[], servers: readonly S[]): CookieMatch<S> {
  let server: S | undefined
  let found = false
  let changed = false
  const out: (string | undefined)[] = []
  for (const line of cookieLines) {
    const kept: string[] = []
    for (const raw of line.split(';')) {
      const part = raw.trim()
      if (part === '') continue
      const eq = part.indexOf('=')
      const name = eq < 0 ? part : part.slice(0, eq)
      if (name !== plan.name || found) {
        kept.push(part)
        continue
      }
      found = true
      const value = eq < 0 ? '' : part.slice(eq + 1)
      const tilde = plan.mode === 'prefix' ? value.indexOf('~') : -1
      const id = tilde >= 0 ? value.slice(0, tilde) : value
      const candidate = servers.find((s) => s.cookie !== undefined && s.cookie === id)
      if (candidate?.persistable) server = candidate
      if (plan.mode === 'prefix' && tilde >= 0) {
        kept.push(`${name}=${value.slice(tilde + 1)}`)
        changed = true
      } else if (plan.mode === 'insert' && plan.indirect) changed = true
      else kept.push(part)
    }
    out.push(kept.length > 0 ? kept.join('; ') : undefined)
  }
  return {server, rewritten: changed ? out : undefined}
}

/** Replaces the values of every `name` line in place; an undefined value removes that line. */
export function rewriteHeader(headers: HeaderList, name: string, values: readonly (string | undefined)[]): void {
  if (values.every((v) => v !== undefined)) {
    let i = 0
    headers.replace(name, () => values[i++]!)
    return
  }
  const lower = name.toLowerCase()
  let k = 0
  const all: [string, string][] = []
  for (const [n, v] of headers.toArray()) {
    if (n.toLowerCase() !== lower) all.push([n, v])
    else {
      const next = values[k++]
      if (next !== undefined) all.push([n, next])
    }
  }
  // HeaderList has no positional removal: empty it and put the lines back in order.
  while (headers.length > 0) headers.delete(headers.name(0))
  for (const [n, v] of all) headers.add(n, v)
}

/** Applies the response side to the response headers; `direct` = the request's cookie chose this server. */
export function applyResponseCookie(plan: CookiePlan, headers: HeaderList, serverCookie: string | undefined, direct: boolean, method: string): boolean {
  let edited = false
  if (plan.mode !== 'passive' && headers.has('set-cookie')) {
    const values = headers.getAll('set-cookie').map((line): string | undefined => {
      const eq = line.indexOf('=')
      const name = (eq < 0 ? line : line.slice(0, eq)).trim()
      if (name !== plan.name || (plan.mode === 'insert' && plan.preserve)) return line
      edited = true
      if (plan.mode === 'insert') return undefined
      if (plan.mode === 'rewrite') {
        const semi = line.indexOf(';')
        return `${name}=${serverCookie ?? ''}${semi < 0 ? '' : line.slice(semi)}`
      }
      return `${name}=${serverCookie ?? ''}~${line.slice(eq + 1)}`
    })
    if (edited) rewriteHeader(headers, 'set-cookie', values)
  }
  if (plan.mode === 'insert' && !direct && (!plan.postonly || method === 'POST')) {
    const value = serverCookie === undefined ? `${plan.name}=; Expires=Thu, 01-Jan-1970 00:00:01 GMT; path=/` : `${plan.name}=${serverCookie}; path=/`
    headers.add('Set-Cookie', value + plan.attributes)
    edited = true
  }
  return edited
}
