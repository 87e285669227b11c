/**
 * `http-request` and `http-response` rules compiled from the config model. Each rule is a condition
 * and an action; `runRules` walks one proxy's list in order like HAProxy: `allow` ends the list,
 * `deny`, `auth`, `redirect` and `return` end the transaction with a reply, header and path edits go on.
 */
import {readFileSync} from 'node:fs'
import type {Rule} from '../../../config/haproxy/index.js'
import type {AclRequest, Compiled, RequestCondition} from '../acl/index.js'
import {ERROR_CODES, reasonPhrase} from '../http/errors.js'
import type {HeaderList} from '../http1/index.js'
import {compileLogFormat, compileSampleValue, type Formatter} from './log-format.js'
import {compileRedirect} from './redirect.js'
import {type LocalReply, parseErrorFile} from './reply.js'

/** What a rule decided: nothing (go on), stop this list, or answer now. */
export type RuleOutcome =
  | undefined
  | {kind: 'allow'}
  | {kind: 'reply'; reply: LocalReply}
  /** An error page of the transaction's proxies (their errorfiles, else HAProxy's), with extra headers. */
  | {kind: 'error'; status: number; headers?: [string, string][]; delayMs?: number}
  /** `use-service prometheus-exporter`: the session answers with the metrics page (stats/prometheus.ts). */
  | {kind: 'service'; name: 'prometheus-exporter'}

/** The message rules edit: the request (with its line) or the response. */
export interface EditableMessage extends AclRequest {
  readonly headers: HeaderList
  readonly vars?: Map<string, string>
  edited?: boolean
  method: string
  target: string
  status?: number
  reason?: string
}

export interface HttpRule {
  readonly condition: RequestCondition | undefined
  apply(message: EditableMessage): RuleOutcome
}

const ALLOW = {kind: 'allow'} as const

/** Runs one proxy's rules; the first outcome other than "go on" ends the walk. */
export function runRules(rules: readonly HttpRule[], message: EditableMessage): RuleOutcome {
  for (const rule of rules) {
    if (rule.condition && !rule.condition.matches(message)) continue
    const outcome = rule.apply(message)
    if (outcome) return outcome
  }
  return undefined
}

export interface RuleCompileContext {
  /** The proxy the rule is written in (the default realm of `auth`). */
  proxyName: string
  userlists: ReadonlySet<string>
  /** `http-errors` sections: name → code → raw response. */
  httpErrors: ReadonlyMap<string, ReadonlyMap<number, Buffer>>
  /** `timeout tarpit`, else `timeout connect`: how long `tarpit` holds a request. */
  tarpitMs?: number
  readFile?: (path: string) => Buffer
}

type Compile = (rule: Rule, ctx: RuleCompileContext) => Compiled<(m: EditableMessage) => RuleOutcome>

const fail = (problem: string): {ok: false; problem: string} => ({ok: false, problem})

function format(text: string | undefined, what: string): Compiled<Formatter> {
  if (text === undefined) return fail(`missing ${what}`)
  return compileLogFormat(text)
}

function setHeader(mode: 'set' | 'add'): Compile {
  return (rule) => {
    const [name, value] = rule.args
    if (name === undefined) return fail('missing header name')
    const f = format(value, 'header value')
    if (!f.ok) return f
    const fmt = f.value
    return {
      ok: true,
      value: (m) => {
        const v = fmt(m)
        if (mode === 'set') m.headers.set(name, v)
        else m.headers.add(name, v)
        m.edited = true
        return undefined
      },
    }
  }
}

const delHeader: Compile = (rule) => {
  const [name, flag, method] = rule.args
  if (name === undefined) return fail('missing header name')
  if (flag !== undefined && (flag !== '-m' || method !== 'str')) return fail(`del-header ${rule.args.slice(1).join(' ')}: only exact names are supported by the bundled engine yet`)
  return {
    ok: true,
    value: (m) => {
      if (m.headers.delete(name) > 0) m.edited = true
      return undefined
    },
  }
}

