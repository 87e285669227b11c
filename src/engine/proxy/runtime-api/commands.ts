/**
 * The runtime API commands the bundled engine answers, with HAProxy 2.6's wording and levels.
 * Pure over an EngineView: the socket adapter (server.ts) only splits lines and writes answers.
 */
import type {BackendRuntime, ServerRuntime} from '../runtime.js'
import type {FrontendRuntime} from '../runtime.js'
import {CHECK_STATUS_NUMBER} from './stat-columns.js'
import {showStat, showStatJson, showStatTyped, type StatFilter, type StatObject} from './stat.js'
import {INFO_FIELDS, INFO_POSITIONS, tagWords} from './stat-schema.js'

export type Level = 'user' | 'operator' | 'admin'
const RANK: Record<Level, number> = {user: 0, operator: 1, admin: 2}

export interface EngineView {
  frontends: FrontendRuntime[]
  backends: BackendRuntime[]
  now(): number
  startedAt: number
  pid: number
  maxconn: number
  currentConnections(): number
  totalConnections(): number
  listeners(): number
  stopping(): boolean
  setServerAdmin(backend: BackendRuntime, server: ServerRuntime, change: {maint?: boolean; drain?: boolean}): void
  setServerWeight(backend: BackendRuntime, server: ServerRuntime, weight: number): void
  /** The node's VRRP instances for `show vrrp` (lbctl extension); absent: the command is unknown, as on HAProxy. */
  vrrp?: () => VrrpStatusRow[]
  /** `set vrrp link|block` (lbctl extensions): the node's VRRP fault simulation; absent: the command is unknown. */
  vrrpControl?: VrrpControl
  /** `show stat` objects the proxy does not own (a node's LVS virtual servers), after its own. */
  extraStats?: () => StatObject[]
  /** `show events` (lbctl extension): lines until the returned function is called. */
  subscribeEvents?: (listener: (line: string) => void) => () => void
}

/** `set vrrp ...` (lbctl extensions, level admin): a fault on the node's VRRP, for failover tests. */
export interface VrrpControl {
  /** Link down/up as the instances see it; the answer when the node refuses (privileged mode has a real link), else undefined. */
  setLink(up: boolean): string | undefined
  /** Drop adverts: `in` received ones, `on` both ways, `off` none. */
  setBlock(block: 'off' | 'in' | 'on'): void
}

/** One VRRP instance as `show vrrp` prints it. */
export interface VrrpStatusRow {
  instance: string
  state: string
  priority: number
  effectivePriority: number
  vrid: number
  version: number | undefined
  advertIntMs: number | undefined
  /** Address of the master this instance knows (itself when MASTER); undefined before it heard one. */
  master: string | undefined
  vips: string[]
  /** Since the last advert this instance sent (MASTER) or received (otherwise); undefined when none yet. */
  lastAdvertMsAgo: number | undefined
  node: string
}

/**
 * The columns of `show vrrp`, a `# `-prefixed header then one comma-separated line per instance, like
 * `show stat`: clients read it by column name, and new columns are only ever appended. `vips` are
 * space-separated; an unknown value is an empty field.
 */
export const SHOW_VRRP_COLUMNS = ['instance', 'state', 'priority', 'effective_priority', 'vrid', 'version', 'advert_int_ms', 'master', 'vips', 'last_advert_ms_ago', 'node'] as const

export function showVrrp(rows: readonly VrrpStatusRow[]): string {
  const field = (value: string | number | undefined) => (value === undefined ? '' : String(value).replace(/[,\n]/g, ' '))
  const lines = rows.map((r) =>
    [r.instance, r.state, r.priority, r.effectivePriority, r.vrid, r.version, r.advertIntMs, r.master, r.vips.join(' '), r.lastAdvertMsAgo, r.node].map(field).join(','),
  )
  return `# ${SHOW_VRRP_COLUMNS.join(',')}\n` + lines.map((line) => `${line}\n`).join('')
}

export const ENGINE_NAME = 'lbctl'
export const ENGINE_VERSION = '2.6-lbctl'

