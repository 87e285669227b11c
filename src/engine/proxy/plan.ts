/**
 * Turns the config model into what the engine runs, and says clearly what the bundled engine
 * cannot run yet (instead of running it differently from HAProxy).
 */
import type {Bind, HaproxyModel, Proxy, Server} from '../../config/haproxy/index.js'
import {compileCondition, type RequestCondition} from './acl/index.js'
import {type Algorithm, SUPPORTED_ALGORITHMS} from './balance/index.js'
import type {HttpCheck, HttpExpect} from './health/probe.js'
import {httpSettings, type HttpSettings} from './http/settings.js'
import {parseListenAddress, type ListenAddress} from './listen-address.js'
import {type CookiePlan, planCookie} from './persist/index.js'
import {planProxyRules, planRulesShared, type ProxyRules, rulesIdle} from './rules/index.js'
import {compileLogFormat, type Formatter} from './rules/log-format.js'
import {type LogPlan, logPlan} from './log/plan.js'
import {statsPlan, type StatsPlan} from './stats/settings.js'
import {planBindTls, type TlsBindPlan} from './tls/index.js'

export interface ServerPlan {
  id: number
  name: string
  host: string
  port: number
  weight: number
  backup: boolean
  disabled: boolean
  maxconn: number
  maxqueue: number
  /** The server's `cookie` value for cookie persistence. */
  cookie?: string
  check?: {
    inter: number
    fastinter?: number
    downinter?: number
    rise: number
    fall: number
    host: string
    port: number
  }
}

export interface BackendPlan {
  name: string
  id: number
  algorithm: Algorithm
  hashType: 'map-based' | 'consistent'
  avalanche: boolean
  draws: number
  allBackups: boolean
  retries: number
  redispatch: boolean
  timeouts: {connect: number; server: number; queue: number; check?: number}
  /** `fullconn`, which show stat reports as the backend's slim: by default 10% of the referencing frontends' maxconn. */
  fullconn?: number
  http?: HttpCheck
  servers: ServerPlan[]
  /** http-request/response rules, redirects, errorfiles; undefined when the backend has none (no per-request work). */
  rules?: ProxyRules
  /** `cookie NAME insert|rewrite|prefix...`: cookie persistence (mode http). */
  cookie?: CookiePlan
  /** Where health transitions are logged (the backend's `log` lines); undefined: nowhere. */
  log?: LogPlan
}

export interface FrontendPlan {
  name: string
  id: number
  /** `tls` for `bind ... ssl`: certificates, ALPN and SNI for the terminator. */
  /** `at`: where the bind line is (`haproxy.cfg:12`), for errors about it. */
  binds: {address: ListenAddress; text: string; at: string; tls?: TlsBindPlan}[]
  maxconn: number
  timeoutClient: number
  /** The backend when no switching rule matches (default_backend, or an unconditional use_backend); none: 503. */
  backend: string | undefined
  /** `use_backend NAME if|unless COND` rules before it, tried in order per request (mode http). */
  switching: SwitchingRule[]
  mode: 'tcp' | 'http'
  /** Set in mode http. */
  http?: HttpSettings
  /** `stats enable|uri|...`: the stats page this mode http frontend serves before backend selection. */
  stats?: StatsPlan
  /** L7 rules, monitor-uri, captures, errorfiles; undefined when the frontend has none (no per-request work). */
  rules?: ProxyRules
  /** `tcp-request connection accept|reject` rules, checked before anything else on each new connection. */
  tcpConnection?: ProxyRules['tcpConnection']
  /** Traffic logging; undefined when the frontend has no log target (no logging work at all). */
  log?: LogPlan
}

export interface SwitchingRule {
  /** The backend's name, or the log-format text of a dynamic one. */
  backend: string
  condition: RequestCondition
  /** `use_backend %[...]`: the name computed per request; a name no backend has ends the rules (the default backend is used). */
  dynamic?: Formatter
}

