/**
 * The tags and value types HAProxy 2.6 gives each `show stat` field in its typed and JSON outputs,
 * per object type (captured from `show stat typed` on haproxy 2.6.12): `name:TAGS:type`, where TAGS
 * are the origin, nature and scope letters (KNS = Key, Name, Service; MCP = Metric, Counter, Process).
 */
const CAPTURED: Record<'F' | 'B' | 'S', string> = {
  F: 'pxname:KNS:str svname:KNS:str scur:MGP:u32 smax:MMP:u32 slim:CLP:u32 stot:MCP:u64 bin:MCP:u64 bout:MCP:u64 dreq:MCP:u64 dresp:MCP:u64 ereq:MCP:u64 status:SGP:str pid:KGP:u32 iid:KGS:u32 sid:KGS:u32 type:CGS:u32 rate:MRP:u32 rate_lim:CLP:u32 rate_max:MMP:u32 hrsp_1xx:MCP:u64 hrsp_2xx:MCP:u64 hrsp_3xx:MCP:u64 hrsp_4xx:MCP:u64 hrsp_5xx:MCP:u64 hrsp_other:MCP:u64 req_rate:MRP:u32 req_rate_max:MMP:u32 req_tot:MCP:u64 comp_in:MCP:u64 comp_out:MCP:u64 comp_byp:MCP:u64 comp_rsp:MCP:u64 mode:CGS:str conn_rate:MRP:u32 conn_rate_max:MMP:u32 conn_tot:MCP:u64 intercepted:MCP:u64 dcon:MCP:u64 dses:MCP:u64 wrew:MCP:u64 cache_lookups:MCP:u64 cache_hits:MCP:u64 eint:MCP:u64 ssl_sess:MCP:u64 ssl_reused_sess:MCP:u64 ssl_failed_handshake:MCP:u64 h2_headers_rcvd:MCP:u64 h2_data_rcvd:MCP:u64 h2_settings_rcvd:MCP:u64 h2_rst_stream_rcvd:MCP:u64 h2_goaway_rcvd:MCP:u64 h2_detected_conn_protocol_errors:MCP:u64 h2_detected_strm_protocol_errors:MCP:u64 h2_rst_stream_resp:MCP:u64 h2_goaway_resp:MCP:u64 h2_open_connections:MGP:u64 h2_backend_open_streams:MGP:u64 h2_total_connections:MCP:u64 h2_backend_total_streams:MCP:u64 h1_open_connections:MGP:u64 h1_open_streams:MGP:u64 h1_total_connections:MCP:u64 h1_total_streams:MCP:u64 h1_bytes_in:MCP:u64 h1_bytes_out:MCP:u64 h1_spliced_bytes_in:MCP:u64 h1_spliced_bytes_out:MCP:u64',
  B: 'pxname:KNS:str svname:KNS:str qcur:MGP:u32 qmax:MMP:u32 scur:MGP:u32 smax:MMP:u32 slim:CLP:u32 stot:MCP:u64 bin:MCP:u64 bout:MCP:u64 dreq:MCP:u64 dresp:MCP:u64 econ:MCP:u64 eresp:MCP:u64 wretr:MCP:u64 wredis:MCP:u64 status:SGP:str weight:MaP:u32 act:MGP:u32 bck:MGP:u32 chkdown:MCP:u64 lastchg:MAP:u32 downtime:MCP:u32 pid:KGP:u32 iid:KGS:u32 sid:KGS:u32 lbtot:MCP:u64 type:CGS:u32 rate:MGP:u32 rate_max:MGP:u32 hrsp_1xx:MCP:u64 hrsp_2xx:MCP:u64 hrsp_3xx:MCP:u64 hrsp_4xx:MCP:u64 hrsp_5xx:MCP:u64 hrsp_other:MCP:u64 req_tot:MCP:u64 cli_abrt:MCP:u64 srv_abrt:MCP:u64 comp_in:MCP:u64 comp_out:MCP:u64 comp_byp:MCP:u64 comp_rsp:MCP:u64 lastsess:MAP:s32 qtime:MaP:u32 ctime:MaP:u32 rtime:MaP:u32 ttime:MaP:u32 mode:CGS:str algo:CGS:str wrew:MCP:u64 connect:MCP:u64 reuse:MCP:u64 cache_lookups:MCP:u64 cache_hits:MCP:u64 qtime_max:MMP:u32 ctime_max:MMP:u32 rtime_max:MMP:u32 ttime_max:MMP:u32 eint:MCP:u64 uweight:MaP:u32 agg_server_status:MGP:u32 agg_server_check_status:MGP:u32 agg_check_status:MGP:u32 ssl_sess:MCP:u64 ssl_reused_sess:MCP:u64 ssl_failed_handshake:MCP:u64 h2_headers_rcvd:MCP:u64 h2_data_rcvd:MCP:u64 h2_settings_rcvd:MCP:u64 h2_rst_stream_rcvd:MCP:u64 h2_goaway_rcvd:MCP:u64 h2_detected_conn_protocol_errors:MCP:u64 h2_detected_strm_protocol_errors:MCP:u64 h2_rst_stream_resp:MCP:u64 h2_goaway_resp:MCP:u64 h2_open_connections:MGP:u64 h2_backend_open_streams:MGP:u64 h2_total_connections:MCP:u64 h2_backend_total_streams:MCP:u64 h1_open_connections:MGP:u64 h1_open_streams:MGP:u64 h1_total_connections:MCP:u64 h1_total_streams:MCP:u64 h1_bytes_in:MCP:u64 h1_bytes_out:MCP:u64 h1_spliced_bytes_in:MCP:u64 h1_spliced_bytes_out:MCP:u64',
  S: 'pxname:KNS:str svname:KNS:str qcur:MGP:u32 qmax:MMP:u32 scur:MGP:u32 smax:MMP:u32 slim:CLP:u32 stot:MCP:u64 bin:MCP:u64 bout:MCP:u64 dresp:MCP:u64 econ:MCP:u64 eresp:MCP:u64 wretr:MCP:u64 wredis:MCP:u64 status:SGP:str weight:MaP:u32 act:SGP:u32 bck:SGP:u32 chkfail:MCP:u64 chkdown:MCP:u64 lastchg:MAP:u32 downtime:MCP:u32 qlimit:CGS:u32 pid:KGP:u32 iid:KGS:u32 sid:KGS:u32 lbtot:MCP:u64 type:CGS:u32 rate:MRP:u32 rate_max:MMP:u32 check_status:MOP:str check_code:MOP:u32 check_duration:MDP:u64 hrsp_1xx:MCP:u64 hrsp_2xx:MCP:u64 hrsp_3xx:MCP:u64 hrsp_4xx:MCP:u64 hrsp_5xx:MCP:u64 hrsp_other:MCP:u64 req_tot:MCP:u64 cli_abrt:MCP:u64 srv_abrt:MCP:u64 lastsess:MAP:s32 last_chk:MOP:str qtime:MaP:u32 ctime:MaP:u32 rtime:MaP:u32 ttime:MaP:u32 check_desc:MOP:str check_rise:CGS:u32 check_fall:CGS:u32 check_health:CGS:u32 addr:CGS:str mode:CGS:str wrew:MCP:u64 connect:MCP:u64 reuse:MCP:u64 srv_icur:MGP:u32 qtime_max:MMP:u32 ctime_max:MMP:u32 rtime_max:MMP:u32 ttime_max:MMP:u32 eint:MCP:u64 idle_conn_cur:MGP:u32 safe_conn_cur:MGP:u32 used_conn_cur:MGP:u32 need_conn_est:MGP:u32 uweight:MaP:u32 ssl_sess:MCP:u64 ssl_reused_sess:MCP:u64 ssl_failed_handshake:MCP:u64',
}

