/** What one log line is built from: the values behind HAProxy's log-format variables, for one stream. */

export interface LogRecord {
  clientIp: string
  clientPort: number
  frontendIp: string
  frontendPort: number
  /** Epoch ms when the stream began: the connection's accept, or the end of the previous request on a keep-alive connection (%t). */
  acceptMs: number
  /** Epoch ms of the first byte of the request (%tr); acceptMs when none arrived. */
  requestMs: number
  frontend: string
  /** `~` after the frontend name on TLS connections (%ft). */
  tls?: boolean
  backend: string
  /** Server name, `<NOSRV>` when none was picked, `<STATS>` for the stats page. */
  server: string
  serverIp?: string | undefined
  serverPort?: number | undefined
  /** Timers in ms, -1 when the step was never reached (HAProxy's rule). */
  Th: number
  Ti: number
  TR: number
  Tw: number
  Tc: number
  Tr: number
  /** Data transfer time, for tcp logs; computed by HAProxy as Tt - (Tw + Tc) there. */
  Ta: number
  Tt: number
  /** HTTP status sent to the client, -1 when none (tcp). */
  status: number
  /** Bytes sent to the client (%B) and received from it (%U). */
  bytesOut: number
  bytesIn: number
  /** Two characters: who ended the session and in which phase (`--`, `SC`, `CD`, `sH`, `cR`, `LR`...). */
  state: string
  actconn: number
  feconn: number
  beconn: number
  srvconn: number
  retries: number
  /** A retry went to another server (`option redispatch`): `+` before the retry count. */
  redispatched: boolean
  srvQueue: number
  backendQueue: number
  /** Request line parts; undefined method: the request never parsed (`<BADREQ>`). */
  method?: string | undefined
  uri?: string | undefined
  version?: string | undefined
  /** `capture request header` values, in declaration order; undefined entries were absent. */
  requestCaptures?: readonly (string | undefined)[] | undefined
  responseCaptures?: readonly (string | undefined)[] | undefined
  /** The n-th request of this process (%rt). */
  requestCounter: number
}
