/** mode http end to end on loopback: the bundled engine in front of node:http backends. */
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'
import type {ProxyEngine} from '../../../src/engine/proxy/engine.js'
import {httpCounters} from '../../../src/engine/proxy/http/counters.js'
import {echoBackend, type EchoBackend, garbageBackend, header, pairs, RawClient} from './http-helpers.js'
import {freePort, startEngine} from './helpers.js'

let s1: EchoBackend
let s2: EchoBackend
let garbage: {port: number; close(): Promise<void>}
let engine: ProxyEngine | undefined
const clients: RawClient[] = []

beforeAll(async () => {
  ;[s1, s2, garbage] = await Promise.all([echoBackend('s1'), echoBackend('s2'), garbageBackend()])
})
afterEach(async () => {
  for (const c of clients.splice(0)) c.close()
  await engine?.stop(0)
  engine = undefined
  for (const b of [s1, s2]) b.seen.splice(0)
})
afterAll(async () => {
  await Promise.all([s1.close(), s2.close(), garbage.close()])
})

async function run(body: string, defaults = ''): Promise<number> {
  const port = await freePort()
  engine = startEngine(`defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 2s
${defaults}
listen web
  bind 127.0.0.1:${port}
${body}
`)
  await engine.start()
  return port
}

const servers = () => `  server s1 127.0.0.1:${s1.port}\n  server s2 127.0.0.1:${s2.port}`

function client(port: number): RawClient {
  const c = new RawClient(port)
  clients.push(c)
  return c
}

