/**
 * HAProxy 2.6's Prometheus exporter (`http-request use-service prometheus-exporter if { path /metrics }`):
 * the haproxy_frontend_*, haproxy_backend_* and haproxy_server_* metrics with HAProxy's names, help
 * texts, types and labels (captured from haproxy 2.6.12), computed from the same rows as `show stat`.
 * Not exported: the haproxy_process_* family.
 */
import {encodeChunk, LAST_CHUNK, type RequestHead} from '../http1/index.js'
import {type Row, type StatObject, statObjects, type StatSource} from '../runtime-api/stat.js'
import type {StatsAnswer} from './respond.js'

type Scope = 'f' | 'b' | 's'
/** Scope, name after `haproxy_<scope>_`, counter or gauge, the stat field (`*` for the ones built specially), help. */
type Metric = [scope: Scope, name: string, type: 'c' | 'g', field: string, help: string]

const METRICS: Metric[] = [
  ['f', 'current_sessions', 'g', 'scur', 'Number of current sessions on the frontend, backend or server'],
  ['f', 'max_sessions', 'g', 'smax', 'Highest value of current sessions encountered since process started'],
  ['f', 'limit_sessions', 'g', 'slim', "Frontend/listener/server's maxconn, backend's fullconn"],
  ['f', 'sessions_total', 'c', 'stot', 'Total number of sessions since process started'],
  ['f', 'bytes_in_total', 'c', 'bin', 'Total number of request bytes since process started'],
  ['f', 'bytes_out_total', 'c', 'bout', 'Total number of response bytes since process started'],
  ['f', 'requests_denied_total', 'c', 'dreq', 'Total number of denied requests since process started'],
  ['f', 'responses_denied_total', 'c', 'dresp', 'Total number of denied responses since process started'],
  ['f', 'request_errors_total', 'c', 'ereq', 'Total number of invalid requests since process started'],
  ['f', 'status', 'g', '*status', 'Current status of the service, per state label value.'],
  ['f', 'limit_session_rate', 'g', 'rate_lim', "Limit on the number of sessions accepted in a second (frontend only, 'rate-limit sessions' setting)"],
  ['f', 'max_session_rate', 'g', 'rate_max', 'Highest value of sessions per second observed since the worker process started'],
  ['f', 'http_responses_total', 'c', '*hrsp', 'Total number of HTTP responses with status 100-199 returned by this object since the worker process started'],
  ['f', 'http_requests_rate_max', 'g', 'req_rate_max', 'Highest value of http requests observed since the worker process started'],
  ['f', 'http_requests_total', 'c', 'req_tot', 'Total number of HTTP requests processed by this object since the worker process started'],
  ['f', 'http_comp_bytes_in_total', 'c', 'comp_in', 'Total number of bytes submitted to the HTTP compressor for this object since the worker process started'],
  ['f', 'http_comp_bytes_out_total', 'c', 'comp_out', 'Total number of bytes emitted by the HTTP compressor for this object since the worker process started'],
  ['f', 'http_comp_bytes_bypassed_total', 'c', 'comp_byp', 'Total number of bytes that bypassed HTTP compression for this object since the worker process started (CPU/memory/bandwidth limitation)'],
  ['f', 'http_comp_responses_total', 'c', 'comp_rsp', 'Total number of HTTP responses that were compressed for this object since the worker process started'],
  ['f', 'connections_rate_max', 'g', 'conn_rate_max', 'Highest value of connections per second observed since the worker process started'],
  ['f', 'connections_total', 'c', 'conn_tot', 'Total number of new connections accepted on this frontend since the worker process started'],
  ['f', 'intercepted_requests_total', 'c', 'intercepted', 'Total number of HTTP requests intercepted on the frontend (redirects/stats/services) since the worker process started'],
  ['f', 'denied_connections_total', 'c', 'dcon', 'Total number of incoming connections blocked on a listener/frontend by a tcp-request connection rule since the worker process started'],
  ['f', 'denied_sessions_total', 'c', 'dses', 'Total number of incoming sessions blocked on a listener/frontend by a tcp-request connection rule since the worker process started'],
  ['f', 'failed_header_rewriting_total', 'c', 'wrew', 'Total number of failed HTTP header rewrites since the worker process started'],
  ['f', 'http_cache_lookups_total', 'c', 'cache_lookups', 'Total number of HTTP requests looked up in the cache on this frontend/backend since the worker process started'],
  ['f', 'http_cache_hits_total', 'c', 'cache_hits', 'Total number of HTTP requests not found in the cache on this frontend/backend since the worker process started'],
  ['f', 'internal_errors_total', 'c', 'eint', 'Total number of internal errors since process started'],
  ['b', 'current_queue', 'g', 'qcur', 'Number of current queued connections'],
  ['b', 'max_queue', 'g', 'qmax', 'Highest value of queued connections encountered since process started'],
  ['b', 'current_sessions', 'g', 'scur', 'Number of current sessions on the frontend, backend or server'],
  ['b', 'max_sessions', 'g', 'smax', 'Highest value of current sessions encountered since process started'],
  ['b', 'limit_sessions', 'g', 'slim', "Frontend/listener/server's maxconn, backend's fullconn"],
  ['b', 'sessions_total', 'c', 'stot', 'Total number of sessions since process started'],
  ['b', 'bytes_in_total', 'c', 'bin', 'Total number of request bytes since process started'],
  ['b', 'bytes_out_total', 'c', 'bout', 'Total number of response bytes since process started'],
  ['b', 'requests_denied_total', 'c', 'dreq', 'Total number of denied requests since process started'],
  ['b', 'responses_denied_total', 'c', 'dresp', 'Total number of denied responses since process started'],
  ['b', 'connection_errors_total', 'c', 'econ', 'Total number of failed connections to server since the worker process started'],
  ['b', 'response_errors_total', 'c', 'eresp', 'Total number of invalid responses since the worker process started'],
  ['b', 'retry_warnings_total', 'c', 'wretr', 'Total number of server connection retries since the worker process started'],
  ['b', 'redispatch_warnings_total', 'c', 'wredis', 'Total number of server redispatches due to connection failures since the worker process started'],
  ['b', 'status', 'g', '*status', 'Current status of the service, per state label value.'],
  ['b', 'weight', 'g', 'weight', "Server's effective weight, or sum of active servers' effective weights for a backend"],
  ['b', 'active_servers', 'g', 'act', 'Total number of active UP servers with a non-zero weight'],
  ['b', 'backup_servers', 'g', 'bck', 'Total number of backup UP servers with a non-zero weight'],
  ['b', 'check_up_down_total', 'c', 'chkdown', 'Total number of failed checks causing UP to DOWN server transitions, per server/backend, since the worker process started'],
  ['b', 'check_last_change_seconds', 'g', 'lastchg', 'How long ago the last server state changed, in seconds'],
  ['b', 'downtime_seconds_total', 'c', 'downtime', 'Total time spent in DOWN state, for server or backend'],
  ['b', 'loadbalanced_total', 'c', 'lbtot', 'Total number of requests routed by load balancing since the worker process started (ignores queue pop and stickiness)'],
  ['b', 'max_session_rate', 'g', 'rate_max', 'Highest value of sessions per second observed since the worker process started'],
  ['b', 'http_responses_total', 'c', '*hrsp', 'Total number of HTTP responses with status 100-199 returned by this object since the worker process started'],
  ['b', 'http_requests_total', 'c', 'req_tot', 'Total number of HTTP requests processed by this object since the worker process started'],
  ['b', 'client_aborts_total', 'c', 'cli_abrt', 'Total number of requests or connections aborted by the client since the worker process started'],
  ['b', 'server_aborts_total', 'c', 'srv_abrt', 'Total number of requests or connections aborted by the server since the worker process started'],
  ['b', 'http_comp_bytes_in_total', 'c', 'comp_in', 'Total number of bytes submitted to the HTTP compressor for this object since the worker process started'],
  ['b', 'http_comp_bytes_out_total', 'c', 'comp_out', 'Total number of bytes emitted by the HTTP compressor for this object since the worker process started'],
  ['b', 'http_comp_bytes_bypassed_total', 'c', 'comp_byp', 'Total number of bytes that bypassed HTTP compression for this object since the worker process started (CPU/memory/bandwidth limitation)'],
  ['b', 'http_comp_responses_total', 'c', 'comp_rsp', 'Total number of HTTP responses that were compressed for this object since the worker process started'],
  ['b', 'last_session_seconds', 'g', 'lastsess', 'How long ago some traffic was seen on this object on this worker process, in seconds'],
  ['b', 'queue_time_average_seconds', 'g', 'qtime', 'Avg. queue time for last 1024 successful connections.'],
  ['b', 'connect_time_average_seconds', 'g', 'ctime', 'Avg. connect time for last 1024 successful connections.'],
  ['b', 'response_time_average_seconds', 'g', 'rtime', 'Avg. response time for last 1024 successful connections.'],
  ['b', 'total_time_average_seconds', 'g', 'ttime', 'Avg. total time for last 1024 successful connections.'],
  ['b', 'failed_header_rewriting_total', 'c', 'wrew', 'Total number of failed HTTP header rewrites since the worker process started'],
  ['b', 'connection_attempts_total', 'c', 'connect', 'Total number of outgoing connection attempts on this backend/server since the worker process started'],
  ['b', 'connection_reuses_total', 'c', 'reuse', 'Total number of reused connection on this backend/server since the worker process started'],
  ['b', 'http_cache_lookups_total', 'c', 'cache_lookups', 'Total number of HTTP requests looked up in the cache on this frontend/backend since the worker process started'],
  ['b', 'http_cache_hits_total', 'c', 'cache_hits', 'Total number of HTTP requests not found in the cache on this frontend/backend since the worker process started'],
  ['b', 'max_queue_time_seconds', 'g', 'qtime_max', 'Maximum observed time spent in the queue'],
  ['b', 'max_connect_time_seconds', 'g', 'ctime_max', 'Maximum observed time spent waiting for a connection to complete'],
  ['b', 'max_response_time_seconds', 'g', 'rtime_max', 'Maximum observed time spent waiting for a server response'],
  ['b', 'max_total_time_seconds', 'g', 'ttime_max', 'Maximum observed total request+response time (request+queue+connect+response+processing)'],
  ['b', 'internal_errors_total', 'c', 'eint', 'Total number of internal errors since process started'],
  ['b', 'uweight', 'g', 'uweight', "Server's user weight, or sum of active servers' user weights for a backend"],
  ['b', 'agg_server_status', 'g', '*agg_server_status', "Backend's aggregated gauge of servers' status"],
  ['b', 'agg_server_check_status', 'g', '*agg_server_check_status', "Backend's aggregated gauge of servers' state check status"],
  ['b', 'agg_check_status', 'g', '*agg_check_status', "Backend's aggregated gauge of servers' state check status"],
  ['s', 'current_queue', 'g', 'qcur', 'Number of current queued connections'],
  ['s', 'max_queue', 'g', 'qmax', 'Highest value of queued connections encountered since process started'],
  ['s', 'current_sessions', 'g', 'scur', 'Number of current sessions on the frontend, backend or server'],
  ['s', 'max_sessions', 'g', 'smax', 'Highest value of current sessions encountered since process started'],
  ['s', 'limit_sessions', 'g', 'slim', "Frontend/listener/server's maxconn, backend's fullconn"],
  ['s', 'sessions_total', 'c', 'stot', 'Total number of sessions since process started'],
  ['s', 'bytes_in_total', 'c', 'bin', 'Total number of request bytes since process started'],
  ['s', 'bytes_out_total', 'c', 'bout', 'Total number of response bytes since process started'],
  ['s', 'responses_denied_total', 'c', 'dresp', 'Total number of denied responses since process started'],
  ['s', 'connection_errors_total', 'c', 'econ', 'Total number of failed connections to server since the worker process started'],
  ['s', 'response_errors_total', 'c', 'eresp', 'Total number of invalid responses since the worker process started'],
  ['s', 'retry_warnings_total', 'c', 'wretr', 'Total number of server connection retries since the worker process started'],
  ['s', 'redispatch_warnings_total', 'c', 'wredis', 'Total number of server redispatches due to connection failures since the worker process started'],
  ['s', 'status', 'g', '*status', 'Current status of the service, per state label value.'],
  ['s', 'weight', 'g', 'weight', "Server's effective weight, or sum of active servers' effective weights for a backend"],
  ['s', 'check_failures_total', 'c', 'chkfail', 'Total number of failed individual health checks per server/backend, since the worker process started'],
  ['s', 'check_up_down_total', 'c', 'chkdown', 'Total number of failed checks causing UP to DOWN server transitions, per server/backend, since the worker process started'],
  ['s', 'check_last_change_seconds', 'g', 'lastchg', 'How long ago the last server state changed, in seconds'],
  ['s', 'downtime_seconds_total', 'c', 'downtime', 'Total time spent in DOWN state, for server or backend'],
  ['s', 'queue_limit', 'g', 'qlimit', 'Limit on the number of connections in queue, for servers only (maxqueue argument)'],
  ['s', 'current_throttle', 'g', 'throttle', "Throttling ratio applied to a server's maxconn and weight during the slowstart period (0 to 100%)"],
  ['s', 'loadbalanced_total', 'c', 'lbtot', 'Total number of requests routed by load balancing since the worker process started (ignores queue pop and stickiness)'],
  ['s', 'max_session_rate', 'g', 'rate_max', 'Highest value of sessions per second observed since the worker process started'],
  ['s', 'check_status', 'g', '*check_status', 'Status of last health check, per state label value.'],
  ['s', 'check_code', 'g', 'check_code', 'layer5-7 code, if available of the last health check.'],
  ['s', 'check_duration_seconds', 'g', 'check_duration', 'Total duration of the latest server health check, in seconds.'],
  ['s', 'http_responses_total', 'c', '*hrsp', 'Total number of HTTP responses with status 100-199 returned by this object since the worker process started'],
  ['s', 'client_aborts_total', 'c', 'cli_abrt', 'Total number of requests or connections aborted by the client since the worker process started'],
  ['s', 'server_aborts_total', 'c', 'srv_abrt', 'Total number of requests or connections aborted by the server since the worker process started'],
  ['s', 'last_session_seconds', 'g', 'lastsess', 'How long ago some traffic was seen on this object on this worker process, in seconds'],
  ['s', 'queue_time_average_seconds', 'g', 'qtime', 'Avg. queue time for last 1024 successful connections.'],
  ['s', 'connect_time_average_seconds', 'g', 'ctime', 'Avg. connect time for last 1024 successful connections.'],
  ['s', 'response_time_average_seconds', 'g', 'rtime', 'Avg. response time for last 1024 successful connections.'],
  ['s', 'total_time_average_seconds', 'g', 'ttime', 'Avg. total time for last 1024 successful connections.'],
  ['s', 'failed_header_rewriting_total', 'c', 'wrew', 'Total number of failed HTTP header rewrites since the worker process started'],
  ['s', 'connection_attempts_total', 'c', 'connect', 'Total number of outgoing connection attempts on this backend/server since the worker process started'],
  ['s', 'connection_reuses_total', 'c', 'reuse', 'Total number of reused connection on this backend/server since the worker process started'],
  ['s', 'idle_connections_current', 'g', 'srv_icur', 'Current number of idle connections available for reuse on this server'],
  ['s', 'idle_connections_limit', 'g', 'src_ilim', "Limit on the number of available idle connections on this server (server 'pool_max_conn' directive)"],
  ['s', 'max_queue_time_seconds', 'g', 'qtime_max', 'Maximum observed time spent in the queue'],
  ['s', 'max_connect_time_seconds', 'g', 'ctime_max', 'Maximum observed time spent waiting for a connection to complete'],
  ['s', 'max_response_time_seconds', 'g', 'rtime_max', 'Maximum observed time spent waiting for a server response'],
  ['s', 'max_total_time_seconds', 'g', 'ttime_max', 'Maximum observed total request+response time (request+queue+connect+response+processing)'],
  ['s', 'internal_errors_total', 'c', 'eint', 'Total number of internal errors since process started'],
  ['s', 'unsafe_idle_connections_current', 'g', 'idle_conn_cur', 'Current number of unsafe idle connections'],
  ['s', 'safe_idle_connections_current', 'g', 'safe_conn_cur', 'Current number of safe idle connections'],
  ['s', 'used_connections_current', 'g', 'used_conn_cur', 'Current number of connections in use'],
  ['s', 'need_connections_current', 'g', 'need_conn_est', 'Estimated needed number of connections'],
  ['s', 'uweight', 'g', 'uweight', "Server's user weight, or sum of active servers' user weights for a backend"],
]