/** HAProxy's regex replacement: `\1`..`\9` are the groups of the match; the whole value is replaced. */
function expand(replacement: string, match: RegExpExecArray): string {
  return replacement.replace(/\\(\d)/g, (_, d: string) => match[Number(d)] ?? '')
}

function replaceHeader(perValue: boolean): Compile {
  return (rule) => {
    const [name, pattern, replacement] = rule.args
    if (name === undefined || pattern === undefined) return fail('expects <name> <regex> <replacement>')
    let regex: RegExp
    try {
      regex = new RegExp(pattern)
    } catch {
      return fail(`invalid regex '${pattern}'`)
    }
    const f = format(replacement, 'replacement')
    if (!f.ok) return f
    const fmt = f.value
    const one = (value: string, m: EditableMessage): string => {
      const match = regex.exec(value)
      return match ? expand(fmt(m), match) : value
    }
    return {
      ok: true,
      value: (m) => {
        const changed = m.headers.replace(name, (value) => (perValue ? value.split(',').map((v) => one(v.trim(), m)).join(',') : one(value, m)))
        if (changed > 0) m.edited = true
        return undefined
      },
    }
  }
}

/** set-path / set-query / set-uri / set-method: edits of the request line. */
function setLine(part: 'path' | 'query' | 'uri' | 'method'): Compile {
  return (rule) => {
    const f = format(rule.args[0], part)
    if (!f.ok) return f
    const fmt = f.value
    return {
      ok: true,
      value: (m) => {
        const v = fmt(m)
        const q = m.target.indexOf('?')
        if (part === 'method') m.method = v
        else if (part === 'uri') m.target = v
        else if (part === 'path') m.target = v + (q < 0 ? '' : m.target.slice(q))
        else m.target = (q < 0 ? m.target : m.target.slice(0, q)) + (v === '' ? '' : `?${v}`)
        m.edited = true
        return undefined
      },
    }
  }
}

/** The payload words of `return` (and of `deny` with a custom answer). */
function compileReturn(words: readonly string[], defaultStatus: number, ctx: RuleCompileContext): Compiled<(m: EditableMessage) => RuleOutcome> {
  let status = defaultStatus
  let contentType: string | undefined
  let payload: {kind: 'none'} | {kind: 'error'} | {kind: 'raw'; reply: LocalReply} | {kind: 'body'; text: Formatter} = {kind: 'none'}
  const hdrs: [string, Formatter][] = []
  const read = ctx.readFile ?? ((path: string) => readFileSync(path))
  for (let i = 0; i < words.length; i++) {
    const w = words[i]
    const arg = words[i + 1]
    if (w === 'status' || w === 'deny_status') {
      status = Number(arg)
      i++
      if (!Number.isInteger(status) || status < 200 || status > 599) return fail(`status '${arg ?? ''}' must be a code between 200 and 599`)
    } else if (w === 'content-type') {
      contentType = arg
      i++
    } else if (w === 'default-errorfiles') payload = {kind: 'error'}
    else if (w === 'string' || w === 'lf-string') {
      if (arg === undefined) return fail(`${w}: missing the text`)
      const f = w === 'string' ? ({ok: true, value: () => arg} as const) : compileLogFormat(arg)
      if (!f.ok) return f
      payload = {kind: 'body', text: f.value}
      i++
    } else if (w === 'file' || w === 'lf-file') {
      let text: string
      try {
        text = read(arg ?? '').toString('latin1')
      } catch {
        return fail(`${w}: cannot read '${arg ?? ''}'`)
      }
      const f = w === 'file' ? ({ok: true, value: () => text} as const) : compileLogFormat(text)
      if (!f.ok) return f
      payload = {kind: 'body', text: f.value}
      i++
    } else if (w === 'errorfile') {
      try {
        payload = {kind: 'raw', reply: parseErrorFile(read(arg ?? ''))}
      } catch {
        return fail(`errorfile: cannot read '${arg ?? ''}'`)
      }
      i++
    } else if (w === 'errorfiles') {
      const section = ctx.httpErrors.get(arg ?? '')
      if (!section) return fail(`errorfiles: no http-errors section named '${arg ?? ''}'`)
      const file = section.get(status)
      payload = file ? {kind: 'raw', reply: parseErrorFile(file)} : {kind: 'error'}
      i++
    } else if (w === 'hdr') {
      const value = words[i + 2]
      const f = format(value, `value of hdr ${arg ?? ''}`)
      if (!f.ok || arg === undefined) return f.ok ? fail('hdr: missing the name') : f
      hdrs.push([arg, f.value])
      i += 2
    } else return fail(`'${w ?? ''}' is not supported by the bundled engine yet`)
  }
  if (payload.kind === 'error' && !ERROR_CODES.includes(status)) return fail(`status ${status} has no error page (one of ${ERROR_CODES.join(', ')})`)
  if (payload.kind === 'body' && contentType === undefined) return fail("a 'string' or 'file' answer needs a 'content-type'")
  const p = payload
  const reason = reasonPhrase(status)
  return {
    ok: true,
    value: (m) => {
      if (p.kind === 'error') return {kind: 'error', status}
      if (p.kind === 'raw') return {kind: 'reply', reply: p.reply}
      const headers: [string, string][] = hdrs.map(([n, f]) => [n.toLowerCase(), f(m)])
      const body = p.kind === 'body' ? Buffer.from(p.text(m), 'latin1') : Buffer.alloc(0)
      headers.push(['content-length', String(body.length)])
      if (contentType !== undefined && p.kind === 'body') headers.push(['content-type', contentType])
      return {kind: 'reply', reply: {status, version: 'HTTP/1.1', reason, headers, body}}
    },
  }
}

