/**
 * What a proxy logs and where, from the config model, resolved like HAProxy 2.6: a proxy starts with
 * its defaults' `log` lines and appends its own (`log global` adds the global ones, `no log` clears
 * the list); `option httplog|tcplog` or `log-format` pick the line (the nearest section wins, the last
 * line within it); with none, a `Connect from` line is logged per connection.
 */
import {hostname} from 'node:os'
import type {Directive, GlobalSettings, Proxy} from '../../../config/haproxy/index.js'
import {compileLogFormat, HTTPLOG_FORMAT, LogLine, TCPLOG_FORMAT} from './format.js'
import {type LogTarget, parseLogTarget} from './target.js'

export interface LogPlan {
  targets: LogTarget[]
  /** `log-tag` (proxy, else global), default `haproxy`. */
  tag: string
  /** `log-send-hostname [name]` in global. */
  hostname?: string
  /** The traffic log line; undefined: HAProxy's default `Connect from ...` line at accept. */
  line?: LogLine
  dontlognull: boolean
  /** `option log-separate-errors`: lines of failed streams go out at level err instead of info. */
  separateErrors: boolean
}

const where = (d: {file: string; line: number}) => `${d.file}:${d.line}`

/** The `log` lines that apply to a proxy, in order, `log global` expanded. */
function effectiveTargets(p: Proxy, global: GlobalSettings | undefined, problems: string[]): LogTarget[] {
  const chain: Proxy[] = []
  for (let q: Proxy | undefined = p; q; q = q.inheritsFrom) chain.unshift(q)
  let targets: LogTarget[] = []
  const add = (d: Directive) => {
    const parsed = parseLogTarget(d.args)
    if (parsed.ok) targets.push(parsed.value)
    else problems.push(`${where(d)}: ${parsed.problem}`)
  }
  for (const section of chain) {
    for (const d of section.directives) {
      if (d.name !== 'log') continue
      if (d.prefix === 'no') targets = []
      else if (d.args[0] === 'global') for (const g of global?.logs ?? []) add(g)
      else add(d)
    }
  }
  return targets
}

/** The nearest `option httplog|tcplog` / `log-format` line. */
function formatDirective(p: Proxy): Directive | undefined {
  for (let q: Proxy | undefined = p; q; q = q.inheritsFrom) {
    const found = q.directives.filter((d) => d.name === 'log-format' || (d.name === 'option' && d.prefix === undefined && (d.args[0] === 'httplog' || d.args[0] === 'tcplog'))).at(-1)
    if (found) return found
  }
  return undefined
}

function lastArgs(directives: readonly Directive[] | undefined, name: string): string[] | undefined {
  return directives?.filter((d) => d.name === name).at(-1)?.args
}

export function captureCounts(p: Proxy): {request: number; response: number} {
  const captures = p.directives.filter((d) => d.name === 'capture' && d.args[1] === 'header')
  return {request: captures.filter((d) => d.args[0] === 'request').length, response: captures.filter((d) => d.args[0] === 'response').length}
}

/** The log plan of a proxy, or undefined when it has no log target (then it does no logging work at all). */
export function logPlan(p: Proxy, global: GlobalSettings | undefined, problems: string[]): LogPlan | undefined {
  const targets = effectiveTargets(p, global, problems)
  if (targets.length === 0) return undefined
  let tag = lastArgs(global?.directives, 'log-tag')?.[0] ?? 'haproxy'
  for (let q: Proxy | undefined = p; q; q = q.inheritsFrom) {
    const own = lastArgs(q.directives, 'log-tag')?.[0]
    if (own) {
      tag = own
      break
    }
  }
  const sendHostname = lastArgs(global?.directives, 'log-send-hostname')
  const options = p.effective.options
  const plan: LogPlan = {targets, tag, dontlognull: options.dontlognull?.enabled ?? false, separateErrors: options['log-separate-errors']?.enabled ?? false}
  // What would change the lines HAProxy sends: refused rather than logged differently.
  for (const name of ['logasap', 'log-health-checks']) {
    const option = options[name]
    if (option?.enabled) problems.push(`${where(option)}: ${p.kind} ${p.name}: option ${name} is not supported by the bundled engine yet`)
  }
  for (const keyword of ['log-format-sd', 'error-log-format']) {
    const line = p.directives.find((d) => d.name === keyword)
    if (line) problems.push(`${where(line)}: ${p.kind} ${p.name}: ${keyword} is not supported by the bundled engine yet`)
  }
  if (sendHostname) plan.hostname = sendHostname[0] ?? hostname()
  if (p.kind === 'backend') return plan
  const directive = formatDirective(p)
  if (!directive) return plan
  let text: string
  if (directive.name === 'log-format') text = directive.args.join(' ')
  else if (directive.args[0] === 'httplog' && p.effective.mode === 'http') {
    if (directive.args[1] === 'clf') problems.push(`${where(directive)}: ${p.kind} ${p.name}: option httplog clf is not supported by the bundled engine yet`)
    text = HTTPLOG_FORMAT
  } else text = TCPLOG_FORMAT // HAProxy too falls back to tcplog for `option httplog` in mode tcp.
  const compiled = compileLogFormat(text)
  if (!compiled.ok) {
    problems.push(`${where(directive)}: ${p.kind} ${p.name}: ${compiled.problem}`)
    return plan
  }
  const counts = captureCounts(p)
  plan.line = new LogLine(compiled.value, counts.request, counts.response)
  return plan
}

const streamOnly = new Map<'http' | 'tcp', LogPlan>()

/** No target, HAProxy's line for the mode: what `show events` streams for a frontend that does not log. */
export function streamOnlyPlan(mode: 'http' | 'tcp'): LogPlan {
  let plan = streamOnly.get(mode)
  if (!plan) {
    const compiled = compileLogFormat(mode === 'http' ? HTTPLOG_FORMAT : TCPLOG_FORMAT)
    if (!compiled.ok) throw new Error(compiled.problem)
    streamOnly.set(mode, (plan = {targets: [], tag: 'haproxy', dontlognull: false, separateErrors: false, line: new LogLine(compiled.value)}))
  }
  return plan
}