const HELP: [string, string, Level][] = [
  ['disable server (DEPRECATED)', "disable a server for maintenance (use 'set server' instead)", 'admin'],
  ['enable server  (DEPRECATED)', "enable a disabled server (use 'set server' instead)", 'admin'],
  ['get weight <bk>/<srv>', "report a server's current weight", 'user'],
  ['operator', 'lower the level of the current CLI session to operator', 'user'],
  ['set server <bk>/<srv> [opts]', "change a server's state, weight, address or ssl", 'admin'],
  ['set weight <bk>/<srv>  (DEPRECATED)', "change a server's weight (use 'set server' instead)", 'admin'],
  ['show backend', 'list backends in the current running config', 'user'],
  ['show cli level', 'display the level of the current CLI session', 'user'],
  ['show info [desc|json|typed|float]*', 'report information about the running process', 'user'],
  ['show servers state [<backend>]', 'dump volatile server information (all or for a single backend)', 'user'],
  ['show stat [desc|json|no-maint|typed|up]*', 'report counters for each proxy and server', 'user'],
  ['user', 'lower the level of the current CLI session to user', 'user'],
  ['help [<command>]', 'list matching or all commands', 'user'],
  ['prompt', 'toggle interactive mode with prompt', 'user'],
  ['quit', 'disconnect', 'user'],
]

const VRRP_HELP: [string, string, Level] = ['show vrrp', 'report the VRRP instances of this node (lbctl)', 'user']
const VRRP_SET_HELP: [string, string, Level][] = [
  ['set vrrp block on|in|off', 'drop VRRP adverts both ways, received ones only, or none (lbctl)', 'admin'],
  ['set vrrp link down|up', "simulate this node's VRRP link down or up (lbctl, local mode)", 'admin'],
]
const EVENTS_HELP: [string, string, Level] = ['show events', 'stream health changes, request logs and VRRP roles, one JSON line each (lbctl)', 'user']

function helpText(view?: EngineView): string {
  // The lbctl extensions go where HAProxy's alphabetical list would have them.
  const entries: [string, string, Level][] = []
  for (const entry of HELP) {
    if (entry[0].startsWith('show info') && view?.subscribeEvents) entries.push(EVENTS_HELP)
    if (entry[0].startsWith('set weight') && view?.vrrpControl) entries.push(...VRRP_SET_HELP)
    entries.push(entry)
    if (entry[0].startsWith('show stat') && view?.vrrp) entries.push(VRRP_HELP)
  }
  return 'The following commands are valid at this level:\n' + entries.map(([usage, text]) => `  ${usage.padEnd(40)}: ${text}`).join('\n') + '\n'
}

export interface Session {
  level: Level
  prompt: boolean
  quit: boolean
}

/** Answers one command; the text has HAProxy's trailing newline (the adapter adds the blank line). */
export function execute(view: EngineView, session: Session, commandLine: string): string {
  const words = commandLine.trim().split(/\s+/).filter(Boolean)
  const [a = '', b = '', c = ''] = words
  const admin = (run: () => string): string => (RANK[session.level] >= RANK.admin ? run() : 'Permission denied\n')
  if (a === '') return ''
  if (a === 'help') return helpText(view)
  if (a === 'prompt') {
    session.prompt = !session.prompt
    return ''
  }
  if (a === 'quit') {
    session.quit = true
    return ''
  }
  if (a === 'user' || a === 'operator' || (a === 'admin' && words.length === 1)) {
    const level = a as Level
    if (RANK[level] > RANK[session.level]) return 'Permission denied\n'
    session.level = level
    return ''
  }
  if (a === 'show' && b === 'cli' && c === 'level') return `${session.level}\n`
  if (a === 'show' && b === 'stat') return showStatCommand(view, words.slice(2))
  if (a === 'show' && b === 'info') return showInfo(view, words.includes('json') ? 'json' : words.includes('typed') ? 'typed' : 'text')
  if (a === 'show' && b === 'vrrp' && view.vrrp) return showVrrp(view.vrrp())
  if (a === 'show' && b === 'backend') return '# name\n' + view.backends.map((x) => `${x.name}\n`).join('')
  if (a === 'show' && b === 'servers' && c === 'state') return serversState(view, words[3])
  if (a === 'set' && b === 'vrrp' && view.vrrpControl) {
    const control = view.vrrpControl
    return admin(() => setVrrp(control, c, words[3]))
  }
  if (a === 'get' && b === 'weight') {
    return withServer(view, c, (_backend, server) => `${server.weight} (initial ${server.initialWeight})\n`)
  }
  if ((a === 'enable' || a === 'disable') && b === 'server') {
    return admin(() => withServer(view, c, (backend, server) => (view.setServerAdmin(backend, server, {maint: a === 'disable'}), '')))
  }
  if (a === 'set' && b === 'weight') return admin(() => withServer(view, c, (backend, server) => setWeight(view, backend, server, words[3])))
  if (a === 'set' && b === 'server') {
    return admin(() =>
      withServer(view, c, (backend, server) => {
        const what = words[3]
        if (what === 'state') {
          const state = words[4]
          if (state === 'ready') view.setServerAdmin(backend, server, {maint: false, drain: false})
          else if (state === 'drain') view.setServerAdmin(backend, server, {maint: false, drain: true})
          else if (state === 'maint') view.setServerAdmin(backend, server, {maint: true, drain: false})
          else return "'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n"
          return ''
        }
        if (what === 'weight') return setWeight(view, backend, server, words[4])
        return "'set server <srv>' only supports 'agent', 'health', 'state', 'weight', 'addr', 'fqdn', 'check-addr', 'check-port' and 'ssl'.\n"
      }),
    )
  }
  return 'Unknown command, but maybe one of the following ones is a better match:\n' + helpText(view).split('\n').slice(1).join('\n')
}

