/**
 * The stats socket: HAProxy's CLI protocol on a unix or TCP socket. Without `prompt`, one line
 * (commands separated by `;`) is answered and the connection closes; with `prompt`, it stays open
 * and each answer ends with the `> ` prompt.
 */
import {createServer, type Server, type Socket} from 'node:net'
import {type ListenAddress, listenAt, removeUnixSocket} from '../listen-address.js'
import {type EngineView, execute, type Level, type Session} from './commands.js'

/** Bytes of `show events` lines queued for a slow client before lines are dropped. */
const STREAM_BACKLOG = 1 << 20

export class StatsSocket {
  private server: Server | undefined
  private readonly clients = new Set<Socket>()

  constructor(
    readonly address: ListenAddress,
    private level: Level,
    private view: EngineView,
  ) {}

  /** After a reload: the same socket answers for the new configuration. */
  update(view: EngineView, level: Level): void {
    this.view = view
    this.level = level
  }

  listen(): Promise<void> {
    const server = createServer((socket) => this.serve(socket))
    this.server = server
    return listenAt(server, this.address)
  }

  private serve(socket: Socket): void {
    this.clients.add(socket)
    socket.on('close', () => this.clients.delete(socket))
    socket.on('error', () => {})
    const session: Session = {level: this.level, prompt: false, quit: false}
    let buffer = ''
    socket.setTimeout(10_000, () => socket.destroy())
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8')
      let newline: number
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline).replace(/\r$/, '')
        buffer = buffer.slice(newline + 1)
        const wasPrompt = session.prompt
        let out = ''
        for (const command of line.split(';')) {
          if (/^\s*show\s+events\s*$/.test(command) && this.view.subscribeEvents) {
            // A live stream: what came before is answered, then event lines until the client leaves.
            socket.write(out)
            this.stream(socket, this.view.subscribeEvents)
            return
          }
          const answer = execute(this.view, session, command)
          if (command.trim() === 'quit') continue
          out += answer + '\n'
        }
        if (session.quit) {
          socket.end()
          return
        }
        if (session.prompt) out += '> '
        socket.write(out)
        if (!session.prompt && !wasPrompt) {
          socket.end()
          return
        }
      }
    })
  }

  private stream(socket: Socket, subscribe: NonNullable<EngineView['subscribeEvents']>): void {
    socket.setTimeout(0)
    socket.removeAllListeners('data')
    // Input after `show events` is ignored; the stream ends when the client closes (or on close()).
    socket.on('data', () => {})
    // A client that does not read keeps at most STREAM_BACKLOG bytes queued; what does not fit is
    // dropped and counted in a `{"kind":"dropped"}` line once it catches up.
    let dropped = 0
    const unsubscribe = subscribe((line) => {
      if (socket.destroyed) return
      if (socket.writableLength > STREAM_BACKLOG) {
        dropped++
        return
      }
      if (dropped > 0) {
        socket.write(`${JSON.stringify({at: Date.now(), kind: 'dropped', count: dropped})}\n`)
        dropped = 0
      }
      socket.write(line)
    })
    socket.on('close', unsubscribe)
    socket.on('end', () => socket.end())
  }

  async close(): Promise<void> {
    for (const client of this.clients) client.destroy()
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()))
    removeUnixSocket(this.address)
  }
}
