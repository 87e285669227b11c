/**
 * %B and %U as HAProxy 2.6 counts them (its HTX form, see src/engine/proxy/log/htx-size.ts), compared
 * with real haproxy on the same config: chunked bodies both ways (with trailers), header values with
 * surrounding spaces, a server's Connection header, request bodies, HTTP/1.0.
 */
import {createServer, type Server, type Socket} from 'node:net'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {requireBinary} from '../../helpers/oracles.js'
import {freePort} from './helpers.js'
import {rfc3164Message, type StartProxy, startBundledEngine, startRealHaproxy, type Syslog, syslogCollector} from './log-helpers.js'
import {exchangeRaw} from './rules-helpers.js'

const hasHaproxy = requireBinary('haproxy')

const ANSWERS: Record<string, string> = {
  '/chunked': 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nok\n\r\n5\r\nabcd\n\r\n0\r\n\r\n',
  '/trailers': 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nX-Checksum: abc\r\n\r\n',
  '/ows': 'HTTP/1.1 200 OK\r\nContent-Type:   text/plain  \r\nX-A:b\r\nConnection: keep-alive\r\nContent-Length: 3\r\n\r\nok\n',
}

/** Answers each request (read up to its blank line and any declared or chunked body) by path, then closes. */
let server: Server
let serverPort = 0
const sockets = new Set<Socket>()
beforeAll(async () => {
  server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
    let text = ''
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1')
      const end = text.indexOf('\r\n\r\n')
      if (end < 0) return
      const head = text.slice(0, end).toLowerCase()
      const body = text.slice(end + 4)
      const length = /content-length: *(\d+)/.exec(head)
      if (length && body.length < Number(length[1])) return
      if (head.includes('transfer-encoding: chunked') && !/(^|\r\n)0\r\n(.*\r\n)?\r\n$/s.test(body)) return
      const path = text.split(' ')[1] ?? '/'
      socket.end(ANSWERS[path] ?? 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  serverPort = (server.address() as {port: number}).port
})
afterAll(async () => {
  for (const s of sockets) s.destroy()
  await new Promise((resolve) => server.close(resolve))
})

function config(front: number, stats: number, syslogPort: number): string {
  return `global
  log 127.0.0.1:${syslogPort} local0
  stats socket ipv4@127.0.0.1:${stats} level admin
defaults
  mode http
  log global
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend f
  bind 127.0.0.1:${front}
  log-format "%HM %HU %ST B=%B U=%U"
  default_backend b
backend b
  server s1 127.0.0.1:${serverPort}
`
}

const REQUESTS = [
  'GET /chunked HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
  'GET /trailers HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
  'GET /ows HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
  'GET /ows HTTP/1.0\r\n\r\n',
  'POST /cl HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello',
  'POST /te HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\n',
  'POST /tr HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\nX-Sum:  42 \r\n\r\n',
]

async function run(start: StartProxy): Promise<string[]> {
  const [front, stats] = [await freePort(), await freePort()]
  const syslog: Syslog = await syslogCollector()
  try {
    const stop = await start(config(front, stats, syslog.port))
    try {
      const lines: string[] = []
      for (const raw of REQUESTS) {
        await exchangeRaw(front, raw, 2000, 3000)
        lines.push(rfc3164Message(await syslog.line(lines.length + 1)).message)
      }
      return lines
    } finally {
      await stop()
    }
  } finally {
    await syslog.close()
  }
}

describe.skipIf(!hasHaproxy)('%B and %U: bundled engine = real haproxy', () => {
  it('counts heads, chunked bodies and trailers as HAProxy 2.6 does', {timeout: 30_000}, async () => {
    const theirs = await run(startRealHaproxy)
    const ours = await run(startBundledEngine)
    expect(ours).toEqual(theirs)
    // Fewer bytes than on the wire: HAProxy's own figures for two of them.
    expect(theirs[0]).toBe('GET /chunked 200 B=89 U=45')
    expect(theirs[4]).toBe('POST /cl 200 B=52 U=61')
  })
})
