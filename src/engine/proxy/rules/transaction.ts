/**
 * The L7 work of one transaction, kept out of the session's hot path: the session calls in only
 * when a proxy has rules, captures, a monitor URI or cookie persistence (plan.rules / plan.cookie).
 */
import type {RequestHead, ResponseHead} from '../http1/index.js'
import {HeaderList} from '../http1/index.js'
import {applyResponseCookie, type CookiePlan, type CookieServer, matchRequestCookie, rewriteHeader} from '../persist/index.js'
import {type ConnectionFacts, RequestContext} from './context.js'
import {type EditableMessage, runRules, type RuleOutcome} from './http-rules.js'
import type {HeaderCapture, ProxyRules} from './plan.js'
import {errorReply, type LocalReply} from './reply.js'

/** Header values captured for the log line (`capture request|response header`), in declaration order. */
export interface Captures {
  request: (string | undefined)[]
  response: (string | undefined)[]
}

export class L7State {
  /** The request as rules see and edit it; created on first use. */
  ctx: RequestContext | undefined
  /** The persistence cookie chose the server (no new cookie is inserted). */
  direct = false
  /** use_backend ran: the backend's errorfiles now come before the frontend's. */
  backendChosen = false
  captures: Captures | undefined

  context(request: RequestHead, facts: () => ConnectionFacts, rules: ProxyRules): RequestContext {
    return (this.ctx ??= new RequestContext(request, facts(), rules.userlists))
  }
}

/** The last occurrence of each captured header, cut to its length (what HAProxy logs between braces). */
function capture(list: readonly HeaderCapture[], headers: {length: number; name(i: number): string; value(i: number): string}): (string | undefined)[] {
  return list.map((c) => {
    const lower = c.name.toLowerCase()
    let value: string | undefined
    for (let i = 0; i < headers.length; i++) if (headers.name(i).toLowerCase() === lower) value = headers.value(i)
    return value?.slice(0, c.length)
  })
}

export type FrontendVerdict = RuleOutcome | {kind: 'monitor'; reply: LocalReply}

/**
 * The frontend's request phase: monitor-uri first (before any rule, like HAProxy), captures, then
 * its http-request rules. `stage: 'redirects'` runs its redirect rules (after the stats page).
 */
export function requestRules(state: L7State, rules: ProxyRules, request: RequestHead, facts: () => ConnectionFacts, stage: 'rules' | 'redirects', frontend: boolean): FrontendVerdict {
  if (stage === 'redirects') return rules.redirects.length === 0 ? undefined : runRules(rules.redirects, state.context(request, facts, rules))
  if (frontend) {
    if (rules.captures.request.length > 0) (state.captures ??= {request: [], response: []}).request = capture(rules.captures.request, request.headers)
    if (rules.monitor && request.target === rules.monitor.uri) {
      const ctx = state.context(request, facts, rules)
      const failed = rules.monitor.fail.some((c) => c.matches(ctx))
      // `errorfile 200` is the monitor's answer when set (HAProxy's documented use of code 200).
      return {kind: 'monitor', reply: errorReply(failed ? 503 : 200, [rules.errors])}
    }
  }
  return rules.request.length === 0 ? undefined : runRules(rules.request, state.context(request, facts, rules))
}

/** `http-after-response` rules (backend's, then frontend's) on a response the engine writes itself. */
export function afterLocalReply(state: L7State, reply: LocalReply, request: RequestHead, facts: () => ConnectionFacts, lists: readonly (ProxyRules | undefined)[]): LocalReply {
  const withAfter = lists.filter((l): l is ProxyRules => l !== undefined && l.afterResponse.length > 0)
  if (withAfter.length === 0) return reply
  const headers = HeaderList.from(reply.headers)
  const ctx = state.ctx ?? (state.ctx = new RequestContext(request, facts(), withAfter[0]!.userlists))
  const view = ctx.responseView(reply.status, headers)
  for (const rules of withAfter) runRules(rules.afterResponse, view)
  if (!view.edited) return reply
  return {...reply, status: view.status, reason: view.reason ?? reply.reason, headers: headers.toArray()}
}

