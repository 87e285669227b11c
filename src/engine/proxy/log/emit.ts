/** Turns a finished stream into its log line: the connection and counter fields the sessions share. */
import type {Socket} from 'node:net'
import type {BackendRuntime, FrontendRuntime, ServerRuntime} from '../runtime.js'
import type {ProxyLogger} from './logger.js'
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
export function logStream(logger: ProxyLogger, log: StreamLog, client: Socket, parties: StreamParties, now = Date.now()): void {
  if (log.logged) return
  log.logged = true
  const {frontend, backend} = parties
  const server = parties.server ?? log.server
  const record = log.record(now, {
    clientIp: plainIp(client.remoteAddress),
    clientPort: client.remotePort ?? 0,
    frontendIp: plainIp(client.localAddress),
    frontendPort: client.localPort ?? 0,
    frontend: frontend.name,
    backend: backend?.name ?? frontend.name,
    server: server?.name ?? parties.serverLabel ?? '<NOSRV>',
    ...(server ? {serverIp: server.plan.host, serverPort: server.plan.port} : {}),
    bytesOut: client.bytesWritten - log.outStart,
    bytesIn: client.bytesRead - log.inStart,
    actconn: logger.actconn(),
    feconn: frontend.counters.scur,
    beconn: backend?.counters.scur ?? 0,
    srvconn: server?.served ?? 0,
    srvQueue: server?.queued ?? 0,
    backendQueue: backend?.waiting.length ?? 0,
    requestCounter: logger.nextRequest(),
  })
  logger.traffic(record)
}
