// The reconnecting transport with a fake clock and fake connections: when the local end refuses, the
// connection is dropped and reopened at 1 s, 2 s, 4 s … (capped at 30 s), driven by the calls alone.
import {describe, expect, it} from 'vitest'
import {describeLink, ReconnectingTransport, reconnectDelayMs, type Connection} from '../../src/observe/reconnecting-transport.js'
import {RuntimeApiError, type RuntimeTransport} from '../../src/observe/runtime-api.js'

/** Sockets that answer until `dead` names them; connections that open only while `up`. */
function world() {
  const state = {now: 0, up: true, opened: 0, closed: [] as string[], dead: new Set<string>()}
  const connect = async (): Promise<Connection> => {
    if (!state.up) throw new Error('lb1: cannot connect (Connection refused)')
    const localSocket = `/tmp/fwd-${++state.opened}.sock`
    return {localSocket, close: async () => void state.closed.push(localSocket)}
  }
  const transportFor = (path: string): RuntimeTransport => ({
    label: path,
    send: async (command) => {
      if (state.dead.has(path)) throw new RuntimeApiError('connect', `cannot reach the stats socket ${path}: connection refused`, path)
      return `${command} via ${path}`
    },
  })
  const settle = () => new Promise((resolve) => setImmediate(resolve))
  return {state, connect, transportFor, settle}
}

const message = (promise: Promise<unknown>) => promise.then(() => 'answered', (error: Error) => error.message)

describe('reconnectDelayMs', () => {
  it('doubles from 1 s and stops at 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map((n) => reconnectDelayMs(n))).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000])
  })
})

describe('ReconnectingTransport', () => {
  it('drops a dead connection, backs off 1 s, 2 s, 4 s, and answers again once a reconnect succeeds', async () => {
    const w = world()
    const first = await w.connect()
    const t = new ReconnectingTransport({label: 'lb1:/run/haproxy/admin.sock', connect: w.connect, timeoutMs: 1000, now: () => w.state.now, transportFor: w.transportFor}, {initial: first})
    expect(await t.send('show info')).toBe('show info via /tmp/fwd-1.sock')

    w.state.dead.add('/tmp/fwd-1.sock')
    w.state.up = false
    expect(await message(t.send('show stat'))).toBe('ssh connection lost (cannot reach the stats socket /tmp/fwd-1.sock: connection refused); reconnecting (attempt 1, next in 1s)')
    expect(w.state.closed).toEqual(['/tmp/fwd-1.sock'])
    // Before the delay nothing is tried.
    w.state.now = 999
    expect(await message(t.send('show stat'))).toMatch(/reconnecting \(attempt 1, next in 1s\)$/)
    expect(w.state.opened).toBe(1)
    // Attempt 1 at 1 s fails: attempt 2 waits 2 s, attempt 3 then 4 s.
    w.state.now = 1000
    expect(await message(t.send('show stat'))).toMatch(/reconnecting \(attempt 1, connecting now\)$/)
    await w.settle()
    expect(await message(t.send('show stat'))).toBe('lb1: cannot connect (Connection refused); reconnecting (attempt 2, next in 2s)')
    w.state.now = 3000
    await message(t.send('show stat'))
    await w.settle()
    expect(t.link).toEqual({state: 'waiting', attempt: 3, nextAt: 7000, reason: 'lb1: cannot connect (Connection refused)'})
    expect(describeLink(t.link, 4500)).toBe('reconnecting (attempt 3, next in 3s)')

    // The host is back: attempt 3 opens a new forward and the next call goes through it.
    w.state.up = true
    w.state.now = 7000
    await message(t.send('show stat'))
    await w.settle()
    expect(t.link).toEqual({state: 'connected', localSocket: '/tmp/fwd-2.sock'})
    expect(await t.send('show stat')).toBe('show stat via /tmp/fwd-2.sock')
    await t.close()
    expect(w.state.closed).toEqual(['/tmp/fwd-1.sock', '/tmp/fwd-2.sock'])
  })

  it('a node down from the start is tried again after 1 s; timeouts and bad answers do not drop the connection', async () => {
    const w = world()
    const t = new ReconnectingTransport({label: 'ghost', connect: w.connect, timeoutMs: 1000, now: () => w.state.now, transportFor: w.transportFor}, {initialError: 'ghost: cannot connect (timed out)'})
    expect(await message(t.send('show stat'))).toBe('ghost: cannot connect (timed out); reconnecting (attempt 1, next in 1s)')
    w.state.now = 1000
    await message(t.send('show stat'))
    await w.settle()
    expect(await t.send('show info')).toBe('show info via /tmp/fwd-1.sock')

    const slow = new ReconnectingTransport(
      {label: 'lb2', connect: w.connect, timeoutMs: 1000, now: () => w.state.now, transportFor: () => ({label: 'x', send: () => Promise.reject(new RuntimeApiError('timeout', 'no answer', 'x'))})},
      {initial: await w.connect()},
    )
    expect(await message(slow.send('show stat'))).toBe('no answer')
    expect(slow.link.state).toBe('connected')
    await Promise.all([t.close(), slow.close()])
  })

  it('after close nothing is tried and an attempt that lands later is closed at once', async () => {
    const w = world()
    let release: (c: Connection) => void = () => undefined
    const pending = new Promise<Connection>((resolve) => (release = resolve))
    const t = new ReconnectingTransport({label: 'lb1', connect: () => pending, timeoutMs: 1000, now: () => w.state.now, transportFor: w.transportFor}, {initialError: 'down'})
    w.state.now = 1000
    await message(t.send('show stat'))
    const closing = t.close()
    release({localSocket: '/tmp/late.sock', close: async () => void w.state.closed.push('/tmp/late.sock')})
    await closing
    await w.settle()
    expect(w.state.closed).toEqual(['/tmp/late.sock'])
    expect(await message(t.send('show stat'))).toBe('lb1: closed')
  })
})

describe('ReconnectingTransport with commands in flight together', () => {
  it('every command that fails with the dead connection reports the reconnect status', async () => {
    const w = world()
    const t = new ReconnectingTransport({label: 'lb1', connect: w.connect, timeoutMs: 1000, now: () => w.state.now, transportFor: w.transportFor}, {initial: await w.connect()})
    w.state.dead.add('/tmp/fwd-1.sock')
    const answers = await Promise.all(['show stat', 'show info', 'show vrrp'].map((c) => message(t.send(c))))
    expect(answers.every((a) => a.endsWith('; reconnecting (attempt 1, next in 1s)'))).toBe(true)
    expect(w.state.closed).toEqual(['/tmp/fwd-1.sock'])
    await t.close()
  })
})
