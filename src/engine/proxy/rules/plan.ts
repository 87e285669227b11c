/**
 * What one proxy's L7 lines become in the engine: http-request / http-response rules, redirect
 * rules, error pages (errorfile, errorfiles), and for frontends monitor-uri, captures and
 * tcp-request connection rules. Anything the engine cannot run is a problem, never ignored.
 */
import type {Condition, Directive, HaproxyModel, Proxy} from '../../../config/haproxy/index.js'
import {parseCondition} from '../../../config/haproxy/keywords/acl.js'
import {conditionIndex} from '../../../config/haproxy/keywords/spec.js'
import {compileCondition, type RequestCondition} from '../acl/index.js'
import {ERROR_CODES, ErrorPages} from '../http/errors.js'
import {compileHttpRule, type HttpRule, type RuleCompileContext} from './http-rules.js'
import {compileRedirect} from './redirect.js'
import {loadErrorFile} from './reply.js'
import {planUserlists, type Userlist} from './userlist.js'

export interface HeaderCapture {
  name: string
  length: number
}

export interface ProxyRules {
  request: HttpRule[]
  response: HttpRule[]
  /** `http-after-response` rules: run on every response (the engine's own too), backend's then frontend's. */
  afterResponse: HttpRule[]
  /** `redirect` directives, tried after the http-request rules. */
  redirects: HttpRule[]
  errors: ErrorPages
  userlists: ReadonlyMap<string, Userlist>
  /** `monitor-uri` (frontends): the exact URI answered 200, or 503 when a `monitor fail` condition holds. */
  monitor?: {uri: string; fail: RequestCondition[]}
  /** `capture request|response header NAME len N` (frontends), in declaration order. */
  captures: {request: HeaderCapture[]; response: HeaderCapture[]}
  /** `use-server NAME if|unless COND` (backends, mode http): the first matching rule whose server is usable picks it. */
  useServer: {server: string; condition?: RequestCondition}[]
  /** `tcp-request connection accept|reject [cond]`, checked when a connection is accepted. */
  tcpConnection: {accept: boolean; condition?: RequestCondition}[]
}

/** Things shared by every proxy's rules: userlists and http-errors sections, read once. */
export interface RulesShared {
  userlists: Map<string, Userlist>
  httpErrors: Map<string, Map<number, Buffer>>
}

export function planRulesShared(model: HaproxyModel, problems: string[]): RulesShared {
  const httpErrors = new Map<string, Map<number, Buffer>>()
  for (const section of model.others.filter((o) => o.kind === 'http-errors')) {
    const files = new Map<number, Buffer>()
    for (const d of section.directives.filter((x) => x.name === 'errorfile')) {
      const file = errorfileLine(d, problems)
      if (file) files.set(file.code, file.bytes)
    }
    httpErrors.set(section.name, files)
  }
  return {userlists: planUserlists(model, problems), httpErrors}
}

function errorfileLine(d: Directive, problems: string[]): {code: number; bytes: Buffer} | undefined {
  const code = Number(d.args[0])
  const where = `${d.file}:${d.line}`
  if (!ERROR_CODES.includes(code)) {
    problems.push(`${where}: errorfile ${d.args[0] ?? ''}: status code must be one of ${ERROR_CODES.join(', ')}`)
    return undefined
  }
  const bytes = loadErrorFile(d.args[1] ?? '', where, problems)
  return bytes ? {code, bytes} : undefined
}

/** A directive's own `if|unless` condition, parsed from its words (redirect and monitor keep none in the model). */
function directiveCondition(d: Directive, from: number): Condition | undefined | {error: string} {
  const c = conditionIndex(d.words, from)
  if (c < 0) return undefined
  const parsed = parseCondition(d.words, c)
  if ('error' in parsed) return {error: parsed.error}
  return {kind: parsed.kind, text: d.words.slice(c + 1).map((w) => w.value).join(' '), aclNames: [], parsed}
}

/** The directives of a name on the proxy, else on the defaults it inherits from (HAProxy copies them). */
function inheritedDirectives(p: Proxy, name: string): Directive[] {
  for (let q: Proxy | undefined = p; q; q = q.inheritsFrom) {
    const found = q.directives.filter((d) => d.name === name)
    if (found.length > 0) return found
  }
  return []
}

