/** `show stat`: one CSV row per frontend, server and backend, in HAProxy 2.6's columns. */
import {httpCounters} from '../http/counters.js'
import type {BackendRuntime, FrontendRuntime, ServerRuntime} from '../runtime.js'
import {STAT_COLUMNS_2_6} from './stat-columns.js'

export interface StatSource {
  frontends: FrontendRuntime[]
  backends: BackendRuntime[]
  now: number
}

type Row = Record<string, string | number>

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
    rate, rate_lim: 0, rate_max: f.rate.max, req_rate: 0, req_rate_max: 0, ...(f.plan.mode === 'http' ? httpColumns(f, 'http') : {req_tot: 0}), mode: f.plan.mode, conn_rate: rate, conn_rate_max: f.rate.max, conn_tot: c.stot, dcon: 0, dses: 0,
  }
}

function serverRow(b: BackendRuntime, s: ServerRuntime, now: number, mode: Mode): Row {
  const c = s.counters
  const checked = s.health !== undefined
  const check = s.lastCheck
  const row: Row = {
    pxname: b.name, svname: s.name, qcur: s.queued, qmax: s.qmax, scur: s.served, smax: c.smax, slim: s.maxconn || '', stot: c.stot,
    bin: c.bin, bout: c.bout, dresp: 0, econ: c.econ, eresp: c.eresp, wretr: c.wretr, wredis: c.wredis, status: s.statusText(),
    weight: s.weight, act: s.backup ? 0 : 1, bck: s.backup ? 1 : 0, lastchg: secs(now - s.lastChange), qlimit: s.plan.maxqueue || '',
    pid: 1, iid: b.plan.id, sid: s.id, lbtot: c.lbtot, type: 2, rate: s.rate.rate(), rate_max: s.rate.max, cli_abrt: c.cliAbrt, srv_abrt: c.srvAbrt,
    lastsess: c.lastSession ? secs(now - c.lastSession) : -1, qtime: 0, ctime: 0, rtime: 0, ttime: 0,
    addr: `${s.plan.host}:${s.plan.port}`, mode, ...httpColumns(s, mode), dcon: '', srv_icur: 0, qtime_max: 0, ctime_max: 0, rtime_max: 0, ttime_max: 0, eint: 0,
    idle_conn_cur: 0, safe_conn_cur: 0, used_conn_cur: 0, need_conn_est: 0, uweight: s.weight, '-': '-',
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
    pxname: b.name, svname: 'BACKEND', qcur: queued, qmax: b.qmax, scur: c.scur, smax: c.smax, slim: b.plan.fullconn ?? '', stot: c.stot,
    bin: c.bin, bout: c.bout, dreq: 0, dresp: 0, econ: c.econ, eresp: c.eresp, wretr: c.wretr, wredis: c.wredis,
    status: b.up ? 'UP' : 'DOWN', weight: b.totalWeight(), act: b.activeUp(), bck: b.backupUp(), chkdown: b.chkdown,
    lastchg: secs(now - b.lastChange), downtime: secs(b.downtimeMs + (b.downSince !== undefined ? now - b.downSince : 0)),
    pid: 1, iid: b.plan.id, sid: 0, lbtot: c.lbtot, type: 1, rate: b.rate.rate(), rate_max: b.rate.max, cli_abrt: c.cliAbrt, srv_abrt: c.srvAbrt,
    lastsess: c.lastSession ? secs(now - c.lastSession) : -1, qtime: 0, ctime: 0, rtime: 0, ttime: 0, mode, ...httpColumns(b, mode), algo: b.plan.algorithm,
    conn_rate: '', dcon: '', qtime_max: 0, ctime_max: 0, rtime_max: 0, ttime_max: 0, eint: 0,
    uweight: b.servers.filter((s) => s.running).reduce((n, s) => n + s.weight, 0), agg_server_status: 0, agg_server_check_status: 0, agg_check_status: 0, '-': '-',
  }
}

/** The rows in HAProxy's order: for each proxy, its frontend row, its servers, its backend row. */
export function showStat(source: StatSource): string {
  const out = ['# ' + STAT_COLUMNS_2_6.join(',') + ',']
  const names = new Set([...source.frontends.map((f) => f.name), ...source.backends.map((b) => b.name)])
  const order = [...names].sort((a, b) => proxyId(source, a) - proxyId(source, b))
  // A backend runs in the mode of the frontends that use it (the planner refuses a mismatch).
  const backendMode = new Map(source.frontends.map((f) => [f.plan.backend, f.plan.mode]))
  for (const name of order) {
    const f = source.frontends.find((x) => x.name === name)
    const b = source.backends.find((x) => x.name === name)
    if (f) out.push(line(frontendRow(f)))
    if (b) {
      const mode = backendMode.get(b.name) ?? 'tcp'
      for (const s of b.servers) out.push(line(serverRow(b, s, source.now, mode)))
      out.push(line(backendRow(b, source.now, mode)))
    }
  }
  return out.join('\n') + '\n'
}

type Mode = 'tcp' | 'http'

/** req_tot and hrsp_* are counted in mode http; HAProxy leaves them empty in mode tcp (but a tcp frontend's req_tot is 0). */
function httpColumns(owner: object, mode: Mode): Row {
  if (mode !== 'http') return {}
  const {reqTot, hrsp} = httpCounters(owner)
  return {req_tot: reqTot, hrsp_1xx: hrsp[0], hrsp_2xx: hrsp[1], hrsp_3xx: hrsp[2], hrsp_4xx: hrsp[3], hrsp_5xx: hrsp[4], hrsp_other: hrsp[5]}
}

function proxyId(source: StatSource, name: string): number {
  return source.frontends.find((f) => f.name === name)?.plan.id ?? source.backends.find((b) => b.name === name)?.plan.id ?? 0
}