const SCOPE_NAME = {f: 'frontend', b: 'backend', s: 'server'} as const
const OBJECT_TYPE = {f: 'F', b: 'B', s: 'S'} as const
const SERVER_STATES = ['DOWN', 'UP', 'MAINT', 'DRAIN', 'NOLB']
const CHECK_STATES = ['HANA', 'SOCKERR', 'L4OK', 'L4TOUT', 'L4CON', 'L6OK', 'L6TOUT', 'L6RSP', 'L7TOUT', 'L7RSP', 'L7OK', 'L7OKC', 'L7STS', 'PROCERR', 'PROCTOUT', 'PROCOK']
const CODES = ['1xx', '2xx', '3xx', '4xx', '5xx', 'other']
/** Fields in milliseconds that the exporter gives in seconds. */
const MILLISECONDS = new Set(['qtime', 'ctime', 'rtime', 'ttime', 'qtime_max', 'ctime_max', 'rtime_max', 'ttime_max', 'check_duration'])

const quote = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')

/** `UP 1/3` → UP, `no check` → UP (a server without checks is running), `DRAIN (agent)` → DRAIN. */
function serverState(row: Row): string {
  const word = String(row.status ?? '').split(' ')[0] ?? ''
  if (word === 'no') return 'UP'
  return SERVER_STATES.includes(word) ? word : 'DOWN'
}

