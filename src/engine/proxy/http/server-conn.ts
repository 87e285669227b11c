/**
 * A connection to a server with its response parser, and the idle connections kept for reuse
 * (`http-reuse safe`: a session's first request never takes another session's idle connection).
 */
import {createResponseParser, type Http1Error, type Http1Sink, type RawHeaders, type ResponseHead, type ResponseParser} from '../http1/index.js'
import {connectTcp, connectTcpThen, type ProxySocket} from '../io/index.js'
import type {BackendRuntime, ServerRuntime} from '../runtime.js'
import {Deadline} from '../timers/deadline.js'

/** What a connection reports to the transaction using it. */
export interface ConnOwner {
  onResponseHead(head: ResponseHead): void
  onResponseBody(chunk: Buffer): void
  onResponseTrailers(trailers: RawHeaders): void
  onResponseEnd(): void
  onResponseError(error: Http1Error): void
  onTunnelData(chunk: Buffer): void
  /** The server closed, failed or timed out (`timeout server`). */
  onServerGone(reason: 'closed' | 'error' | 'timeout'): void
  /** The socket to the server drained: the client may be read again. */
  onServerDrain(): void
  /** Around the parsing of one read: what it makes the owner write can leave in one system call. */
  onReadBegin(): void
  onReadEnd(): void
}

/** Idle connections are dropped after this long (HAProxy's pool-purge-delay default). */
const IDLE_MS = 5000
/** At most this many idle connections per server. */
const MAX_IDLE = 32

export class ServerConn implements Http1Sink<ResponseHead> {
  readonly parser: ResponseParser
  owner: ConnOwner | undefined
  closed = false
  /** The 'drain' listener is added on the first write the server does not take at once. */
  private drainListened = false
  /** `timeout server` while used, the idle purge delay while parked; reads and `touch()` push it back. */
  private readonly timer = new Deadline(() => (this.owner ? this.gone('timeout') : this.destroy(true)))
  private timeoutMs = 0

  constructor(
    readonly socket: ProxySocket,
    readonly server: ServerRuntime,
  ) {
    this.parser = createResponseParser(this)
    socket.on('data', (chunk: Buffer) => {
      // Kept: the read may end the transaction and park the connection (owner gone) before it is flushed.
      const owner = this.owner
      if (!owner) return this.destroy()
      if (this.timeoutMs > 0) this.timer.set(this.timeoutMs)
      owner.onReadBegin()
      this.parser.feed(chunk)
      owner.onReadEnd()
    })
    socket.on('end', () => {
      this.parser.finish()
      this.gone('closed')
    })
    const gone = (error?: unknown) => this.gone(error instanceof Error ? 'error' : 'closed')
    socket.on('error', gone)
    socket.on('close', gone)
  }

  private gone(reason: 'closed' | 'error' | 'timeout'): void {
    const owner = this.owner
    this.destroy()
    owner?.onServerGone(reason)
  }

  /**
   * `reset`: an idle connection nobody will use is closed the way HAProxy closes those (SO_LINGER 0, a reset):
   * one packet instead of the FIN exchange, and no TIME_WAIT socket per request under a new connection per request.
   */
  destroy(reset = false): void {
    if (!this.closed) {
      this.closed = true
      this.server.idleConns?.delete(this)
      this.owner = undefined
    }
    this.timer.stop()
    if (reset) this.socket.resetAndDestroy()
    else this.socket.destroy()
  }

  onHead(head: ResponseHead): void {
    this.owner?.onResponseHead(head)
  }
  onBody(chunk: Buffer): void {
    this.owner?.onResponseBody(chunk)
  }
  onTrailers(trailers: RawHeaders): void {
    this.owner?.onResponseTrailers(trailers)
  }
  onMessageEnd(): void {
    this.owner?.onResponseEnd()
  }
  onError(error: Http1Error): void {
    this.owner?.onResponseError(error)
  }
  onTunnelData(chunk: Buffer): void {
    this.owner?.onTunnelData(chunk)
  }

  /** Leaves the connection open with nobody using it: any byte or close now just drops it. */
  park(timeoutMs = IDLE_MS): void {
    this.owner = undefined
    this.setTimeout(timeoutMs)
  }

  attach(owner: ConnOwner, serverTimeoutMs: number): void {
    this.owner = owner
    this.setTimeout(serverTimeoutMs)
  }

  /** Sends to the server (request head, body, tunnel bytes): activity that pushes the timeout back. */
  write(data: Buffer): boolean {
    if (this.timeoutMs > 0) this.timer.set(this.timeoutMs)
    if (this.socket.write(data)) return true
    if (!this.drainListened) {
      this.drainListened = true
      this.socket.on('drain', () => this.owner?.onServerDrain())
    }
    return false
  }

  private setTimeout(ms: number): void {
    this.timeoutMs = ms
    this.timer.set(ms)
  }
}

/** Gives an idle connection back to the server's pool (shared by every session). */
export function releaseIdle(conn: ServerConn): void {
  if (conn.closed) return
  const server = conn.server
  if (server.backend.retired) return conn.destroy(true)
  const set = (server.idleConns ??= new Set())
  if (set.size >= MAX_IDLE) return conn.destroy(true)
  conn.park()
  set.add(conn)
}

export function takeIdle(server: ServerRuntime): ServerConn | undefined {
  const set = server.idleConns
  if (!set) return undefined
  for (const conn of set) {
    set.delete(conn)
    if (!conn.closed && !conn.socket.destroyed) return conn
  }
  return undefined
}

/** Closes every idle connection of a backend, and those its sessions give back later (engine stop, reload). */
export function closeIdle(backend: BackendRuntime): void {
  backend.retired = true
  for (const server of backend.servers) if (server.idleConns) for (const conn of [...server.idleConns]) conn.destroy(true)
}

/** A connection to the server: raw for an IP literal (its family known since the configuration loaded), else with a lookup. */
export function connectTo(server: ServerRuntime, timeoutMs: number): Promise<ProxySocket> {
  const {host, port} = server.plan
  return connectTcp(host, port, timeoutMs, server.family)
}

/**
 * TCP connect with `timeout connect`; `done` gets the connection, or undefined when refused or too slow. The
 * socket reads from the start (the response is read as soon as it comes).
 */
export function connectServer(server: ServerRuntime, timeoutMs: number, done: (conn: ServerConn | undefined) => void): void {
  const {host, port} = server.plan
  connectTcpThen(host, port, {timeoutMs, family: server.family, reading: true}, (_error, socket) => {
    if (!socket) return done(undefined)
    socket.setNoDelay(true)
    const conn = new ServerConn(socket, server)
    // A raw socket reads already; one from node:net comes paused.
    socket.resume()
    done(conn)
  })
}
