/** The lazy deadlines behind `timeout client/server/http-request`: unit behaviour, then `timeout client` end to end. */
import {performance} from 'node:perf_hooks'
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'
import type {ProxyEngine} from '../../../src/engine/proxy/engine.js'
import {Deadline} from '../../../src/engine/proxy/timers/deadline.js'
import {echoBackend, type EchoBackend, RawClient} from './http-helpers.js'
import {freePort, startEngine} from './helpers.js'

/** A deadline and the performance.now() times it expired at. */
function probe(): {deadline: Deadline; fired: number[]; expired: Promise<number>} {
  const fired: number[] = []
  let resolve: (at: number) => void = () => {}
  const expired = new Promise<number>((r) => (resolve = r))
  const deadline = new Deadline(() => {
    const at = performance.now()
    fired.push(at)
    resolve(at)
  })
  return {deadline, fired, expired}
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('Deadline', () => {
  it('expires once, no earlier than set, measured from the last set', async () => {
    const {deadline, fired, expired} = probe()
    const start = performance.now()
    deadline.set(60)
    await pause(30)
    const pushed = performance.now()
    deadline.set(60)
    expect(deadline.active).toBe(true)
    const at = await expired
    expect(at - pushed).toBeGreaterThanOrEqual(59)
    expect(at - start).toBeGreaterThanOrEqual(89)
    await pause(80)
    expect(fired).toHaveLength(1)
    expect(deadline.active).toBe(false)
  })

  it('moves earlier when set to a nearer time', async () => {
    const {deadline, expired} = probe()
    const start = performance.now()
    deadline.set(5000)
    deadline.set(40)
    const at = await expired
    expect(at - start).toBeGreaterThanOrEqual(39)
    expect(at - start).toBeLessThan(2000)
  })

  it('does not expire after set(0) or stop()', async () => {
    const off = probe()
    off.deadline.set(30)
    off.deadline.set(0)
    const stopped = probe()
    stopped.deadline.set(30)
    stopped.deadline.stop()
    await pause(90)
    expect(off.fired).toHaveLength(0)
    expect(stopped.fired).toHaveLength(0)
    expect(off.deadline.active).toBe(false)
  })
})

describe('timeout client through the engine', () => {
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
  afterAll(async () => {
    await backend.close()
  })

  async function start(): Promise<RawClient> {
    const port = await freePort()
    engine = startEngine(`defaults
  mode http
  timeout connect 1s
  timeout client 300ms
  timeout server 2s
listen web
  bind 127.0.0.1:${port}
  server s1 127.0.0.1:${backend.port}
`)
    await engine.start()
    const c = new RawClient(port)
    clients.push(c)
    return c
  }

  it('is pushed back by each read: a body sent slowly over twice the timeout is answered', async () => {
    const c = await start()
    c.send('POST /slow HTTP/1.1\r\nHost: t\r\nContent-Length: 6\r\n\r\n', ['POST'])
    for (let i = 0; i < 6; i++) {
      await pause(110)
      c.send('x', [])
    }
    const reply = await c.next(2000)
    expect(reply.status).toBe(200)
    expect(reply.body).toBe('s1 POST /slow 6')
  })

  it('cuts a client that stops sending in the middle of a body', async () => {
    const c = await start()
    const sent = performance.now()
    c.send('POST /stalled HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc', ['POST'])
    expect(await c.waitClosed(3000)).toBe(true)
    expect(performance.now() - sent).toBeGreaterThanOrEqual(250)
    await expect(c.next(100)).rejects.toThrow(/closed/)
  })
})