function deny(defaultStatus: number): Compile {
  return (rule, ctx) => {
    const args = rule.args
    const custom = args.some((w) => ['string', 'lf-string', 'file', 'lf-file', 'errorfile', 'errorfiles', 'hdr', 'content-type'].includes(w))
    if (custom) return compileReturn(args, defaultStatus, ctx)
    let status = defaultStatus
    for (let i = 0; i < args.length; i++) {
      if (args[i] === 'deny_status' || args[i] === 'status') status = Number(args[++i])
      else if (args[i] !== 'default-errorfiles') return fail(`'${args[i] ?? ''}' is not supported by the bundled engine yet`)
    }
    if (!ERROR_CODES.includes(status)) return fail(`deny_status ${status}: must be one of ${ERROR_CODES.join(', ')}`)
    return {ok: true, value: () => ({kind: 'error', status})}
  }
}

/** `tarpit [deny_status N]`: the request is held for `timeout tarpit`, then answered with the error page (500). */
const tarpit: Compile = (rule, ctx) => {
  const compiled = deny(500)(rule, ctx)
  if (!compiled.ok) return compiled
  const answer = compiled.value
  const delayMs = ctx.tarpitMs ?? 0
  return {
    ok: true,
    value: (m) => {
      const outcome = answer(m)
      return outcome?.kind === 'error' ? {...outcome, delayMs} : outcome
    },
  }
}

const auth: Compile = (rule, ctx) => {
  const args = rule.args
  let realm = ctx.proxyName
  for (let i = 0; i < args.length; i++) {
    if (args[i] === 'realm') realm = args[++i] ?? realm
    else return fail(`'${args[i] ?? ''}' is not supported by the bundled engine yet`)
  }
  const header: [string, string] = ['www-authenticate', `Basic realm="${realm.replace(/["\\]/g, '\\$&')}"`]
  return {ok: true, value: () => ({kind: 'error', status: 401, headers: [header]})}
}

const redirect: Compile = (rule) => {
  const compiled = compileRedirect(rule.args)
  if (!compiled.ok) return compiled
  const r = compiled.value
  return {ok: true, value: (m) => ({kind: 'reply', reply: r.build(m)})}
}

const setStatus: Compile = (rule) => {
  const status = Number(rule.args[0])
  if (!Number.isInteger(status) || status < 100 || status > 999) return fail(`set-status: '${rule.args[0] ?? ''}' is not a status code`)
  const reason = rule.args[1] === 'reason' ? rule.args[2] : undefined
  return {
    ok: true,
    value: (m) => {
      m.status = status
      m.reason = reason ?? reasonPhrase(status)
      m.edited = true
      return undefined
    },
  }
}