const ALWAYS: RequestCondition = {text: '', matches: () => true}

export interface StatsSocketPlan {
  address: ListenAddress
  text: string
  level: 'user' | 'operator' | 'admin'
}

export interface EnginePlan {
  frontends: FrontendPlan[]
  backends: BackendPlan[]
  statsSockets: StatsSocketPlan[]
  maxconn: number
}

export type PlanResult = {ok: true; plan: EnginePlan} | {ok: false; problems: string[]}

/** HAProxy's default when nothing limits it (it derives one from ulimit -n; lbctl uses a fixed one). */
const DEFAULT_MAXCONN = 4096

export function planEngine(model: HaproxyModel): PlanResult {
  const problems: string[] = []
  const where = (p: {file: string; line: number}) => `${p.file}:${p.line}`
  const globalMaxconn = model.global?.maxconn ?? DEFAULT_MAXCONN
  const proxyIds = new Map<Proxy, number>()
  model.proxies.forEach((p, i) => proxyIds.set(p, i + 2))

  const rulesShared = planRulesShared(model, problems)
  const proxyRules = new Map<Proxy, ProxyRules>()
  for (const p of model.proxies) {
    if (p.effective.mode === 'http' && p.kind !== 'defaults') unsupportedHttp(p, problems)
    // Rules the engine cannot run are problems: running without them would let through traffic HAProxy rejects.
    const rules = planProxyRules(p, rulesShared, problems)
    if (rules) proxyRules.set(p, rules)
  }

  const backends: BackendPlan[] = []
  for (const p of model.proxies.filter((x) => x.kind === 'backend' || x.kind === 'listen')) {
    const backend = planBackend(p, proxyIds.get(p) ?? 0, problems)
    // A listen's log lines are reported once, by its frontend side below.
    const log = backend && logPlan(p, model.global, p.kind === 'listen' ? [] : problems)
    if (log) backend.log = log
    const rules = proxyRules.get(p)
    if (backend && !rulesIdle(rules)) backend.rules = rules
    const cookie = p.effective.mode === 'http' ? planCookie(p.effective.cookie, problems, `${p.effective.cookie?.file}:${p.effective.cookie?.line}: ${p.kind} ${p.name}`) : undefined
    if (backend && cookie) backend.cookie = cookie
    if (backend) backends.push(backend)
  }

  const frontends: FrontendPlan[] = []
  for (const p of model.proxies.filter((x) => x.kind === 'frontend' || x.kind === 'listen')) {
    // The first unconditional rule with a fixed name acts as the default backend (a dynamic one is a rule like the others).
    const unconditional = p.useBackends.find((u) => !u.condition && !u.backend.includes('%['))
    const backend = p.kind === 'listen' ? p.name : (unconditional?.backend ?? p.defaultBackend?.name ?? p.effective.defaultBackend)
    const mode = p.effective.mode
    // In mode http a request no use_backend rule takes gets HAProxy's 503; a TCP connection has nowhere to go.
    if (!backend && mode !== 'http') {
      problems.push(`${where(p)}: frontend ${p.name} has no default_backend`)
      continue
    }
    const switching = planSwitching(p, unconditional, mode, problems)
    const modeOf = (name: string) => model.proxies.find((x) => x.name === name && (x.kind === 'backend' || x.kind === 'listen'))?.effective.mode
    for (const target of [...switching.filter((r) => !r.dynamic).map((r) => r.backend), ...(backend === undefined ? [] : [backend])]) {
      if (!backends.some((b) => b.name === target)) {
        if (!problems.some((x) => x.includes(` ${target}:`))) problems.push(`${where(p)}: ${p.name}: backend ${target} not found`)
      } else if (modeOf(target) !== mode) problems.push(`${where(p)}: ${p.kind} ${p.name} (mode ${mode}) uses backend ${target} (mode ${modeOf(target)}): the modes must match`)
    }
    if (mode === 'http' && backend !== undefined) {
      const differing = differingHttpSettings(p, backend, switching, model.proxies)
      if (differing) problems.push(`${where(p)}: ${p.kind} ${p.name}: backend ${differing} sets other HTTP connection or forwardfor options than ${backend}, which the bundled engine cannot switch per request yet`)
    }
    const binds: FrontendPlan['binds'] = []
    const timeoutClient = p.effective.timeouts.client?.ms
    for (const bind of p.binds) binds.push(...planBind(bind, problems, model.global, timeoutClient ?? 0))
    const backendProxy = model.proxies.find((x) => x.name === backend && (x.kind === 'backend' || x.kind === 'listen'))
    frontends.push({
      name: p.name,
      id: proxyIds.get(p) ?? 0,
      binds,
      maxconn: p.effective.maxconn ?? globalMaxconn,
      timeoutClient: timeoutClient ?? 0,
      backend,
      switching,
      mode,
      ...(mode === 'http' ? {http: httpSettings(p, backendProxy, problems)} : {}),
    })
    const stats = mode === 'http' ? statsPlan(p, problems) : undefined
    if (stats) frontends.at(-1)!.stats = stats
    const rules = proxyRules.get(p)
    if (mode === 'http' && !rulesIdle(rules)) frontends.at(-1)!.rules = rules
    if (rules && rules.tcpConnection.length > 0) frontends.at(-1)!.tcpConnection = rules.tcpConnection
    const log = logPlan(p, model.global, problems)
    if (log) frontends.at(-1)!.log = log
  }

  const statsSockets: StatsSocketPlan[] = []
  for (const socket of model.global?.statsSockets ?? []) {
    const address = parseListenAddress(socket.address)
    if (!address) {
      problems.push(`${where(socket.location)}: stats socket ${socket.address}: address not supported`)
      continue
    }
    const levelIndex = socket.options.indexOf('level')
    const level = levelIndex >= 0 ? socket.options[levelIndex + 1] : 'operator'
    statsSockets.push({address, text: socket.address, level: level === 'user' || level === 'admin' ? level : 'operator'})
  }

  for (const backend of backends) {
    if (backend.fullconn !== undefined) continue
    const total = frontends.filter((f) => f.backend === backend.name || f.switching.some((r) => r.backend === backend.name)).reduce((sum, f) => sum + f.maxconn, 0)
    if (total > 0) backend.fullconn = Math.ceil(total / 10)
  }
  if (problems.length > 0) return {ok: false, problems}
  return {ok: true, plan: {frontends, backends, statsSockets, maxconn: globalMaxconn}}
}