export function planProxyRules(p: Proxy, shared: RulesShared, problems: string[]): ProxyRules | undefined {
  const at = (l: {file: string; line: number}) => `${l.file}:${l.line}: ${p.kind} ${p.name}`
  const condition = (c: Condition | undefined, l: {file: string; line: number}): RequestCondition | undefined | false => {
    if (!c) return undefined
    const compiled = compileCondition(c, p.acls)
    if (compiled.ok) return compiled.value
    problems.push(`${at(l)}: ${compiled.problem}`)
    return false
  }
  const timeouts = p.effective.timeouts
  const ctx: RuleCompileContext = {proxyName: p.name, userlists: new Set(shared.userlists.keys()), httpErrors: shared.httpErrors, tarpitMs: timeouts.tarpit?.ms ?? timeouts.connect?.ms ?? 0}
  const rules: ProxyRules = {request: [], response: [], afterResponse: [], redirects: [], errors: new ErrorPages(), userlists: shared.userlists, captures: {request: [], response: []}, useServer: [], tcpConnection: []}

  for (const rule of p.rules) {
    if (rule.set === 'tcp-request connection') {
      const cond = condition(rule.condition, rule)
      if (cond === false) continue
      if (rule.action !== 'accept' && rule.action !== 'reject') problems.push(`${at(rule)}: tcp-request connection ${rule.action} is not supported by the bundled engine yet`)
      else rules.tcpConnection.push({accept: rule.action === 'accept', ...(cond ? {condition: cond} : {})})
      continue
    }
    if (rule.set !== 'http-request' && rule.set !== 'http-response' && rule.set !== 'http-after-response') {
      problems.push(`${at(rule)}: ${rule.set} ${rule.action} rules are not supported by the bundled engine yet`)
      continue
    }
    if (p.effective.mode !== 'http') continue
    const cond = condition(rule.condition, rule)
    if (cond === false) continue
    if (rule.action === 'auth') for (const name of referencedUserlists(rule.condition)) if (!shared.userlists.has(name)) problems.push(`${at(rule)}: no userlist named '${name}'`)
    const compiled = compileHttpRule(rule, cond, ctx)
    if (!compiled.ok) problems.push(`${at(rule)}: ${compiled.problem}`)
    else (rule.set === 'http-request' ? rules.request : rule.set === 'http-response' ? rules.response : rules.afterResponse).push(compiled.value)
  }

  for (const d of p.directives) {
    if (d.name === 'redirect') {
      const c = directiveCondition(d, 1)
      if (c && 'error' in c) {
        problems.push(`${at(d)}: redirect: ${c.error}`)
        continue
      }
      const end = conditionIndex(d.words, 1)
      const compiled = compileRedirect(d.words.slice(1, end < 0 ? undefined : end).map((w) => w.value))
      const cond = condition(c, d)
      if (cond === false) continue
      if (!compiled.ok) problems.push(`${at(d)}: ${compiled.problem}`)
      else {
        const r = compiled.value
        rules.redirects.push({condition: cond, apply: (m) => ({kind: 'reply', reply: r.build(m)})})
      }
    } else if (d.keyword === 'capture request' || d.keyword === 'capture response') {
      const [, kind, name, len, length] = [d.args[0], d.args[1], d.args[2], d.args[3], Number(d.args[4])]
      if (kind !== 'header' || name === undefined || len !== 'len' || !Number.isInteger(length) || length <= 0) {
        problems.push(`${at(d)}: ${d.keyword} ${d.args.slice(1).join(' ')}: only 'capture request|response header NAME len N' is supported by the bundled engine yet`)
        continue
      }
      ;(d.keyword === 'capture request' ? rules.captures.request : rules.captures.response).push({name, length})
    }
  }

  // Error pages: errorfile, errorloc and errorfiles lines in order (HAProxy: the last definition of a code wins).
  const pages = new Map<number, Buffer>()
  const errorLines = ['errorfile', 'errorfiles', 'errorloc', 'errorloc302', 'errorloc303'].flatMap((name) => inheritedDirectives(p, name)).sort((a, b) => (a.file === b.file ? a.line - b.line : 0))
  for (const d of errorLines) {
    if (d.name.startsWith('errorloc')) {
      const code = Number(d.args[0])
      if (!ERROR_CODES.includes(code) || d.args[1] === undefined) problems.push(`${at(d)}: ${d.name} ${d.args.join(' ')}: expects a status code (${ERROR_CODES.join(', ')}) and a URL`)
      else pages.set(code, errorLocation(d.name === 'errorloc303' ? 303 : 302, d.args[1]))
      continue
    }
    if (d.name === 'errorfile') {
      const file = errorfileLine(d, problems)
      if (file) pages.set(file.code, file.bytes)
      continue
    }
    const section = shared.httpErrors.get(d.args[0] ?? '')
    if (!section) {
      problems.push(`${at(d)}: errorfiles: no http-errors section named '${d.args[0] ?? ''}'`)
      continue
    }
    const codes = d.args.slice(1).map(Number)
    for (const [code, bytes] of section) if (codes.length === 0 || codes.includes(code)) pages.set(code, bytes)
  }
  if (pages.size > 0) rules.errors = new ErrorPages(pages)

  const monitorUri = inheritedDirectives(p, 'monitor-uri').at(-1)?.args[0]
  if (monitorUri !== undefined && p.kind !== 'backend') {
    const fail: RequestCondition[] = []
    for (const d of p.directives.filter((x) => x.keyword === 'monitor fail')) {
      const c = directiveCondition(d, 2)
      if (!c || 'error' in c) {
        problems.push(`${at(d)}: monitor fail: expects 'if' or 'unless' and a condition`)
        continue
      }
      const cond = condition(c, d)
      if (cond) fail.push(cond)
    }
    rules.monitor = {uri: monitorUri, fail}
  }
  // Routing and persistence the engine does not do: running without them would send requests elsewhere than HAProxy.
  for (const d of p.directives) {
    if (d.name === 'use-server' && p.effective.mode === 'http' && !(d.args[0] ?? '').includes('%[')) {
      const c = directiveCondition(d, 2)
      if (c && 'error' in c) problems.push(`${at(d)}: use-server: ${c.error}`)
      else if (!p.servers.some((x) => x.name === d.args[0])) problems.push(`${at(d)}: use-server: no server named '${d.args[0] ?? ''}'`)
      else {
        const cond = condition(c, d)
        if (cond !== false) rules.useServer.push({server: d.args[0]!, ...(cond ? {condition: cond} : {})})
      }
      continue
    }
    if (['use-server', 'force-persist', 'ignore-persist', 'stick', 'stick-table'].includes(d.name)) problems.push(`${at(d)}: ${d.keyword} is not supported by the bundled engine yet`)
  }
  for (const name of ['persist', 'prefer-last-server']) {
    const option = p.options[name]
    if (option?.enabled) problems.push(`${at(option)}: option ${name} is not supported by the bundled engine yet`)
  }
  for (const d of p.directives) if (d.name === 'monitor-net') problems.push(`${at(d)}: monitor-net is not supported by the bundled engine (it was removed in HAProxy 2.6)`)
  return rules
}

/** `errorloc` answers: a redirect to the URL, exactly as HAProxy 2.6 writes it. */
function errorLocation(code: 302 | 303, url: string): Buffer {
  return Buffer.from(`HTTP/1.1 ${code} ${code === 302 ? 'Found' : 'See Other'}\r\ncache-control: no-cache\r\ncontent-length: 0\r\nlocation: ${url}\r\n\r\n`, 'latin1')
}

function referencedUserlists(condition: Condition | undefined): string[] {
  const out: string[] = []
  for (const group of condition?.parsed.terms ?? []) {
    for (const term of group) {
      const first = term.anonymous?.[0]?.value ?? ''
      const m = /^http_auth(?:_group)?\(([^)]*)\)/.exec(first)
      if (m) out.push(m[1]!)
    }
  }
  return out
}

/** Whether a proxy's rules ask for no work per request (the hot path skips them). */
export function rulesIdle(rules: ProxyRules | undefined): boolean {
  return !rules || (rules.request.length === 0 && rules.response.length === 0 && rules.afterResponse.length === 0 && rules.redirects.length === 0 && rules.monitor === undefined && rules.captures.request.length === 0 && rules.captures.response.length === 0 && rules.useServer.length === 0)
}
