/** One listening socket (`bind`). It survives reloads while its address stays in the config; only its handler changes. */
import {createServer, type Server, type Socket} from 'node:net'
import {type ListenAddress, listenAt, removeUnixSocket} from './listen-address.js'
import {terminateTls, type TlsBindPlan} from './tls/index.js'

export class Listener {
  private server: Server | undefined
  handler: (socket: Socket) => void

  /** `bind ... ssl`: connections are handed on once their TLS handshake is done. Replaced on reload. */
  tls: TlsBindPlan | undefined

  constructor(
    readonly address: ListenAddress,
    handler: (socket: Socket) => void,
    tls?: TlsBindPlan,
  ) {
    this.handler = handler
    this.tls = tls
  }

  listen(): Promise<void> {
    const server = createServer({allowHalfOpen: true, pauseOnConnect: true}, (socket) => {
      if (this.tls) terminateTls(socket, this.tls, (secure) => this.handler(secure))
      else this.handler(socket)
    })
    this.server = server
    return listenAt(server, this.address)
  }

  /** The port actually bound (for `:0` in tests). */
  port(): number | undefined {
    const address = this.server?.address()
    return typeof address === 'object' && address ? address.port : undefined
  }

  /** Stops accepting; connections already accepted go on. */
  close(): Promise<void> {
    return new Promise<void>((resolve) => {
      if (!this.server) return resolve()
      this.server.close(() => resolve())
      removeUnixSocket(this.address)
    })
  }
}