const checkStatus = (row: Row): string | undefined => (row.check_status === undefined ? undefined : String(row.check_status).replace(/^\* /, ''))

function number(row: Row, field: string): string {
  const raw = row[field]
  const value = raw === undefined || raw === '' ? 0 : Number(raw)
  if (Number.isNaN(value)) return '0'
  return MILLISECONDS.has(field) ? (value / 1000).toFixed(6) : String(value)
}

/** The samples of one metric for one object (none when the object does not have it). */
function samples(metric: Metric, object: StatObject, servers: readonly StatObject[]): string[] {
  const [scope, name, , field] = metric
  const row = object.row
  const labels = scope === 's' ? `proxy="${quote(String(row.pxname))}",server="${quote(String(row.svname))}"` : `proxy="${quote(String(row.pxname))}"`
  const full = `haproxy_${SCOPE_NAME[scope]}_${name}`
  const http = row.mode === 'http'
  if ((name.startsWith('http_') || name === 'intercepted_requests_total') && !http) return []
  switch (field) {
    case '*status': {
      const current = scope === 's' ? serverState(row) : row.status === 'DOWN' || row.status === 'STOP' ? 'DOWN' : 'UP'
      const states = scope === 's' ? SERVER_STATES : ['DOWN', 'UP']
      return states.map((state) => `${full}{${labels},state="${state}"} ${state === current ? 1 : 0}`)
    }
    case '*hrsp':
      return CODES.map((code) => `${full}{${labels},code="${code}"} ${number(row, `hrsp_${code}`)}`)
    case '*check_status': {
      const current = checkStatus(row)
      if (current === undefined) return []
      return CHECK_STATES.map((state) => `${full}{${labels},state="${state}"} ${state === current ? 1 : 0}`)
    }
    case '*agg_server_status':
    case '*agg_server_check_status': {
      const count = (state: string) => servers.filter((s) => serverState(s.row) === state).length
      return SERVER_STATES.map((state) => `${full}{${labels},state="${state}"} ${count(state)}`)
    }
    case '*agg_check_status': {
      const count = (state: string) => servers.filter((s) => checkStatus(s.row) === state).length
      return CHECK_STATES.map((state) => `${full}{${labels},state="${state}"} ${count(state)}`)
    }
    case 'check_code':
      if (checkStatus(row) === undefined) return []
      break
    case 'check_duration':
      if (row.check_duration === undefined) return []
      break
  }
  return [`${full}{${labels}} ${number(row, field)}`]
}