function setVrrp(control: VrrpControl, what: string, value: string | undefined): string {
  if (what === 'link') {
    if (value !== 'down' && value !== 'up') return "'set vrrp link' expects 'down' or 'up'.\n"
    return control.setLink(value === 'up') ?? ''
  }
  if (what === 'block') {
    if (value !== 'on' && value !== 'in' && value !== 'off') return "'set vrrp block' expects 'on', 'in' or 'off'.\n"
    control.setBlock(value)
    return ''
  }
  return "'set vrrp' only supports 'link' and 'block'.\n"
}

function withServer(view: EngineView, target: string, run: (backend: BackendRuntime, server: ServerRuntime) => string): string {
  const slash = target.indexOf('/')
  if (slash < 0) return "Require 'backend/server'.\n"
  const backend = view.backends.find((x) => x.name === target.slice(0, slash))
  if (!backend) return 'No such backend.\n'
  const server = backend.server(target.slice(slash + 1))
  if (!server) return 'No such server.\n'
  return run(backend, server)
}

function setWeight(view: EngineView, backend: BackendRuntime, server: ServerRuntime, value: string | undefined): string {
  if (value === undefined || value === '') return 'Require <weight>.\n'
  let weight: number
  if (value.endsWith('%')) {
    const percent = Number(value.slice(0, -1))
    if (!Number.isFinite(percent) || percent < 0) return 'Relative weight must be positive.\n'
    weight = Math.floor((server.initialWeight * percent) / 100)
    if (weight > 256) return 'Relative weight too large.\n'
  } else {
    weight = Number(value)
    if (!Number.isInteger(weight) || weight < 0 || weight > 256) return 'Absolute weight can only be between 0 and 256 inclusive.\n'
  }
  const isStatic = backend.plan.algorithm === 'static-rr' || (backend.plan.algorithm === 'source' && backend.plan.hashType === 'map-based')
  if (isStatic && weight !== 0 && weight !== server.initialWeight) return "Backend is using a static LB algorithm and only accepts weights '0%' and '100%'.\n"
  view.setServerWeight(backend, server, weight)
  return ''
}

/** `show stat [{<iid>|<proxy>} <type> <sid>] [typed|json] [desc] [up] [no-maint]`, HAProxy's arguments and errors. */
function showStatCommand(view: EngineView, args: string[]): string {
  const filter: StatFilter = {}
  const options = new Set(['typed', 'json', 'desc', 'up', 'no-maint'])
  const positional = args.filter((w) => !options.has(w))
  if (positional.length > 0) {
    const [proxy = '', type = '', sid = ''] = positional
    if (positional.length < 3) return 'Require a proxy, a type and a server id.\n'
    const known = [...view.frontends, ...view.backends].some((p) => p.name === proxy || String(p.plan.id) === proxy) || (view.extraStats?.() ?? []).some((o) => o.row.pxname === proxy || String(o.proxyId) === proxy)
    if (proxy !== '-1' && !known) return 'No such proxy.\n'
    if (proxy !== '-1') filter.proxy = proxy
    filter.typeMask = Number(type)
    filter.sid = Number(sid)
    if (!Number.isInteger(filter.typeMask) || !Number.isInteger(filter.sid)) return 'Require a proxy, a type and a server id.\n'
  }
  if (args.includes('up')) filter.up = true
  if (args.includes('no-maint')) filter.noMaint = true
  const source = {frontends: view.frontends, backends: view.backends, now: view.now(), ...(view.extraStats ? {extra: view.extraStats} : {})}
  if (args.includes('json')) return showStatJson(source, filter)
  if (args.includes('typed')) return showStatTyped(source, filter)
  return showStat(source, filter)
}

