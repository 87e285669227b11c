/** One listening socket (`bind`). It survives reloads while its address stays in the config; only its handler changes. */
import {createServer, isIP, type Server, type Socket} from 'node:net'
import {type ProxySocket, type RawListener, rawListen, RawSocket, netSocketOver, type TcpHandle} from './io/index.js'
import {type ListenAddress, listenAt, removeUnixSocket} from './listen-address.js'
import {terminateTls, type TlsBindPlan} from './tls/index.js'

export class Listener {
  /** An IP address: a raw libuv handle, connections as RawSocket (or net.Socket for TLS). */
  private raw: RawListener | undefined
  /** The local address of every connection of an IPv4 bind to one address (not 0.0.0.0): no getsockname each. */
  private local: {address: string; family: string; port: number} | undefined
  /** A unix socket or a host name: node:net. */
  private server: Server | undefined
  handler: (socket: ProxySocket) => void

  /** `bind ... ssl`: connections are handed on once their TLS handshake is done. Replaced on reload. */
  tls: TlsBindPlan | undefined

  constructor(
    readonly address: ListenAddress,
    handler: (socket: ProxySocket) => void,
    tls?: TlsBindPlan,
  ) {
    this.handler = handler
    this.tls = tls
  }

  listen(): Promise<void> {
    const address = this.address
    if (address.kind === 'tcp' && isIP(address.host) !== 0) {
      try {
        this.raw = rawListen(address.host, address.port, (handle) => this.accepted(handle))
        const port = this.raw.port()
        if (isIP(address.host) === 4 && address.host !== '0.0.0.0' && port !== undefined) this.local = {address: address.host, family: 'IPv4', port}
      } catch (error) {
        return Promise.reject(error)
      }
      return Promise.resolve()
    }
    const server = createServer({allowHalfOpen: true, pauseOnConnect: true}, (socket) => this.dispatch(socket))
    this.server = server
    return listenAt(server, address)
  }

  private accepted(handle: TcpHandle): void {
    // Decided per connection: a reload may add or drop `ssl` on a bind that stays open.
    const socket = this.tls ? netSocketOver(handle) : new RawSocket(handle, this.local, this.raw?.noDelay)
    this.dispatch(socket)
  }

  private dispatch(socket: ProxySocket): void {
    if (this.tls) terminateTls(socket as Socket, this.tls, (secure) => this.handler(secure))
    else this.handler(socket)
  }

  /** The port actually bound (for `:0` in tests). */
  port(): number | undefined {
    if (this.raw) return this.raw.port()
    const address = this.server?.address()
    return typeof address === 'object' && address ? address.port : undefined
  }

  /**
   * Stops accepting; connections already accepted go on. An IP bind resolves once its socket is closed (the
   * engine's stop waits for the sessions, within its grace time); a net.Server (unix, host name) also waits
   * for its connections to close.
   */
  close(): Promise<void> {
    const raw = this.raw
    if (raw) {
      this.raw = undefined
      return raw.close()
    }
    return new Promise<void>((resolve) => {
      if (!this.server) return resolve()
      this.server.close(() => resolve())
      removeUnixSocket(this.address)
    })
  }
}