/** The conditional use_backend rules before the first unconditional one (which acts as the default). */
function planSwitching(p: Proxy, unconditional: Proxy['useBackends'][number] | undefined, mode: 'tcp' | 'http', problems: string[]): SwitchingRule[] {
  const rules: SwitchingRule[] = []
  for (const rule of p.useBackends) {
    if (rule === unconditional) break
    const at = `${rule.file}:${rule.line}: ${p.kind} ${p.name}: use_backend ${rule.backend}`
    const dynamic = rule.backend.includes('%[')
    if (!rule.condition && !dynamic) continue
    if (mode !== 'http') {
      problems.push(`${at}: ${dynamic ? 'dynamic backend names' : 'conditions'} in mode tcp are not supported by the bundled engine yet`)
      continue
    }
    const compiled = rule.condition ? compileCondition(rule.condition, p.acls) : ({ok: true, value: ALWAYS} as const)
    const name = dynamic ? compileLogFormat(rule.backend) : undefined
    if (!compiled.ok) problems.push(`${at}: ${compiled.problem}`)
    else if (name && !name.ok) problems.push(`${at}: ${name.problem}`)
    else rules.push({backend: rule.backend, condition: compiled.value, ...(name?.ok ? {dynamic: name.value} : {})})
  }
  return rules
}

