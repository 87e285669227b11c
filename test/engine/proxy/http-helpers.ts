/** Loopback pieces for mode http tests: node:http backends that echo what they saw, a raw keep-alive client. */
import {createServer as createHttpServer, type Server as HttpServer} from 'node:http'
import {connect, createServer, type AddressInfo, type Server, type Socket} from 'node:net'
import {createResponseParser} from '../../../src/engine/proxy/http1/index.js'

export interface Seen {
  server: string
  method: string
  url: string
  /** Header lines as the backend received them (names as sent on the wire). */
  rawHeaders: string[]
  body: string
}

export interface EchoBackend {
  name: string
  port: number
  seen: Seen[]
  connections: number
  close(): Promise<void>
}

/** Answers `NAME METHOD URL BODYLENGTH`, and for /chunked streams its answer in several chunks. */
export async function echoBackend(name: string): Promise<EchoBackend> {
  const sockets = new Set<Socket>()
  const backend: EchoBackend = {name, port: 0, seen: [], connections: 0, close: async () => {}}
  const server: HttpServer = createHttpServer((req, res) => {
    const parts: Buffer[] = []
    req.on('data', (c: Buffer) => parts.push(c))
    req.on('end', () => {
      const body = Buffer.concat(parts).toString()
      backend.seen.push({server: name, method: req.method ?? '', url: req.url ?? '', rawHeaders: req.rawHeaders, body})
      const answer = `${name} ${req.method} ${req.url} ${body.length}`
      if (req.url === '/chunked') {
        res.writeHead(200, {'content-type': 'text/plain', 'x-backend': name})
        res.write(`${answer}|`)
        setTimeout(() => res.end('second|third'), 20)
      } else {
        res.writeHead(200, {'content-type': 'text/plain', 'x-backend': name, 'content-length': Buffer.byteLength(answer)})
        res.end(answer)
      }
    })
  })
  server.keepAliveTimeout = 10_000
  server.on('connection', (s: Socket) => {
    backend.connections++
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  backend.port = (server.address() as AddressInfo).port
  backend.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy()
      server.close(() => resolve())
    })
  return backend
}

/** A server that answers anything with bytes that are not HTTP. */
export async function garbageBackend(): Promise<{port: number; close(): Promise<void>}> {
  const sockets = new Set<Socket>()
  const server: Server = createServer((s) => {
    sockets.add(s)
    s.on('error', () => {})
    s.on('close', () => sockets.delete(s))
    s.once('data', () => s.write('this is not http\r\n\r\n'))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}

export interface Reply {
  status: number
  headers: [string, string][]
  body: string
}

/** One raw client connection: write requests as bytes, read whole responses in order. */
export class RawClient {
  private readonly socket: Socket
  private readonly replies: Reply[] = []
  private current: Reply | undefined
  private waiters: (() => void)[] = []
  closed = false

  constructor(port: number) {
    this.socket = connect({port, host: '127.0.0.1'})
    const parser = createResponseParser({
      onHead: (head) => {
        this.current = {status: head.status, headers: head.headers.toArray(), body: ''}
      },
      onBody: (chunk) => {
        if (this.current) this.current.body += chunk.toString()
      },
      onMessageEnd: () => {
        if (this.current && this.current.status >= 200) this.replies.push(this.current)
        this.current = undefined
        this.wake()
      },
      onError: () => this.socket.destroy(),
    })
    this.socket.on('data', (c: Buffer) => parser.feed(c))
    this.socket.on('error', () => {})
    this.socket.on('close', () => {
      parser.finish()
      this.closed = true
      this.wake()
    })
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w()
  }

  send(raw: string | Buffer, methods: string[] = ['GET']): this {
    this.expecting.push(...methods)
    this.socket.write(raw)
    return this
  }

  private readonly expecting: string[] = []

  /** The next response; rejects after `ms` or when the connection closed first. */
  async next(ms = 5000): Promise<Reply> {
    const end = Date.now() + ms
    while (this.replies.length === 0) {
      if (this.closed) throw new Error('connection closed before a response')
      if (Date.now() > end) throw new Error('no response in time')
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50)
        this.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
    return this.replies.shift()!
  }

  /** Resolves true when the server closes the connection within `ms`. */
  async waitClosed(ms = 2000): Promise<boolean> {
    const end = Date.now() + ms
    while (!this.closed && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 20))
    return this.closed
  }

  close(): void {
    this.socket.destroy()
  }
}

export const header = (reply: Reply, name: string): string | undefined => reply.headers.find(([n]) => n.toLowerCase() === name)?.[1]

/** The backend-seen header lines as [name, value] pairs. */
export const pairs = (raw: string[]): [string, string][] => {
  const out: [string, string][] = []
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i]!, raw[i + 1]!])
  return out
}

/** One request on its own connection (`Connection: close`); resolves with the whole answer once the proxy closed it. */
export function closeRequest(port: number, path = '/'): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({port, host: '127.0.0.1'})
    let text = ''
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')))
    socket.on('error', reject)
    socket.on('close', () => resolve(text))
    socket.write(`GET ${path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n`)
  })
}
