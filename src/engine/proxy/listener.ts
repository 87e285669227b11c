/** One listening socket (`bind`). It survives reloads while its address stays in the config; only its handler changes. */
import {existsSync, unlinkSync} from 'node:fs'
import {createServer, type Server, type Socket} from 'node:net'
import type {ListenAddress} from './listen-address.js'

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
    return new Promise((resolve, reject) => {
      server.once('error', reject)
      const ready = () => {
        server.off('error', reject)
        resolve()
      }
      if (this.address.kind === 'unix') {
        if (existsSync(this.address.path)) unlinkSync(this.address.path)
        server.listen(this.address.path, ready)
      } else server.listen({port: this.address.port, host: this.address.host, ipv6Only: this.address.host === '::'}, ready)
    })
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
      if (this.address.kind === 'unix' && existsSync(this.address.path)) {
        try {
          unlinkSync(this.address.path)
        } catch {
          // already gone
        }
      }
    })
  }
}
