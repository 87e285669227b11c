/**
 * The request path runs synchronously when it can (balancer answer at once, idle connection at hand):
 * what used to wait a microtask must still see the request as the client sent it.
 */
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'
import type {ProxyEngine} from '../../../src/engine/proxy/engine.js'
import {echoBackend, type EchoBackend, RawClient} from './http-helpers.js'
import {freePort, startEngine} from './helpers.js'

let s1: EchoBackend
let engine: ProxyEngine | undefined
const clients: RawClient[] = []

beforeAll(async () => {
  s1 = await echoBackend('s1')
})
afterEach(async () => {
  for (const c of clients.splice(0)) c.close()
  await engine?.stop(0)
  engine = undefined
})
afterAll(async () => {
  await s1.close()
})

async function listen(server: string): Promise<RawClient> {
  const port = await freePort()
  engine = startEngine(`defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 2s
listen web
  bind 127.0.0.1:${port}
  ${server}
`)
  await engine.start()
  const c = new RawClient(port)
  clients.push(c)
  return c
}

describe('synchronous request path', () => {
  it('a 503 for lack of a server keeps the connection when the request had ended (head and body in one read)', async () => {
    // The balancer answers "none" at once; the 503 still waits for the rest of the read, so the request is known complete.
    const c = await listen(`server s1 127.0.0.1:${s1.port} disabled`)
    c.send('GET /a HTTP/1.1\r\nHost: t\r\n\r\n')
    expect((await c.next()).status).toBe(503)
    c.send('POST /b HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc', ['POST'])
    expect((await c.next()).status).toBe(503)
    c.send('GET /c HTTP/1.1\r\nHost: t\r\n\r\n')
    expect((await c.next()).status).toBe(503)
    expect(c.closed).toBe(false)
  })

  it('a 503 for a request whose body has not arrived closes the connection (its rest would read as a new request)', async () => {
    const c = await listen(`server s1 127.0.0.1:${s1.port} disabled`)
    c.send('POST /b HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc', ['POST'])
    const reply = await c.next()
    expect(reply.status).toBe(503)
    expect(reply.headers.find(([n]) => n.toLowerCase() === 'connection')?.[1]).toBe('close')
  })

  it('forwards a body that arrives in the read of its head, and the next requests over the reused connection', async () => {
    const c = await listen(`server s1 127.0.0.1:${s1.port}`)
    const before = s1.connections
    for (let i = 0; i < 3; i++) {
      c.send(`POST /p${i} HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello`, ['POST'])
      expect((await c.next()).body).toBe(`s1 POST /p${i} 5`)
    }
    expect(s1.connections - before).toBe(1)
  })
})
