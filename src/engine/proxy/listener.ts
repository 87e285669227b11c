/** One listening socket (`bind`). It survives reloads while its address stays in the config; only its handler changes. */
import {createServer, type Server, type Socket} from 'node:net'
import {type ListenAddress, listenAt, removeUnixSocket} from './listen-address.js'

export class Listener {
  private server: Server | undefined
  handler: (socket: Socket) => void

  constructor(
    readonly address: ListenAddress,
    handler: (socket: Socket) => void,
  ) {
    this.handler = handler
  }

  listen(): Promise<void> {
    const server = createServer({allowHalfOpen: true, pauseOnConnect: true}, (socket) => this.handler(socket))
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