function showInfo(view: EngineView, format: 'text' | 'json' | 'typed' = 'text'): string {
  const now = view.now()
  const uptime = Math.floor((now - view.startedAt) / 1000)
  const d = Math.floor(uptime / 86400)
  const h = Math.floor((uptime % 86400) / 3600)
  const m = Math.floor((uptime % 3600) / 60)
  const s = uptime % 60
  const rate = view.frontends.reduce((n, f) => n + f.rate.rate(), 0)
  const maxRate = view.frontends.reduce((n, f) => n + f.rate.max, 0)
  const fields: [string, string | number][] = [
    ['Name', ENGINE_NAME], ['Version', ENGINE_VERSION], ['Nbthread', 1], ['Nbproc', 1], ['Process_num', 1], ['Pid', view.pid],
    ['Uptime', `${d}d ${h}h${String(m).padStart(2, '0')}m${String(s).padStart(2, '0')}s`], ['Uptime_sec', uptime],
    ['Maxconn', view.maxconn], ['Hard_maxconn', view.maxconn], ['CurrConns', view.currentConnections()], ['CumConns', view.totalConnections()],
    ['ConnRate', rate], ['MaxConnRate', maxRate], ['SessRate', rate], ['MaxSessRate', maxRate], ['Stopping', view.stopping() ? 1 : 0],
    ['Jobs', view.currentConnections() + view.listeners()], ['Listeners', view.listeners()], ['Start_time_sec', Math.floor(view.startedAt / 1000)],
  ]
  if (format === 'text') return fields.map(([k, v]) => `${k}: ${v}\n`).join('')
  // HAProxy numbers the fields by their position in its full list; the engine reports a subset of it.
  const typed = fields.map(([name, value]) => {
    const meta = INFO_FIELDS.get(name) ?? {tags: 'MGP', type: typeof value === 'number' ? 'u32' : 'str'}
    return {pos: INFO_POSITIONS[name] ?? 0, name, tags: meta.tags, type: meta.type, value}
  })
  if (format === 'typed') return typed.map((f) => `${f.pos}.${f.name}.1:${f.tags}:${f.type}:${f.value}\n`).join('')
  return JSON.stringify(typed.map((f) => ({field: {pos: f.pos, name: f.name}, processNum: 1, tags: tagWords(f.tags), value: {type: f.type, value: f.value}}))) + '\n'
}

function serversState(view: EngineView, only: string | undefined): string {
  const backends = only ? view.backends.filter((x) => x.name === only) : view.backends
  if (only && backends.length === 0) return "Can't find backend.\n"
  const header =
    '1\n# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port\n'
  const now = view.now()
  const rows = backends.flatMap((b) =>
    b.servers.map((s) => {
      const adminState = (s.maint ? 0x01 : 0) | (s.plan.disabled && s.maint ? 0x04 : 0) | (s.drain ? 0x08 : 0)
      const checkStatus = s.health ? (s.lastCheck ? (CHECK_STATUS_NUMBER[s.lastCheck.status] ?? 0) : 1) : 1
      const checkResult = s.lastCheck ? (s.lastCheck.passed ? 3 : 2) : 0
      const checkState = s.health ? 0x06 | (s.maint ? 0x08 : 0) | (s.checkRunning ? 0x01 : 0) : 0
      const check = s.plan.check
      const customCheck = check && (check.port !== s.plan.port || check.host !== s.plan.host)
      return [
        b.plan.id, b.name, s.id, s.name, s.plan.host, s.up ? 2 : 0, adminState, s.weight, s.weight, Math.floor((now - s.lastChange) / 1000),
        checkStatus, checkResult, s.health?.health ?? 0, checkState, 0, 0, 0, '-', s.plan.port, '-', 0,
        customCheck ? check.port : 0, customCheck ? check.host : '-', customCheck ? check.host : '-', customCheck ? check.port : 0,
      ].join(' ')
    }),
  )
  return header + rows.map((r) => `${r}\n`).join('')
}
