/** The engine on loopback: forwarding with half-close, health flaps, the stats socket, maxconn queueing. */
import {connect, createServer, type AddressInfo, type Server} from 'node:net'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {ProxyEngine} from '../../../src/engine/proxy/engine.js'
import {RuntimeApiClient} from '../../../src/observe/runtime-api.js'
import {freePort, namedBackend, type NamedBackend, sequence, startEngine, waitFor} from './helpers.js'

const engines: ProxyEngine[] = []
const servers: Server[] = []
let backends: NamedBackend[] = []

beforeAll(async () => {
  backends = await Promise.all(['s1', 's2'].map((n) => namedBackend(n)))
})
afterAll(async () => {
  await Promise.all(engines.map((e) => e.stop(0)))
  await Promise.all(backends.map((b) => b.close()))
  for (const s of servers) s.close()
})

async function run(cfg: string): Promise<ProxyEngine> {
  const engine = startEngine(cfg)
  engines.push(engine)
  await engine.start()
  return engine
}

const head = (stats: number) => `global
  stats socket ipv4@127.0.0.1:${stats} level admin
  stats socket ipv4@127.0.0.1:${stats + 1} level user
defaults
  mode tcp
  timeout connect 1s
  timeout client 5s
  timeout server 5s
`

describe('bundled engine', () => {
  it('forwards both ways with half-close: the server sees the client FIN and still answers', async () => {
    const echo = createServer({allowHalfOpen: true}, (s) => {
      let got = ''
      s.on('data', (c: Buffer) => (got += c.toString()))
      s.on('end', () => s.end(`got ${got.length} bytes`))
    })
    servers.push(echo)
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', () => resolve()))
    const [front, stats] = [await freePort(), await freePort()]
    await run(`${head(stats)}listen echo\n  bind 127.0.0.1:${front}\n  server e 127.0.0.1:${(echo.address() as AddressInfo).port}\n`)
    const big = 'x'.repeat(3_000_000)
    const answer = await new Promise<string>((resolve, reject) => {
      const c = connect({port: front, host: '127.0.0.1', allowHalfOpen: true})
      let text = ''
      c.on('data', (d: Buffer) => (text += d.toString()))
      c.on('end', () => resolve(text))
      c.on('error', reject)
      c.end(big)
    })
    expect(answer).toBe('got 3000000 bytes')
  })

  it('marks a killed server DOWN after fall checks, avoids it, and brings it back UP after rise', async () => {
    const [front, stats] = [await freePort(), await freePort()]
    const victim = await namedBackend('v')
    backends.push(victim)
    await run(`${head(stats)}listen l\n  bind 127.0.0.1:${front}\n  server s1 127.0.0.1:${backends[0]!.port} check inter 100 rise 2 fall 2\n  server v 127.0.0.1:${victim.port} check inter 100 rise 2 fall 2\n`)
    const client = RuntimeApiClient.connect(`127.0.0.1:${stats}`)
    const status = async () => (await client.showStat()).find((r) => r.name === 'v')!
    await waitFor(async () => (await status()).status.raw === 'UP')
    await victim.close()
    const started = Date.now()
    await waitFor(async () => (await status()).status.raw === 'DOWN', 3000)
    // fall 2 at inter 100 (then fastinter = inter): about 200 ms.
    expect(Date.now() - started).toBeLessThan(1000)
    const row = await status()
    expect(row.check?.status).toBe('L4CON')
    expect(row.chkdown).toBe(1)
    expect(new Set(await sequence(front, 6))).toEqual(new Set(['s1']))
    await victim.reopen()
    await waitFor(async () => (await status()).status.raw === 'UP', 3000)
    expect(new Set(await sequence(front, 4))).toEqual(new Set(['s1', 'v']))
  })

  it('disable/enable server over the stats socket; user level gets "Permission denied"', async () => {
    const [front, stats] = [await freePort(), await freePort()]
    await run(`${head(stats)}listen l\n  bind 127.0.0.1:${front}\n  server s1 127.0.0.1:${backends[0]!.port}\n  server s2 127.0.0.1:${backends[1]!.port}\n`)
    const admin = RuntimeApiClient.connect(`127.0.0.1:${stats}`)
    const user = RuntimeApiClient.connect(`127.0.0.1:${stats + 1}`)
    expect(await user.disableServer('l', 's2')).toMatchObject({ok: false, reason: 'permission-denied'})
    expect(await admin.disableServer('l', 'nope')).toMatchObject({ok: false, reason: 'not-found'})
    expect(await admin.disableServer('l', 's2')).toEqual({ok: true, command: 'disable server l/s2'})
    expect((await admin.showStat()).find((r) => r.name === 's2')!.status.raw).toBe('MAINT')
    expect(await sequence(front, 3)).toEqual(['s1', 's1', 's1'])
    expect(await admin.enableServer('l', 's2')).toMatchObject({ok: true})
    expect(new Set(await sequence(front, 2))).toEqual(new Set(['s1', 's2']))
    expect(await admin.drainServer('l', 's2')).toMatchObject({ok: true})
    expect((await admin.showStat()).find((r) => r.name === 's2')!.status.raw).toBe('DRAIN')
    expect(await admin.readyServer('l', 's2')).toMatchObject({ok: true})
    expect(await admin.setWeight('l', 's1', 300)).toMatchObject({ok: false, message: expect.stringContaining('between 0 and 256') as string})
    expect(await admin.setWeight('l', 's1', 0)).toMatchObject({ok: true})
    expect(await sequence(front, 2)).toEqual(['s2', 's2'])
    const states = await admin.showServersState('l')
    expect(states.map((s) => [s.server, s.userWeight, s.opState])).toEqual([['s1', 0, 2], ['s2', 1, 2]])
    const info = await admin.showInfo()
    expect(info.name).toBe('lbctl')
    expect(await admin.command('show cli level')).toBe('admin\n\n')
  })

  it('queues over server maxconn and serves in turn; timeout queue drops the overflow', async () => {
    const slow = createServer((s) => {
      s.on('error', () => {})
      setTimeout(() => s.end('slow\n'), 150)
    })
    servers.push(slow)
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', () => resolve()))
    const [front, stats] = [await freePort(), await freePort()]
    await run(`${head(stats)}listen q\n  timeout queue 250\n  bind 127.0.0.1:${front}\n  server s 127.0.0.1:${(slow.address() as AddressInfo).port} maxconn 1\n`)
    const fetch = () =>
      new Promise<string>((resolve) => {
        const c = connect({port: front, host: '127.0.0.1'})
        let text = ''
        c.on('data', (d: Buffer) => (text += d.toString()))
        c.on('close', () => resolve(text.trim() || 'dropped'))
        c.on('error', () => {})
      })
    const client = RuntimeApiClient.connect(`127.0.0.1:${stats}`)
    const pending = [fetch(), fetch(), fetch()]
    await waitFor(async () => ((await client.showStat()).find((r) => r.name === 'BACKEND')!.qcur ?? 0) >= 1, 1000)
    const results = await Promise.all(pending)
    // 1st served at once, 2nd after 150 ms of queue, 3rd would wait 300 ms > timeout queue 250.
    expect(results).toEqual(['slow', 'slow', 'dropped'])
  })

  it('a bind on an address in use fails with the bind line and the cause', async () => {
    const taken = createServer()
    servers.push(taken)
    const port = await freePort()
    await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', () => resolve()))
    const engine = startEngine(`defaults\n  timeout client 1s\nfrontend f\n  bind 127.0.0.1:${port}\n  default_backend b\nbackend b\n  server s 127.0.0.1:1\n`)
    engines.push(engine)
    await expect(engine.start()).rejects.toThrow(`test.cfg:4: cannot bind 127.0.0.1:${port} for f: address already in use`)
  })

  it('stop() closes the connections still waiting for a slot under the frontend maxconn', async () => {
    const hold = createServer((s) => s.on('error', () => {}))
    servers.push(hold)
    await new Promise<void>((resolve) => hold.listen(0, '127.0.0.1', () => resolve()))
    const [front, stats] = [await freePort(), await freePort()]
    const engine = await run(`${head(stats)}listen fe\n  maxconn 1\n  bind 127.0.0.1:${front}\n  server s 127.0.0.1:${(hold.address() as AddressInfo).port}\n`)
    const open = () => {
      const c = connect({port: front, host: '127.0.0.1'})
      c.on('error', () => {})
      return {socket: c, closed: new Promise<void>((resolve) => c.once('close', () => resolve()))}
    }
    const served = open()
    const client = RuntimeApiClient.connect(`127.0.0.1:${stats}`)
    await waitFor(async () => ((await client.showStat()).find((r) => r.proxy === 'fe' && r.name === 'FRONTEND')!.scur ?? 0) === 1, 2000)
    const queued = open()
    await new Promise((resolve) => setTimeout(resolve, 50))
    let queuedClosed = false
    void queued.closed.then(() => (queuedClosed = true))
    // The served session holds the stop for its grace time; the queued one is closed at once.
    const stopping = engine.stop(400)
    await waitFor(async () => queuedClosed, 300)
    served.socket.destroy()
    await stopping
  })
})