/** A switching target whose connection mode or forwardfor differs from the default backend's (the session runs one set). */
function differingHttpSettings(p: Proxy, backend: string, switching: SwitchingRule[], proxies: Proxy[]): string | undefined {
  const find = (name: string) => proxies.find((x) => x.name === name && (x.kind === 'backend' || x.kind === 'listen'))
  const settingsOf = (name: string) => {
    const s = httpSettings(p, find(name), [])
    return JSON.stringify([s.connection, s.forwardFor])
  }
  const base = settingsOf(backend)
  return switching.map((r) => r.backend).find((name) => find(name) && settingsOf(name) !== base)
}

/** What mode http proxies may use that the bundled engine does not run yet: refused rather than ignored. */
function unsupportedHttp(p: Proxy, problems: string[]): void {
  const at = (l: {file: string; line: number}) => `${l.file}:${l.line}: ${p.kind} ${p.name}`
  const stats = p.effective.stats
  if (p.kind === 'backend' && (stats.enabled || stats.uri !== undefined)) problems.push(`${at(p)}: a stats page in a backend section is not supported by the bundled engine yet (put it in the frontend or a listen)`)
  const refused: Record<string, string> = {
    'http-reuse': 'http-reuse is',
  }
  for (const d of p.directives) {
    const what = refused[d.name]
    if (what) problems.push(`${at(d)}: ${what} not supported by the bundled engine yet`)
  }
  for (const [name, option] of Object.entries(p.options)) {
    if (!option.enabled) continue
    if (['http-buffer-request', 'http-pretend-keepalive', 'http-no-delay', 'http_proxy', 'http-use-proxy-header', 'abortonclose', 'accept-invalid-http-request', 'accept-invalid-http-response', 'h1-case-adjust-bogus-client', 'h1-case-adjust-bogus-server'].includes(name)) {
      problems.push(`${at(option)}: option ${name} is not supported by the bundled engine yet`)
    }
  }
}

function planBind(bind: Bind, problems: string[], global: HaproxyModel['global'], timeoutClient: number): FrontendPlan['binds'] {
  const out: FrontendPlan['binds'] = []
  const tls = bind.ssl ? planBindTls(bind, global, timeoutClient) : undefined
  if (tls && !tls.ok) problems.push(tls.problem)
  for (const a of bind.addresses) {
    const address = parseListenAddress(a.text)
    if (!address) problems.push(`${bind.file}:${bind.line}: bind ${a.text}: address not supported by the bundled engine`)
    else if (address.kind === 'tcp' && a.portEnd !== undefined && a.portEnd !== a.port) problems.push(`${bind.file}:${bind.line}: bind ${a.text}: port ranges are not supported yet`)
    else {
      const at = `${bind.file}:${bind.line}`
      out.push(tls?.ok ? {address, text: a.text, at, tls: tls.tls} : {address, text: a.text, at})
    }
  }
  return out
}

/** A directive of the proxy, else of the defaults it inherits from (the last one written wins). */
function inherited(p: Proxy, name: string): string[] | undefined {
  for (let q: Proxy | undefined = p; q; q = q.inheritsFrom) {
    const found = q.directives.filter((d) => d.keyword === name || d.name === name).at(-1)
    if (found) return found.args
  }
  return undefined
}

