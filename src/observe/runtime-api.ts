// Client for HAProxy's runtime API (the stats socket protocol), spoken by real HAProxy and by the bundled engine.
// One command per connection: in non-interactive mode HAProxy answers and closes.
import {createConnection, type Socket} from 'node:net'
import {parseServersState, parseShowInfo, type ServerStateRow, type ShowInfo} from './show-info.js'
import {isUnknownCommand, parseShowVrrp, type VrrpRow} from './show-vrrp.js'
import {parseShowStat, type StatRow} from './stat-csv.js'

export type Endpoint = {kind: 'unix'; path: string} | {kind: 'tcp'; host: string; port: number}

/** `/run/haproxy/admin.sock` → unix; `127.0.0.1:9999`, `[::1]:9999`, `lb1:9999` → tcp. */
export function parseEndpoint(text: string): Endpoint {
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(text)
  if (bracketed) return {kind: 'tcp', host: bracketed[1]!, port: Number(bracketed[2])}
  const hostPort = /^([^/:]+):(\d+)$/.exec(text)
  if (hostPort) return {kind: 'tcp', host: hostPort[1]!, port: Number(hostPort[2])}
  return {kind: 'unix', path: text}
}

export function formatEndpoint(endpoint: Endpoint): string {
  if (endpoint.kind === 'unix') return endpoint.path
  return endpoint.host.includes(':') ? `[${endpoint.host}]:${endpoint.port}` : `${endpoint.host}:${endpoint.port}`
}

export type RuntimeApiErrorCode = 'connect' | 'timeout' | 'denied' | 'protocol'

/** The socket could not be used: where (lbctl's side or HAProxy's) and why. */
export class RuntimeApiError extends Error {
  override name = 'RuntimeApiError'
  constructor(
    readonly code: RuntimeApiErrorCode,
    message: string,
    readonly endpoint: string,
  ) {
    super(message)
  }
}

/** Sends one command and returns the whole answer. The seam tests replace with a fake. */
export interface RuntimeTransport {
  readonly label: string
  send(command: string): Promise<string>
}

export function socketTransport(endpoint: Endpoint, options: {timeoutMs?: number} = {}): RuntimeTransport {
  const label = formatEndpoint(endpoint)
  const timeoutMs = options.timeoutMs ?? 2000
  return {
    label,
    send: (command) =>
      new Promise<string>((resolve, reject) => {
        const socket: Socket = endpoint.kind === 'unix' ? createConnection(endpoint.path) : createConnection(endpoint.port, endpoint.host)
        const chunks: Buffer[] = []
        let settled = false
        const finish = (error?: RuntimeApiError) => {
          if (settled) return
          settled = true
          clearTimeout(timer)
          socket.destroy()
          if (error) reject(error)
          else resolve(Buffer.concat(chunks).toString('utf8'))
        }
        const timer = setTimeout(() => finish(new RuntimeApiError('timeout', `no answer to "${command}" from ${label} within ${timeoutMs} ms`, label)), timeoutMs)
        socket.on('connect', () => socket.write(`${command}\n`))
        socket.on('data', (chunk: Buffer) => chunks.push(chunk))
        socket.on('end', () => finish())
        socket.on('close', () => finish())
        socket.on('error', (error: NodeJS.ErrnoException) => {
          const why = error.code === 'ENOENT' ? 'no such socket' : error.code === 'EACCES' ? 'permission denied on the socket file' : error.code === 'ECONNREFUSED' ? 'connection refused' : error.message
          finish(new RuntimeApiError('connect', `cannot reach the stats socket ${label}: ${why}`, label))
        })
      }),
  }
}

/** What an admin command achieved, as a value: refusals are expected, not exceptions. */
export type AdminResult =
  | {ok: true; command: string}
  | {ok: false; command: string; reason: 'permission-denied' | 'not-found' | 'refused' | 'unreachable'; message: string}

