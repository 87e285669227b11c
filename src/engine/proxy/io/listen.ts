/** A listening TCP socket on a raw libuv handle: accepted connections arrive as handles, unread. */
import {isIP} from 'node:net'
import {type AddressOut, TCP, type TcpHandle, tcpConstants, uvError} from './binding.js'

/** net.Server's default backlog. */
const BACKLOG = 511

export class RawListener {
  private closed = false

  /** TCP_NODELAY is set on the listening socket, so every accepted connection has it (as HAProxy sets it on each). */
  constructor(
    private readonly handle: TcpHandle,
    readonly noDelay: boolean,
  ) {}

  /** The port bound (for `:0`). */
  port(): number | undefined {
    const out: AddressOut = {}
    return !this.closed && this.handle.getsockname(out) === 0 ? out.port : undefined
  }

  /** Stops accepting; connections already accepted are not touched. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve()
    this.closed = true
    return new Promise((resolve) => this.handle.close(resolve))
  }
}

/**
 * Binds and listens on an IP literal (`::` alone is IPv6-only, as net's `ipv6Only` makes it, so `*:port`
 * and `:::port` can both be bound). Throws net's error on failure: `listen EADDRINUSE: address already in
 * use 127.0.0.1:80` with code EADDRINUSE (bind errors surface at listen, as with net).
 * `onConnection` gets each accepted connection's handle, not yet reading.
 */
export function rawListen(host: string, port: number, onConnection: (handle: TcpHandle) => void, backlog = BACKLOG): RawListener {
  const family = isIP(host)
  if (family === 0) throw new Error(`listen: ${host} is not an IP address`)
  const handle = new TCP(tcpConstants.SERVER)
  let error = family === 6 ? handle.bind6(host, port, host === '::' ? tcpConstants.UV_TCP_IPV6ONLY : 0) : handle.bind(host, port)
  if (error === 0) error = handle.listen(backlog)
  if (error !== 0) {
    handle.close()
    throw uvError(error, 'listen', host, port)
  }
  const noDelay = handle.setNoDelay(true) === 0
  handle.onconnection = (status, client) => {
    // A failed accept (EMFILE...) leaves the connection in the backlog; libuv retries on the next one.
    if (status === 0 && client) onConnection(client)
  }
  return new RawListener(handle, noDelay)
}
