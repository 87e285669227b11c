/** Loopback pieces for the L7 rules tests: a backend that echoes the request head it got, raw exchanges. */
import {connect, createServer, type Server, type Socket} from 'node:net'
import {freePort} from './helpers.js'

export interface HeadEcho {
  name: string
  port: number
  close(): Promise<void>
}

/**
 * A raw HTTP/1.1 server answering every request with its name and the request head it received
 * (so a test sees exactly what the proxy forwarded), plus a Set-Cookie of its own. Keeps connections open.
 */
export async function headEcho(name: string, extraHeaders = 'set-cookie: app=1\r\n', port?: number): Promise<HeadEcho> {
  const sockets = new Set<Socket>()
  const server: Server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
    let buffered = ''
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1')
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n')
        if (end < 0) return
        const head = buffered.slice(0, end)
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0)
        if (buffered.length < end + 4 + length) return
        buffered = buffered.slice(end + 4 + length)
        const body = `${name}\n${head}\n`
        socket.write(`HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n${extraHeaders}content-length: ${Buffer.byteLength(body, 'latin1')}\r\n\r\n${body}`)
      }
    })
  })
  const bound = port ?? (await freePort())
  await new Promise<void>((resolve) => server.listen(bound, '127.0.0.1', () => resolve()))
  return {
    name,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}

/**
 * Writes raw bytes on a new connection and returns everything received until the peer closes or
 * `quietMs` pass without data (keep-alive answers), at most `maxMs`.
 */
export function exchangeRaw(port: number, raw: string, quietMs = 150, maxMs = 3000): Promise<{text: string; closed: boolean}> {
  return new Promise((resolve) => {
    const socket = connect({port, host: '127.0.0.1'})
    let text = ''
    let quiet: ReturnType<typeof setTimeout> | undefined
    const done = (closed: boolean) => {
      clearTimeout(quiet)
      clearTimeout(max)
      socket.destroy()
      resolve({text, closed})
    }
    const max = setTimeout(() => done(false), maxMs)
    const rearm = () => {
      clearTimeout(quiet)
      quiet = setTimeout(() => done(false), quietMs)
    }
    socket.on('data', (c: Buffer) => {
      text += c.toString('latin1')
      rearm()
    })
    socket.on('end', () => done(true))
    socket.on('error', () => done(true))
    socket.on('connect', () => {
      socket.write(raw)
      rearm()
    })
  })
}