/** Maps HAProxy's answer to an admin command (empty means done) to a typed result. */
export function adminResult(command: string, answer: string, socket: string): AdminResult {
  const text = answer.trim()
  if (text === '') return {ok: true, command}
  if (/^Permission denied/.test(text)) {
    return {
      ok: false,
      command,
      reason: 'permission-denied',
      message: `${socket} refused "${command}": the stats socket is not at level admin (add "level admin" to its "stats socket" line)`,
    }
  }
  if (/^No such (server|backend)/.test(text)) return {ok: false, command, reason: 'not-found', message: `${text.replace(/\.$/, '')} (${command})`}
  return {ok: false, command, reason: 'refused', message: `haproxy refused "${command}": ${text.split('\n')[0]}`}
}

export interface StatsClient {
  readonly label: string
  showStat(): Promise<StatRow[]>
  showInfo(): Promise<ShowInfo>
  /** `show vrrp` rows, or undefined when the node has no VRRP (real HAProxy). Optional: not every client has it. */
  showVrrp?(): Promise<VrrpRow[] | undefined>
}

export interface AdminClient {
  enableServer(backend: string, server: string): Promise<AdminResult>
  disableServer(backend: string, server: string): Promise<AdminResult>
  drainServer(backend: string, server: string): Promise<AdminResult>
  readyServer(backend: string, server: string): Promise<AdminResult>
  setWeight(backend: string, server: string, weight: number | string): Promise<AdminResult>
}

export class RuntimeApiClient implements StatsClient, AdminClient {
  constructor(private readonly transport: RuntimeTransport) {}

  static connect(target: string | Endpoint, options: {timeoutMs?: number} = {}): RuntimeApiClient {
    return new RuntimeApiClient(socketTransport(typeof target === 'string' ? parseEndpoint(target) : target, options))
  }

  get label(): string {
    return this.transport.label
  }

  /** Sends any command and returns the raw answer. */
  command(command: string): Promise<string> {
    return this.transport.send(command)
  }

  private async read(command: string): Promise<string> {
    const answer = await this.transport.send(command)
    if (/^Permission denied/.test(answer.trim())) throw new RuntimeApiError('denied', `${this.label} refused "${command}": permission denied`, this.label)
    return answer
  }

  async showStat(): Promise<StatRow[]> {
    const answer = await this.read('show stat')
    try {
      return parseShowStat(answer)
    } catch (error) {
      throw new RuntimeApiError('protocol', `${this.label} answered "show stat" with something else: ${(error as Error).message}`, this.label)
    }
  }

  async showInfo(): Promise<ShowInfo> {
    return parseShowInfo(await this.read('show info'))
  }

  /** lbctl's `show vrrp`; undefined when the socket does not know it (real HAProxy, or a node without VRRP). */
  async showVrrp(): Promise<VrrpRow[] | undefined> {
    const answer = await this.read('show vrrp')
    if (isUnknownCommand(answer)) return undefined
    try {
      return parseShowVrrp(answer)
    } catch (error) {
      throw new RuntimeApiError('protocol', `${this.label} answered "show vrrp" with something else: ${(error as Error).message}`, this.label)
    }
  }

  async showServersState(backend?: string): Promise<ServerStateRow[]> {
    return parseServersState(await this.read(backend ? `show servers state ${backend}` : 'show servers state'))
  }

  private async admin(command: string): Promise<AdminResult> {
    try {
      return adminResult(command, await this.transport.send(command), this.label)
    } catch (error) {
      return {ok: false, command, reason: 'unreachable', message: (error as Error).message}
    }
  }

  enableServer(backend: string, server: string): Promise<AdminResult> {
    return this.admin(`enable server ${backend}/${server}`)
  }

  disableServer(backend: string, server: string): Promise<AdminResult> {
    return this.admin(`disable server ${backend}/${server}`)
  }

  /** `set server b/s state drain`: no new sessions except persistent ones; health checks continue. */
  drainServer(backend: string, server: string): Promise<AdminResult> {
    return this.admin(`set server ${backend}/${server} state drain`)
  }

  /** `set server b/s state ready`: leaves both MAINT and DRAIN (enable server only leaves MAINT). */
  readyServer(backend: string, server: string): Promise<AdminResult> {
    return this.admin(`set server ${backend}/${server} state ready`)
  }

  /** Absolute (0-256) or relative (`50%`) weight. */
  setWeight(backend: string, server: string, weight: number | string): Promise<AdminResult> {
    return this.admin(`set weight ${backend}/${server} ${weight}`)
  }
}
