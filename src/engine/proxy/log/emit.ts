/** Turns a finished stream into its log line: the connection and counter fields the sessions share. */
import type {ProxySocket} from '../io/index.js'
import type {BackendRuntime, FrontendRuntime, ServerRuntime} from '../runtime.js'
import type {ProxyLogger} from './logger.js'
import type {LogRecord} from './record.js'
import type {StreamLog} from './stream.js'

const plainIp = (address: string | undefined): string => (address?.startsWith('::ffff:') ? address.slice(7) : (address ?? '-'))

export interface StreamParties {
  frontend: FrontendRuntime
  /** undefined: no backend was chosen (the request failed before); the frontend's name is shown. */
  backend: BackendRuntime | undefined
  server: ServerRuntime | undefined
  /** Shown instead of a server name: `<STATS>`, `<NOSRV>`. */
  serverLabel?: string
}

/** Logs the stream once (later calls do nothing). */
export function logStream(logger: ProxyLogger, log: StreamLog, client: ProxySocket, parties: StreamParties, now = Date.now()): void {
  if (log.logged) return
  log.logged = true
  const {frontend, backend} = parties
  const server = parties.server ?? log.server
  // One object per line, built in place (this runs for every logged request).
  const t = log.timers(now)
  const record: LogRecord = {
    clientIp: plainIp(client.remoteAddress),
    clientPort: client.remotePort ?? 0,
    frontendIp: plainIp(client.localAddress),
    frontendPort: client.localPort ?? 0,
    acceptMs: log.acceptMs,
    requestMs: log.requestMs,
    frontend: frontend.name,
    backend: backend?.name ?? frontend.name,
    server: server?.name ?? parties.serverLabel ?? '<NOSRV>',
    serverIp: server?.plan.host,
    serverPort: server?.plan.port,
    Th: t.Th, Ti: t.Ti, TR: t.TR, Tw: t.Tw, Tc: t.Tc, Tr: t.Tr, Ta: t.Ta, Tt: t.Tt,
    status: log.status,
    bytesOut: log.htxOut >= 0 ? log.htxOut : client.bytesWritten - log.outStart,
    bytesIn: log.htxIn >= 0 ? log.htxIn : client.bytesRead - log.inStart,
    state: log.state ?? '--',
    actconn: logger.actconn(),
    feconn: frontend.counters.scur,
    beconn: backend?.counters.scur ?? 0,
    srvconn: server?.served ?? 0,
    retries: log.retries,
    redispatched: log.redispatched,
    srvQueue: server?.queued ?? 0,
    backendQueue: backend?.waiting.length ?? 0,
    method: log.method,
    uri: log.uri,
    version: log.version,
    requestCaptures: log.requestCaptures,
    responseCaptures: log.responseCaptures,
    requestCounter: logger.nextRequest(),
  }
  logger.traffic(record)
}