/** `show info` fields the engine reports, same notation (captured from `show info typed`). */
export const INFO_SCHEMA =
  'Name:POS:str Version:POS:str Nbthread:CGS:u32 Nbproc:CGS:u32 Process_num:KGP:u32 Pid:SGP:u32 Uptime:MDP:str Uptime_sec:MDP:u32 Maxconn:CLP:u32 Hard_maxconn:CLP:u32 CurrConns:MGP:u32 CumConns:MCP:u32 ConnRate:MRP:u32 MaxConnRate:MMP:u32 SessRate:MRP:u32 MaxSessRate:MRP:u32 Stopping:MGP:u32 Jobs:MGP:u32 Listeners:MGP:u32 Start_time_sec:MDP:u32'

/** Where HAProxy 2.6 numbers those \`show info\` fields (positions in its full list). */
export const INFO_POSITIONS: Record<string, number> = {
  Name: 0, Version: 1, Nbthread: 3, Nbproc: 4, Process_num: 5, Pid: 6, Uptime: 7, Uptime_sec: 8, Maxconn: 15, Hard_maxconn: 16, CurrConns: 17, CumConns: 18,
  ConnRate: 26, MaxConnRate: 28, SessRate: 29, MaxSessRate: 31, Stopping: 52, Jobs: 53, Listeners: 55, Start_time_sec: 70,
}

export interface FieldSchema {
  /** Three letters: origin, nature, scope. */
  tags: string
  type: 'str' | 'u32' | 'u64' | 's32' | 's64'
}

function parse(text: string): Map<string, FieldSchema> {
  return new Map(
    text.split(' ').map((entry) => {
      const [name = '', tags = '', type = 'str'] = entry.split(':')
      return [name, {tags, type: type as FieldSchema['type']}]
    }),
  )
}

export const STAT_SCHEMA = {F: parse(CAPTURED.F), B: parse(CAPTURED.B), S: parse(CAPTURED.S)}
export const INFO_FIELDS = parse(INFO_SCHEMA)

const ORIGIN: Record<string, string> = {M: 'Metric', S: 'Status', K: 'Key', C: 'Config', P: 'Product'}
const NATURE: Record<string, string> = {G: 'Gauge', L: 'Limit', m: 'Min', M: 'Max', R: 'Rate', C: 'Counter', D: 'Duration', A: 'Age', T: 'Time', N: 'Name', O: 'Output', a: 'Avg'}
const SCOPE: Record<string, string> = {I: 'Internal', P: 'Process', S: 'Service', s: 'System'}

/** `MCP` → {origin: 'Metric', nature: 'Counter', scope: 'Process'} (the JSON output spells them out). */
export function tagWords(tags: string): {origin: string; nature: string; scope: string} {
  return {origin: ORIGIN[tags[0] ?? ''] ?? 'Metric', nature: NATURE[tags[1] ?? ''] ?? 'Gauge', scope: SCOPE[tags[2] ?? ''] ?? 'Process'}
}

/** A field HAProxy did not report in the capture: strings are outputs, numbers counters. */
export function fallbackSchema(value: string | number): FieldSchema {
  return typeof value === 'number' ? {tags: 'MCP', type: 'u64'} : {tags: 'MOP', type: 'str'}
}
