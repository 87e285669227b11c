/** `show stat`: one CSV row per frontend, server and backend, in HAProxy 2.6's columns. */
import {httpCounters} from '../http/counters.js'
import type {BackendRuntime, Counters, FrontendRuntime, ServerRuntime} from '../runtime.js'
import {STAT_COLUMNS_2_6} from './stat-columns.js'
import {fallbackSchema, STAT_SCHEMA, tagWords} from './stat-schema.js'

export interface StatSource {
  frontends: FrontendRuntime[]
  backends: BackendRuntime[]
  now: number
  /** How the stats page's admin form changes a server (the engine's, so the change is an event); default: directly. */
  setServerAdmin?: (backend: BackendRuntime, server: ServerRuntime, change: {maint: boolean; drain: boolean}) => void
  /** Objects the proxy does not own, listed after its own (a node's LVS virtual servers). */
  extra?: () => StatObject[]
}

/** undefined: the field is empty (HAProxy's FF_EMPTY, left out of typed/JSON output); '' is an empty string. */
export type Row = Record<string, string | number | undefined>

const secs = (ms: number) => Math.floor(ms / 1000)

function csvCell(value: string | number | undefined): string {
  if (value === undefined) return ''
  const text = String(value)
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

function line(row: Row): string {
  return STAT_COLUMNS_2_6.map((name) => csvCell(row[name])).join(',') + ','
}

function frontendRow(f: FrontendRuntime): Row {
  const c = f.counters
  const rate = f.rate.rate()
  return {
    pxname: f.name, svname: 'FRONTEND', scur: c.scur, smax: c.smax, slim: f.plan.maxconn, stot: c.stot, bin: c.bin, bout: c.bout,
    dreq: 0, dresp: 0, ereq: 0, status: c.scur >= f.plan.maxconn ? 'FULL' : 'OPEN', pid: 1, iid: f.plan.id, sid: 0, type: 0,
    rate, rate_lim: 0, rate_max: f.rate.max, req_rate: 0, req_rate_max: 0, ...(f.plan.mode === 'http' ? httpColumns(f, 'http') : {req_tot: 0}), mode: f.plan.mode, conn_rate: rate, conn_rate_max: f.rate.max, conn_tot: c.stot, dcon: f.denied, dses: 0,
    ...COMPRESSION, wrew: 0, eint: 0, ...(f.plan.mode === 'http' ? {intercepted: 0, cache_lookups: 0, cache_hits: 0} : {}), ...SSL, ...muxColumns(c, f, f.plan.mode),
  }
}

function serverRow(b: BackendRuntime, s: ServerRuntime, now: number, mode: Mode): Row {
  const c = s.counters
  const checked = s.health !== undefined
  const check = s.lastCheck
  const row: Row = {
    pxname: b.name, svname: s.name, qcur: s.queued, qmax: s.qmax, scur: s.served, smax: c.smax, slim: s.maxconn || undefined, stot: c.stot,
    bin: c.bin, bout: c.bout, dresp: 0, econ: c.econ, eresp: c.eresp, wretr: c.wretr, wredis: c.wredis, status: s.statusText(),
    weight: s.weight, act: s.backup ? 0 : 1, bck: s.backup ? 1 : 0, lastchg: secs(now - s.lastChange), qlimit: s.plan.maxqueue || undefined,
    pid: 1, iid: b.plan.id, sid: s.id, lbtot: c.lbtot, type: 2, rate: s.rate.rate(), rate_max: s.rate.max, cli_abrt: c.cliAbrt, srv_abrt: c.srvAbrt,
    lastsess: c.lastSession ? secs(now - c.lastSession) : -1, qtime: 0, ctime: 0, rtime: 0, ttime: 0,
    addr: `${s.plan.host}:${s.plan.port}`, mode, ...httpColumns(s, mode), srv_icur: 0, qtime_max: 0, ctime_max: 0, rtime_max: 0, ttime_max: 0, eint: 0,
    idle_conn_cur: 0, safe_conn_cur: 0, used_conn_cur: 0, need_conn_est: 0, uweight: s.weight, '-': '-',
    wrew: 0, connect: c.connect, reuse: c.reuse, ...SSL,
  }
  if (checked && s.health) {
    row.chkfail = s.chkfail
    row.chkdown = s.chkdown
    row.downtime = secs(s.downtimeMs + (s.downSince !== undefined ? now - s.downSince : 0))
    if (!s.maint) {
      row.check_rise = s.health.rise
      row.check_fall = s.health.fall
      row.check_health = s.health.health
    }
  }
  if (checked && check && !s.maint) {
    row.check_status = `${s.checkRunning ? '* ' : ''}${check.status}`
    if (check.code !== undefined) row.check_code = check.code
    row.check_duration = check.durationMs
    row.last_chk = check.description
    row.check_desc = checkDescription(check.status)
  }
  return row
}

function checkDescription(status: string): string {
  const map: Record<string, string> = {
    L4OK: 'Layer4 check passed', L4TOUT: 'Layer4 timeout', L4CON: 'Layer4 connection problem', L7OK: 'Layer7 check passed',
    L7STS: 'Layer7 wrong status', L7TOUT: 'Layer7 timeout', L7RSP: 'Layer7 invalid response',
  }
  return map[status] ?? ''
}

function backendRow(b: BackendRuntime, now: number, mode: Mode): Row {
  const c = b.counters
  const queued = b.waiting.length + b.servers.reduce((n, s) => n + s.queued, 0)
  return {
    pxname: b.name, svname: 'BACKEND', qcur: queued, qmax: b.qmax, scur: c.scur, smax: c.smax, slim: b.plan.fullconn, stot: c.stot,
    bin: c.bin, bout: c.bout, dreq: 0, dresp: 0, econ: c.econ, eresp: c.eresp, wretr: c.wretr, wredis: c.wredis,
    status: b.up ? 'UP' : 'DOWN', weight: b.totalWeight(), act: b.activeUp(), bck: b.backupUp(), chkdown: b.chkdown,
    lastchg: secs(now - b.lastChange), downtime: secs(b.downtimeMs + (b.downSince !== undefined ? now - b.downSince : 0)),
    pid: 1, iid: b.plan.id, sid: 0, lbtot: c.lbtot, type: 1, rate: b.rate.rate(), rate_max: b.rate.max, cli_abrt: c.cliAbrt, srv_abrt: c.srvAbrt,
    lastsess: c.lastSession ? secs(now - c.lastSession) : -1, qtime: 0, ctime: 0, rtime: 0, ttime: 0, mode, ...httpColumns(b, mode), algo: b.plan.algorithm,
    qtime_max: 0, ctime_max: 0, rtime_max: 0, ttime_max: 0, eint: 0,
    uweight: b.servers.filter((s) => s.running).reduce((n, s) => n + s.weight, 0), agg_server_status: 0, agg_server_check_status: 0, agg_check_status: 0, '-': '-',
    ...COMPRESSION, wrew: 0, connect: c.connect, reuse: c.reuse, ...(mode === 'http' ? {cache_lookups: 0, cache_hits: 0} : {}), ...SSL, ...muxColumns(c, b, mode),
  }
}

/** One frontend, backend or server with its fields, as `show stat` lists them. */
export interface StatObject {
  type: 'F' | 'B' | 'S'
  proxyId: number
  /** The server id; 0 for frontends and backends. */
  id: number
  row: Row
}

export interface StatFilter {
  /** `show stat <proxy|iid> <type> <sid>`: only this proxy (name or id), these object types (bit mask 1 F, 2 B, 4 S; -1 all), this server id (-1 all). */
  proxy?: string
  typeMask?: number
  sid?: number
  /** `no-maint`: servers in maintenance are left out; `up`: only servers that are UP. */
  noMaint?: boolean
  up?: boolean
  /** The stats page leaves server addresses and backend algorithms out (HAProxy shows them only with `stats show-legends`). */
  hideAddresses?: boolean
}

/** The rows in HAProxy's order: for each proxy, its frontend row, its servers, its backend row. */
export function showStat(source: StatSource, filter: StatFilter = {}): string {
  return ['# ' + STAT_COLUMNS_2_6.join(',') + ',', ...statObjects(source, filter).map((o) => line(o.row))].join('\n') + '\n'
}

/** `show stat typed`: `F.2.0.0.pxname.1:KNS:str:fe`, one line per non-empty field, a blank line after each object. */
export function showStatTyped(source: StatSource, filter: StatFilter = {}): string {
  return statObjects(source, filter)
    .map((o) => typedFields(o).map((f) => `${o.type}.${o.proxyId}.${o.id}.${f.pos}.${f.name}.1:${f.tags}:${f.type}:${f.value}\n`).join('') + '\n')
    .join('')
}

/** `show stat json` and the stats page's `;json`: one array of typed fields per object. */
export function showStatJson(source: StatSource, filter: StatFilter = {}): string {
  const objType = {F: 'Frontend', B: 'Backend', S: 'Server'} as const
  const objects = statObjects(source, filter).map((o) =>
    typedFields(o).map((f) => ({
      objType: objType[o.type],
      proxyId: o.proxyId,
      id: o.id,
      field: {pos: f.pos, name: f.name},
      processNum: 1,
      tags: tagWords(f.tags),
      value: {type: f.type, value: f.value},
    })),
  )
  return JSON.stringify(objects) + '\n'
}

const DASH = STAT_COLUMNS_2_6.indexOf('-')

function typedFields(o: StatObject): {pos: number; name: string; tags: string; type: string; value: string | number}[] {
  const schema = STAT_SCHEMA[o.type]
  const fields = []
  for (const [index, name] of STAT_COLUMNS_2_6.entries()) {
    const raw = o.row[name]
    if (raw === undefined || name === '-') continue
    // The CSV's `-` column separates HAProxy's own fields from its modules' (ssl, h2, h1), which are numbered on from it.
    const pos = index > DASH ? index - 1 : index
    const meta = schema.get(name) ?? fallbackSchema(raw)
    const value = meta.type === 'str' ? String(raw) : Number(raw)
    fields.push({pos, name, tags: meta.tags, type: meta.type, value: typeof value === 'number' && Number.isNaN(value) ? String(raw) : value})
  }
  return fields
}

export function statObjects(source: StatSource, filter: StatFilter = {}): StatObject[] {
  const out: StatObject[] = []
  const mask = filter.typeMask ?? -1
  const names = new Set([...source.frontends.map((f) => f.name), ...source.backends.map((b) => b.name)])
  const order = [...names].sort((a, b) => proxyId(source, a) - proxyId(source, b))
  // A backend runs in the mode of the frontends that use it (the planner refuses a mismatch).
  const backendMode = new Map(source.frontends.map((f) => [f.plan.backend, f.plan.mode]))
  for (const name of order) {
    const f = source.frontends.find((x) => x.name === name)
    const b = source.backends.find((x) => x.name === name)
    const id = f?.plan.id ?? b?.plan.id ?? 0
    if (filter.proxy !== undefined && filter.proxy !== name && filter.proxy !== String(id)) continue
    if (f && mask & 1) out.push({type: 'F', proxyId: id, id: 0, row: frontendRow(f)})
    if (b) {
      const mode = backendMode.get(b.name) ?? 'tcp'
      for (const s of b.servers) {
        if (!(mask & 4) || (filter.sid !== undefined && filter.sid !== -1 && filter.sid !== s.id)) continue
        if ((filter.noMaint && s.maint) || (filter.up && !(s.up && !s.maint))) continue
        const row = serverRow(b, s, source.now, mode)
        if (filter.hideAddresses) row.addr = undefined
        out.push({type: 'S', proxyId: id, id: s.id, row})
      }
      if (mask & 2) {
        const row = backendRow(b, source.now, mode)
        if (filter.hideAddresses) row.algo = undefined
        out.push({type: 'B', proxyId: id, id: 0, row})
      }
    }
  }
  for (const o of source.extra?.() ?? []) {
    if (wanted(o, filter)) out.push(filter.hideAddresses && o.type === 'S' ? {...o, row: {...o.row, addr: undefined}} : o)
  }
  return out
}

const TYPE_BIT = {F: 1, B: 2, S: 4} as const

/** The `show stat` filter applied to an object built elsewhere. */
function wanted(o: StatObject, filter: StatFilter): boolean {
  if (filter.proxy !== undefined && filter.proxy !== o.row.pxname && filter.proxy !== String(o.proxyId)) return false
  if (!((filter.typeMask ?? -1) & TYPE_BIT[o.type])) return false
  if (o.type !== 'S') return true
  if (filter.sid !== undefined && filter.sid !== -1 && filter.sid !== o.id) return false
  const status = String(o.row.status ?? '')
  if (filter.noMaint && status.startsWith('MAINT')) return false
  return !(filter.up && !status.startsWith('UP'))
}

type Mode = 'tcp' | 'http'

/** What the engine does not do (compression, TLS, HTTP/2): counted as HAProxy does when unused, zero. */
const COMPRESSION = {comp_in: 0, comp_out: 0, comp_byp: 0, comp_rsp: 0}
const SSL = {ssl_sess: 0, ssl_reused_sess: 0, ssl_failed_handshake: 0}
const H2 = {
  h2_headers_rcvd: 0, h2_data_rcvd: 0, h2_settings_rcvd: 0, h2_rst_stream_rcvd: 0, h2_goaway_rcvd: 0, h2_detected_conn_protocol_errors: 0, h2_detected_strm_protocol_errors: 0,
  h2_rst_stream_resp: 0, h2_goaway_resp: 0, h2_open_connections: 0, h2_backend_open_streams: 0, h2_total_connections: 0, h2_backend_total_streams: 0,
}

/** The h1_* mux counters, from the session counters: every mode http connection is HTTP/1 here (none in mode tcp). */
function muxColumns(c: Counters, owner: object, mode: Mode): Row {
  const http = mode === 'http'
  return {
    ...H2,
    h1_open_connections: http ? c.scur : 0, h1_open_streams: http ? c.scur : 0, h1_total_connections: http ? c.stot : 0, h1_total_streams: http ? httpCounters(owner).reqTot : 0,
    h1_bytes_in: http ? c.bin : 0, h1_bytes_out: http ? c.bout : 0, h1_spliced_bytes_in: 0, h1_spliced_bytes_out: 0,
  }
}

/** req_tot and hrsp_* are counted in mode http; HAProxy leaves them empty in mode tcp (but a tcp frontend's req_tot is 0). */
function httpColumns(owner: object, mode: Mode): Row {
  if (mode !== 'http') return {}
  const {reqTot, hrsp} = httpCounters(owner)
  return {req_tot: reqTot, hrsp_1xx: hrsp[0], hrsp_2xx: hrsp[1], hrsp_3xx: hrsp[2], hrsp_4xx: hrsp[3], hrsp_5xx: hrsp[4], hrsp_other: hrsp[5]}
}

function proxyId(source: StatSource, name: string): number {
  return source.frontends.find((f) => f.name === name)?.plan.id ?? source.backends.find((b) => b.name === name)?.plan.id ?? 0
}