const get = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: test\r\n${extra}\r\n`

describe('mode http session', () => {
  it('balances each request of a keep-alive connection round-robin and reuses server connections', async () => {
    const port = await run(servers())
    const [before1, before2] = [s1.connections, s2.connections]
    const c = client(port)
    const names: string[] = []
    for (let i = 0; i < 6; i++) {
      c.send(get(`/r${i}`))
      const reply = await c.next()
      expect(reply.status).toBe(200)
      names.push(reply.body.split(' ')[0]!)
    }
    expect(names).toEqual(['s1', 's2', 's1', 's2', 's1', 's2'])
    expect(c.closed).toBe(false)
    // One connection per server, kept alive across the requests.
    expect([s1.connections - before1, s2.connections - before2]).toEqual([1, 1])
    const web = engine!.frontends[0]!
    expect(httpCounters(web).reqTot).toBe(6)
    expect(httpCounters(web).hrsp[1]).toBe(6)
  })

  it('streams content-length and chunked request bodies, and chunked responses', async () => {
    const port = await run(`  server s1 127.0.0.1:${s1.port}`)
    const c = client(port)
    const big = 'x'.repeat(300_000)
    c.send(`POST /cl HTTP/1.1\r\nHost: test\r\nContent-Length: ${big.length}\r\n\r\n${big}`)
    expect((await c.next()).body).toBe(`s1 POST /cl ${big.length}`)
    c.send('POST /te HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n')
    await new Promise((resolve) => setTimeout(resolve, 30))
    c.send('6\r\n world\r\n0\r\n\r\n')
    expect((await c.next()).body).toBe('s1 POST /te 11')
    expect(s1.seen.at(-1)?.body).toBe('hello world')
    c.send(get('/chunked'))
    const reply = await c.next()
    expect(header(reply, 'transfer-encoding')).toBe('chunked')
    expect(reply.body).toBe('s1 GET /chunked 0|second|third')
  })

  it('answers pipelined requests in order', async () => {
    const port = await run(servers())
    const c = client(port)
    c.send(get('/1') + get('/2') + `POST /3 HTTP/1.1\r\nHost: test\r\nContent-Length: 3\r\n\r\nabc` + get('/4'))
    const bodies = []
    for (let i = 0; i < 4; i++) bodies.push((await c.next()).body)
    expect(bodies).toEqual(['s1 GET /1 0', 's2 GET /2 0', 's1 POST /3 3', 's2 GET /4 0'])
  })

  it('adds X-Forwarded-For, honours except and header', async () => {
    let port = await run(`  option forwardfor\n  server s1 127.0.0.1:${s1.port}`)
    let c = client(port)
    c.send(get('/', 'X-Forwarded-For: 10.1.1.1\r\n'))
    await c.next()
    expect(pairs(s1.seen.at(-1)!.rawHeaders)).toEqual([
      ['host', 'test'],
      ['x-forwarded-for', '10.1.1.1'],
      ['x-forwarded-for', '127.0.0.1'],
    ])
    await engine!.stop(0)
    port = await run(`  option forwardfor except 127.0.0.0/8\n  server s1 127.0.0.1:${s1.port}`)
    c = client(port)
    c.send(get('/'))
    await c.next()
    expect(pairs(s1.seen.at(-1)!.rawHeaders)).toEqual([['host', 'test']])
    await engine!.stop(0)
    port = await run(`  option forwardfor header X-Client-IP\n  server s1 127.0.0.1:${s1.port}`)
    c = client(port)
    c.send(get('/'))
    await c.next()
    expect(pairs(s1.seen.at(-1)!.rawHeaders)).toEqual([
      ['host', 'test'],
      ['x-client-ip', '127.0.0.1'],
    ])
  })

  it('answers 503 when no server is usable, and keeps the connection', async () => {
    const port = await run(`  server s1 127.0.0.1:${s1.port} disabled`)
    const c = client(port)
    c.send(get('/'))
    const reply = await c.next()
    expect(reply.status).toBe(503)
    expect(reply.body).toBe('<html><body><h1>503 Service Unavailable</h1>\nNo server is available to handle this request.\n</body></html>\n')
    expect(c.closed).toBe(false)
  })

  it('answers 502 to a response that is not HTTP, then serves the next request', async () => {
    const port = await run(`  server g 127.0.0.1:${garbage.port}`)
    const c = client(port)
    c.send(get('/'))
    const reply = await c.next()
    expect(reply.status).toBe(502)
    expect(reply.body).toContain('The server returned an invalid or incomplete response.')
    expect(engine!.backends[0]!.counters.eresp).toBe(1)
  })

  it('answers 400 and closes on a smuggling attempt', async () => {
    const port = await run(servers())
    const c = client(port)
    c.send('POST / HTTP/1.1\r\nHost: test\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab')
    expect((await c.next()).status).toBe(400)
    expect(await c.waitClosed()).toBe(true)
  })

  it('closes HTTP/1.0 connections after the response unless asked to keep them', async () => {
    const port = await run(`  server s1 127.0.0.1:${s1.port}`)
    const c = client(port)
    c.send('GET / HTTP/1.0\r\n\r\n')
    const reply = await c.next()
    expect(header(reply, 'connection')).toBe('close')
    expect(await c.waitClosed()).toBe(true)
    const k = client(port)
    k.send('GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n')
    expect(header(await k.next(), 'connection')).toBe('keep-alive')
    k.send('GET /again HTTP/1.0\r\nConnection: keep-alive\r\n\r\n')
    expect((await k.next()).body).toBe('s1 GET /again 0')
  })

  it.each([
    ['option http-server-close', 'close', false],
    ['option httpclose', 'close', true],
  ])('%s: the server sees connection: %s', async (option, serverSees, clientClosed) => {
    const port = await run(`  ${option}\n  server s1 127.0.0.1:${s1.port}`)
    const c = client(port)
    c.send(get('/'))
    const reply = await c.next()
    expect(pairs(s1.seen.at(-1)!.rawHeaders)).toContainEqual(['connection', serverSees])
    expect(header(reply, 'connection')).toBe(clientClosed ? 'close' : undefined)
    expect(await c.waitClosed(clientClosed ? 2000 : 300)).toBe(clientClosed)
  })

  it('closes an idle keep-alive connection after timeout http-keep-alive, and answers 408 to a slow head', async () => {
    const port = await run(servers(), '  timeout http-request 300ms\n  timeout http-keep-alive 200ms')
    const c = client(port)
    c.send(get('/'))
    await c.next()
    expect(await c.waitClosed(1000)).toBe(true)
    const slow = client(port)
    slow.send('GET / HTTP/1.1\r\nHost: test\r\n')
    const reply = await slow.next()
    expect(reply.status).toBe(408)
  })
})