function planBackend(p: Proxy, id: number, problems: string[]): BackendPlan | undefined {
  const balance = p.effective.balance
  const algorithmName = balance?.algorithm ?? 'roundrobin'
  if (!SUPPORTED_ALGORITHMS.includes(algorithmName)) {
    problems.push(`${balance ? `${balance.file}:${balance.line}` : `${p.file}:${p.line}`}: backend ${p.name}: balance ${algorithmName} is not supported by the bundled engine yet`)
    return undefined
  }
  const hashArgs = inherited(p, 'hash-type') ?? []
  const timeouts = p.effective.timeouts
  const connect = timeouts.connect?.ms ?? 0
  const httpchk = p.effective.options.httpchk
  let http: HttpCheck | undefined
  if (httpchk?.enabled) {
    const args = httpchk.args
    // `option httpchk URI` alone is the URI; with two or three words: METHOD URI [VERSION].
    const [method, uri, version] = args.length === 1 ? ['OPTIONS', args[0]!, 'HTTP/1.0'] : [args[0] ?? 'OPTIONS', args[1] ?? '/', args[2] ?? 'HTTP/1.0']
    const versionParts = version.split('\r\n')
    http = {method, uri, version: versionParts[0]!, extraHeaders: versionParts.slice(1).map((h) => `${h}\r\n`).join('')}
    const expect = expectOf(p)
    if (expect) http.expect = expect
  }
  const checkTimeout = timeouts.check?.ms
  const servers: ServerPlan[] = []
  p.servers.forEach((s, i) => {
    const server = planServer(s, i + 1, p, problems)
    if (server) servers.push(server)
  })
  return {
    name: p.name,
    id,
    algorithm: algorithmName as Algorithm,
    hashType: hashArgs[0] === 'consistent' ? 'consistent' : 'map-based',
    avalanche: hashArgs.includes('avalanche'),
    draws: Number(balance?.args[0] ?? 2) || 2,
    allBackups: p.effective.options.allbackups?.enabled ?? false,
    retries: p.effective.retries ?? 3,
    redispatch: p.effective.options.redispatch?.enabled ?? false,
    timeouts: {connect, server: timeouts.server?.ms ?? 0, queue: timeouts.queue?.ms ?? connect, ...(checkTimeout !== undefined ? {check: checkTimeout} : {})},
    ...(inherited(p, 'fullconn') ? {fullconn: Number(inherited(p, 'fullconn')![0])} : {}),
    ...(http ? {http} : {}),
    servers,
  }
}

function expectOf(p: Proxy): HttpExpect | undefined {
  for (let q: Proxy | undefined = p; q; q = q.inheritsFrom) {
    const line = q.directives.filter((d) => d.name === 'http-check' && d.args[0] === 'expect').at(-1)
    if (!line) continue
    const words = line.args.slice(1)
    const negate = words[0] === '!'
    const rest = negate ? words.slice(1) : words
    const kind = rest[0]
    if (kind === 'status' || kind === 'rstatus' || kind === 'string') return {negate, kind, pattern: rest.slice(1).join(' ')}
    return undefined
  }
  return undefined
}

function planServer(s: Server, id: number, p: Proxy, problems: string[]): ServerPlan | undefined {
  if (s.port === undefined) {
    problems.push(`${s.file}:${s.line}: server ${p.name}/${s.name}: a server without a port (following the client's port) is not supported yet`)
    return undefined
  }
  if (s.ssl) problems.push(`${s.file}:${s.line}: server ${p.name}/${s.name}: ssl to servers is not supported by the bundled engine yet`)
  const explicitId = Number(s.options.id)
  const checkPort = Number(s.options.port)
  const checkAddr = typeof s.options.addr === 'string' ? s.options.addr : undefined
  return {
    id: Number.isInteger(explicitId) && explicitId > 0 ? explicitId : id,
    name: s.name,
    host: s.host,
    port: s.port,
    weight: s.weight,
    backup: s.backup,
    disabled: s.disabled,
    maxconn: s.maxconn ?? 0,
    maxqueue: s.maxqueue ?? 0,
    ...(s.cookie !== undefined ? {cookie: s.cookie} : {}),
    ...(s.check
      ? {
          check: {
            inter: s.inter,
            ...(s.fastinter !== undefined ? {fastinter: s.fastinter} : {}),
            ...(s.downinter !== undefined ? {downinter: s.downinter} : {}),
            rise: s.rise,
            fall: s.fall,
            host: checkAddr ?? s.host,
            port: Number.isInteger(checkPort) && checkPort > 0 ? checkPort : s.port,
          },
        }
      : {}),
  }
}