/** The reply an outcome stands for; error pages come from the backend's errorfiles, then the frontend's. */
export function replyFor(outcome: Exclude<FrontendVerdict, undefined | {kind: 'allow'} | {kind: 'service'}>, pages: readonly (ProxyRules | undefined)[]): LocalReply {
  if (outcome.kind !== 'error') return outcome.reply
  const reply = errorReply(outcome.status, pages.map((p) => p?.errors))
  return outcome.headers ? {...reply, headers: [...reply.headers, ...outcome.headers]} : reply
}

/** `use-server` rules: the first matching one whose server may take the request (up or draining, not in maintenance). */
export function useServer<S extends CookieServer & {name: string}>(state: L7State, rules: ProxyRules, request: RequestHead, servers: readonly S[], facts: () => ConnectionFacts): S | undefined {
  for (const rule of rules.useServer) {
    if (rule.condition && !rule.condition.matches(state.context(request, facts, rules))) continue
    const server = servers.find((s) => s.name === rule.server)
    if (server?.persistable) return server
  }
  return undefined
}

/** Cookie persistence on the request: the server the cookie names (when usable); rewrites the Cookie lines. */
export function cookieServer<S extends CookieServer>(state: L7State, plan: CookiePlan, request: RequestHead, servers: readonly S[], facts: () => ConnectionFacts, rules: ProxyRules | undefined): S | undefined {
  const lines: string[] = []
  const headers = state.ctx?.headers ?? request.headers
  for (let i = 0; i < headers.length; i++) if (headers.name(i).toLowerCase() === 'cookie') lines.push(headers.value(i))
  if (lines.length === 0) return undefined
  const match = matchRequestCookie(plan, lines, servers)
  if (match.rewritten) {
    const ctx = state.ctx ?? (state.ctx = new RequestContext(request, facts(), rules?.userlists))
    rewriteHeader(ctx.headers, 'cookie', match.rewritten)
    ctx.edited = true
  }
  state.direct = match.server !== undefined
  return match.server
}

export interface ResponseEdit {
  headers: HeaderList
  status: number
  reason: string
}

/**
 * The response phase: captures, the backend's http-response rules then the frontend's, then the
 * persistence cookie. Undefined when nothing changed (the head goes out as received); a reply when denied.
 */
export function responseRules(state: L7State, head: ResponseHead, request: RequestHead, facts: () => ConnectionFacts, lists: readonly (ProxyRules | undefined)[], frontendRules: ProxyRules | undefined, cookie: {plan: CookiePlan; server: string | undefined} | undefined): ResponseEdit | {deny: RuleOutcome} | undefined {
  if (frontendRules && frontendRules.captures.response.length > 0) (state.captures ??= {request: [], response: []}).response = capture(frontendRules.captures.response, head.headers)
  const withRules = lists.filter((l): l is ProxyRules => l !== undefined && l.response.length > 0)
  const withAfter = lists.filter((l): l is ProxyRules => l !== undefined && l.afterResponse.length > 0)
  if (withRules.length === 0 && withAfter.length === 0 && !cookie) return undefined
  const headers = HeaderList.fromRaw(head.headers, {dropContentLength: head.dropContentLength})
  const ctx = state.ctx ?? (state.ctx = new RequestContext(request, facts(), (withRules[0] ?? withAfter[0])?.userlists))
  const view = ctx.responseView(head.status, headers) as EditableMessage & {reason: string | undefined}
  for (const rules of withRules) {
    const outcome = runRules(rules.response, view)
    if (outcome?.kind === 'allow') continue
    if (outcome) return {deny: outcome}
  }
  let edited = view.edited === true
  if (cookie) edited = applyResponseCookie(cookie.plan, headers, cookie.server, state.direct, request.method) || edited
  for (const rules of withAfter) runRules(rules.afterResponse, view)
  edited ||= view.edited === true
  if (!edited) return undefined
  return {headers, status: view.status ?? head.status, reason: view.reason ?? head.reason}
}