/** HAProxy 2.6 ships one service; others come from Lua, which the bundled engine does not run. */
const SERVICE = {kind: 'service', name: 'prometheus-exporter'} as const
const useService: Compile = (rule) =>
  rule.args.length === 1 && rule.args[0] === 'prometheus-exporter' ? {ok: true, value: () => SERVICE} : fail(`'${rule.args.join(' ')}': only prometheus-exporter is supported by the bundled engine`)

const REQUEST_ACTIONS: Record<string, Compile> = {
  allow: () => ({ok: true, value: () => ALLOW}),
  deny: deny(403),
  tarpit,
  auth,
  redirect,
  return: (rule, ctx) => compileReturn(rule.args, 200, ctx),
  'set-header': setHeader('set'),
  'add-header': setHeader('add'),
  'del-header': delHeader,
  'replace-header': replaceHeader(false),
  'replace-value': replaceHeader(true),
  'set-path': setLine('path'),
  'set-query': setLine('query'),
  'set-uri': setLine('uri'),
  'set-method': setLine('method'),
  'use-service': useService,
}

const RESPONSE_ACTIONS: Record<string, Compile> = {
  allow: () => ({ok: true, value: () => ALLOW}),
  deny: deny(502),
  'set-header': setHeader('set'),
  'add-header': setHeader('add'),
  'del-header': delHeader,
  'replace-header': replaceHeader(false),
  'replace-value': replaceHeader(true),
  'set-status': setStatus,
}

/** `http-after-response`: edits of every response, the engine's own included; no deny. */
const AFTER_RESPONSE_ACTIONS: Record<string, Compile> = Object.fromEntries(Object.entries(RESPONSE_ACTIONS).filter(([name]) => name !== 'deny'))

/** Variable scopes that live as long as the transaction (`sess.` and `proc.` outlive it: not run yet). */
const VAR_SCOPES = new Set(['txn', 'req', 'res'])

/** `set-var(txn.x) <sample>`, `set-var-fmt(txn.x) <log-format>`, `unset-var(txn.x)`. */
function variable(action: string): Compile | undefined {
  const m = /^(set-var|set-var-fmt|unset-var)\(([a-z]+)\.([A-Za-z0-9_.]+)\)$/.exec(action)
  if (!m) return undefined
  const [, kind, scope = '', name] = m
  const key = `${scope}.${name}`
  return (rule) => {
    if (!VAR_SCOPES.has(scope)) return fail(`variables of scope '${scope}' are not supported by the bundled engine yet (txn, req and res are)`)
    if (kind === 'unset-var') {
      return {
        ok: true,
        value: (m) => {
          m.vars?.delete(key)
          return undefined
        },
      }
    }
    const expression = rule.args[0]
    if (expression === undefined) return fail(`missing the ${kind === 'set-var' ? 'sample expression' : 'format'}`)
    const value = kind === 'set-var' ? compileSampleValue(expression) : compileLogFormat(expression)
    if (!value.ok) return value
    const get = value.value
    return {
      ok: true,
      value: (m) => {
        // An absent sample leaves the variable as it was, as HAProxy does.
        const v = get(m)
        if (v !== undefined) m.vars?.set(key, v)
        return undefined
      },
    }
  }
}

/** Compiles one rule of an http-request or http-response list; `condition` is compiled by the caller. */
export function compileHttpRule(rule: Rule, condition: RequestCondition | undefined, ctx: RuleCompileContext): Compiled<HttpRule> {
  const table = rule.set === 'http-request' ? REQUEST_ACTIONS : rule.set === 'http-response' ? RESPONSE_ACTIONS : AFTER_RESPONSE_ACTIONS
  const compile = table[rule.action] ?? variable(rule.action)
  if (!compile) return fail(`${rule.set} ${rule.action} is not supported by the bundled engine yet`)
  const compiled = compile(rule, ctx)
  if (!compiled.ok) return fail(`${rule.set} ${rule.action}: ${compiled.problem}`)
  return {ok: true, value: {condition, apply: compiled.value}}
}