/** The exposition text (format 0.0.4). */
export function renderPrometheus(source: StatSource): string {
  const objects = statObjects(source)
  const byType = {F: objects.filter((o) => o.type === 'F'), B: objects.filter((o) => o.type === 'B'), S: objects.filter((o) => o.type === 'S')}
  const out: string[] = []
  for (const metric of METRICS) {
    const [scope, name, type, , help] = metric
    const full = `haproxy_${SCOPE_NAME[scope]}_${name}`
    const lines = byType[OBJECT_TYPE[scope]].flatMap((o) => samples(metric, o, byType.S.filter((s) => s.proxyId === o.proxyId)))
    out.push(`# HELP ${full} ${help}`, `# TYPE ${full} ${type === 'c' ? 'counter' : 'gauge'}`, ...lines)
  }
  return out.join('\n') + '\n'
}

/** The exporter's answer, with HAProxy's headers; `close` when the connection must close after it. */
export function prometheusAnswer(request: RequestHead, source: StatSource, close: boolean): StatsAnswer {
  const connection = request.version === 'HTTP/1.1' ? (close ? 'connection: close\r\n' : '') : close ? 'connection: close\r\n' : 'connection: keep-alive\r\n'
  const head = `HTTP/1.1 200 OK\r\ncache-control: no-cache\r\ncontent-type: text/plain; version=0.0.4\r\n${connection}transfer-encoding: chunked\r\n\r\n`
  if (request.method === 'HEAD') return {status: 200, data: Buffer.from(head.replace('transfer-encoding: chunked\r\n', ''), 'latin1'), close}
  return {status: 200, data: Buffer.concat([Buffer.from(head, 'latin1'), ...encodeChunk(Buffer.from(renderPrometheus(source), 'utf8')), LAST_CHUNK]), close}
}
