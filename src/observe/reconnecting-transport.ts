// A runtime-API transport over a connection that can die and be opened again (an ssh master and its
// forwarded stats socket). When the local end stops answering (the master is gone: host reboot, network
// blip longer than ssh's keepalive), the transport drops the connection and reopens it with exponential
// backoff, driven by the polls themselves: no timer of its own, so there is nothing to stop but close().
import {RuntimeApiError, socketTransport, type RuntimeTransport} from './runtime-api.js'

/** One opened connection: the local socket that reaches the stats socket, and how to close it. */
export interface Connection {
  localSocket: string
  close(): Promise<void>
}

export const RECONNECT_BASE_MS = 1000
export const RECONNECT_CAP_MS = 30_000

/** Wait before attempt `attempt` (1-based): 1 s, 2 s, 4 s … capped at 30 s. */
export function reconnectDelayMs(attempt: number, baseMs = RECONNECT_BASE_MS, capMs = RECONNECT_CAP_MS): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1))
}

export type LinkStatus =
  | {state: 'connected'; localSocket: string}
  | {state: 'waiting'; attempt: number; nextAt: number; reason: string}
  | {state: 'connecting'; attempt: number; reason: string}
  | {state: 'closed'}

export interface ReconnectingOptions {
  /** Names the node in messages, e.g. `lb1:/run/haproxy/admin.sock`. */
  label: string
  /** Opens a new connection; its rejection's message says why the node is unreachable. */
  connect: () => Promise<Connection>
  timeoutMs: number
  now?: () => number
  /** The transport over a local socket (tests swap it). */
  transportFor?: (localSocket: string, timeoutMs: number) => RuntimeTransport
}

/** `reconnecting (attempt 3, next in 4s)`: what a node's status says while it is down. */
export function describeLink(status: LinkStatus, now: number): string {
  switch (status.state) {
    case 'connected':
      return 'connected'
    case 'closed':
      return 'closed'
    case 'connecting':
      return `reconnecting (attempt ${status.attempt}, connecting now)`
    case 'waiting':
      return `reconnecting (attempt ${status.attempt}, next in ${Math.max(0, Math.ceil((status.nextAt - now) / 1000))}s)`
  }
}

export class ReconnectingTransport implements RuntimeTransport {
  readonly label: string
  private status: LinkStatus
  private connection: Connection | undefined
  private transport: RuntimeTransport | undefined
  /** Bumped on every new connection, so a late failure of an old one does not drop its successor. */
  private generation = 0
  private attempt: Promise<void> | undefined
  private readonly closing: Promise<void>[] = []
  private readonly now: () => number
  private readonly transportFor: (localSocket: string, timeoutMs: number) => RuntimeTransport

  /** Starts connected (`initial`) or down since the first connection failed (`initialError`). */
  constructor(
    private readonly options: ReconnectingOptions,
    start: {initial: Connection} | {initialError: string},
  ) {
    this.label = options.label
    this.now = options.now ?? Date.now
    this.transportFor = options.transportFor ?? ((path, timeoutMs) => socketTransport({kind: 'unix', path}, {timeoutMs}))
    if ('initial' in start) {
      this.status = {state: 'connected', localSocket: start.initial.localSocket}
      this.use(start.initial)
    } else this.status = {state: 'waiting', attempt: 1, nextAt: this.now() + reconnectDelayMs(1), reason: start.initialError}
  }

  get link(): LinkStatus {
    return this.status
  }

  async send(command: string): Promise<string> {
    if (this.status.state === 'closed') throw new RuntimeApiError('connect', `${this.label}: closed`, this.label)
    if (this.status.state === 'connected' && this.transport) {
      const generation = this.generation
      try {
        return await this.transport.send(command)
      } catch (error) {
        // Only the local end refusing means the forward is gone; a timeout or a bad answer is the node's.
        if (!(error instanceof RuntimeApiError) || error.code !== 'connect') throw error
        // Commands sent together fail together: the first drops the connection, all report the same status.
        if (generation === this.generation) this.drop(`ssh connection lost (${error.message})`)
        else if (this.status.state === 'connected') throw error
      }
    }
    this.maybeAttempt()
    throw new RuntimeApiError('connect', this.downMessage(), this.label)
  }

  /** Closes the connection and any attempt's result; no attempt starts afterwards. */
  async close(): Promise<void> {
    this.status = {state: 'closed'}
    this.generation++
    const connection = this.connection
    this.connection = undefined
    this.transport = undefined
    if (connection) this.retire(connection)
    await Promise.all(this.closing)
  }

  /** Closes a connection no longer used; close() waits for it. */
  private retire(connection: Connection): void {
    const done: Promise<void> = connection
      .close()
      .catch(() => undefined)
      .finally(() => this.closing.splice(this.closing.indexOf(done), 1))
    this.closing.push(done)
  }

  private downMessage(): string {
    const status = this.status
    const reason = status.state === 'waiting' || status.state === 'connecting' ? status.reason : 'not connected'
    return `${reason}; ${describeLink(status, this.now())}`
  }

  private use(connection: Connection): void {
    this.generation++
    this.connection = connection
    this.transport = this.transportFor(connection.localSocket, this.options.timeoutMs)
  }

  private drop(reason: string): void {
    const old = this.connection
    this.connection = undefined
    this.transport = undefined
    this.generation++
    if (old) this.retire(old)
    this.status = {state: 'waiting', attempt: 1, nextAt: this.now() + reconnectDelayMs(1), reason}
  }

  private maybeAttempt(): void {
    const status = this.status
    if (status.state !== 'waiting' || this.attempt || this.now() < status.nextAt) return
    this.status = {state: 'connecting', attempt: status.attempt, reason: status.reason}
    this.attempt = this.options
      .connect()
      .then(
        (connection) => {
          if (this.status.state === 'closed') {
            this.retire(connection)
            return
          }
          this.use(connection)
          this.status = {state: 'connected', localSocket: connection.localSocket}
        },
        (error: unknown) => {
          if (this.status.state === 'closed') return
          const next = status.attempt + 1
          this.status = {state: 'waiting', attempt: next, nextAt: this.now() + reconnectDelayMs(next), reason: (error as Error).message}
        },
      )
      .finally(() => (this.attempt = undefined))
  }
}
