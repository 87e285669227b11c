/**
 * The same mode http config under real haproxy 2.6 and under the bundled engine: the client must get
 * the same statuses, bodies and headers, and the backends must see the same request heads.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {requireBinary} from '../../helpers/oracles.js'
import {echoBackend, type EchoBackend, type Reply, RawClient} from './http-helpers.js'
import {freePort, startEngine, startHaproxy} from './helpers.js'

const hasHaproxy = requireBinary('haproxy')
let s1: EchoBackend
let s2: EchoBackend

beforeAll(async () => {
  ;[s1, s2] = await Promise.all([echoBackend('s1'), echoBackend('s2')])
})
afterAll(async () => {
  await Promise.all([s1.close(), s2.close()])
})

const REQUESTS = [
  'GET /a HTTP/1.1\r\nHost: test\r\nUser-Agent: Probe/1\r\nAccept: */*\r\n\r\n',
  'POST /form HTTP/1.1\r\nHost: test\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello',
  'POST /up HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\nX-Forwarded-For: 10.9.9.9\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
  'GET /chunked HTTP/1.1\r\nHost: test\r\nConnection: keep-alive, X-Custom\r\nX-Custom: 1\r\n\r\n',
  'GET /last HTTP/1.0\r\nHost: test\r\n\r\n',
]

/** Drops what legitimately differs between two runs (node's Date header). */
const comparable = (r: Reply) => ({status: r.status, headers: r.headers.filter(([n]) => n.toLowerCase() !== 'date'), body: r.body})

async function exchange(port: number): Promise<{replies: ReturnType<typeof comparable>[]; seen: unknown[]; closed: boolean}> {
  for (const b of [s1, s2]) b.seen.splice(0)
  const client = new RawClient(port)
  try {
    const replies = []
    for (const request of REQUESTS) {
      client.send(request)
      replies.push(comparable(await client.next()))
    }
    const closed = await client.waitClosed()
    const seen = [...s1.seen, ...s2.seen].sort((a, b) => a.url.localeCompare(b.url))
    return {replies, seen, closed}
  } finally {
    client.close()
  }
}

describe.skipIf(!hasHaproxy)('mode http: bundled engine = real haproxy', () => {
  it.each([['option forwardfor'], ['option http-server-close\n  option forwardfor header X-Real-IP']])('%s', async (options) => {
    const [front, stats] = [await freePort(), await freePort()]
    const cfg = `global
  stats socket ipv4@127.0.0.1:${stats} level admin
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend web
  bind 127.0.0.1:${front}
  ${options}
  default_backend app
backend app
  balance roundrobin
  server s1 127.0.0.1:${s1.port}
  server s2 127.0.0.1:${s2.port}
`
    const real = await startHaproxy(cfg, stats)
    let haproxy
    try {
      haproxy = await exchange(front)
    } finally {
      await real.stop()
    }
    const engine = startEngine(cfg)
    await engine.start()
    try {
      const ours = await exchange(front)
      expect(ours.replies).toEqual(haproxy.replies)
      expect(ours.seen).toEqual(haproxy.seen)
      expect(ours.closed).toBe(haproxy.closed)
    } finally {
      await engine.stop(0)
    }
  })
})
