/** Draining mode http sessions on a reload: an idle keep-alive connection gets a grace period instead of being cut under a request. */
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'
import type {ProxyEngine} from '../../../src/engine/proxy/engine.js'
import {drainHttpSessions} from '../../../src/engine/proxy/http/session.js'
import {echoBackend, type EchoBackend, header, RawClient} from './http-helpers.js'
import {freePort, startEngine} from './helpers.js'

let backend: EchoBackend
let engine: ProxyEngine | undefined
const clients: RawClient[] = []

beforeAll(async () => {
  backend = await echoBackend('s1')
})
afterEach(async () => {
  for (const c of clients.splice(0)) c.close()
  await engine?.stop(0)
  engine = undefined
})
afterAll(() => backend.close())

async function idleClient(): Promise<RawClient> {
  const port = await freePort()
  engine = startEngine(`defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 2s
listen web
  bind 127.0.0.1:${port}
  server s1 127.0.0.1:${backend.port}
`)
  await engine.start()
  const c = new RawClient(port)
  clients.push(c)
  c.send('GET /first HTTP/1.1\r\nHost: test\r\n\r\n')
  expect((await c.next()).status).toBe(200)
  return c
}

describe('drainHttpSessions', () => {
  it('without a grace, closes an idle keep-alive connection at once (stop)', async () => {
    const c = await idleClient()
    drainHttpSessions(engine!.frontends[0]!)
    expect(await c.waitClosed(1000)).toBe(true)
  })

  it('with a grace, answers a request that arrives after the drain with Connection: close, then closes', async () => {
    const c = await idleClient()
    drainHttpSessions(engine!.frontends[0]!, 2000)
    c.send('GET /second HTTP/1.1\r\nHost: test\r\n\r\n')
    const reply = await c.next()
    expect(reply.status).toBe(200)
    expect(reply.body).toBe('s1 GET /second 0')
    expect(header(reply, 'connection')).toBe('close')
    expect(await c.waitClosed(1000)).toBe(true)
  })

  it('with a grace, closes a connection that stays idle once the grace is over', async () => {
    const c = await idleClient()
    drainHttpSessions(engine!.frontends[0]!, 150)
    expect(c.closed).toBe(false)
    expect(await c.waitClosed(2000)).toBe(true)
  })
})
