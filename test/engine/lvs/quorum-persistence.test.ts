/**
 * Quorum with hysteresis and persistence expiry, with checker outcomes and the clock injected;
 * connections are real ones on loopback.
 */
import {createServer, connect, type Server} from 'node:net'
import {afterEach, describe, expect, it} from 'vitest'
import {parseKeepalived} from '../../../src/config/keepalived/index.js'
import type {CheckPlan} from '../../../src/engine/lvs/plan.js'
import {planLvs} from '../../../src/engine/lvs/runner.js'
import {VirtualService} from '../../../src/engine/lvs/service.js'
import {freePort} from '../../helpers/ports.js'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function plan(text: string) {
  const result = planLvs(parseKeepalived({path: 'k.conf', text}).model, true)
  if (!result.ok) throw new Error(result.problems.join('; '))
  return result.services[0]!
}

async function nameServer(name: string): Promise<number> {
  const port = await freePort()
  const server: Server = createServer((s) => {
    s.on('error', () => {})
    s.end(name)
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return port
}

function ask(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({host: '127.0.0.1', port})
    let data = ''
    socket.setEncoding('utf8')
    socket.on('data', (c: string) => (data += c))
    socket.once('close', () => resolve(data))
    socket.once('error', () => {})
  })
}

describe('quorum and hysteresis', () => {
  it('loses the quorum below quorum - hysteresis, regains it at quorum + hysteresis, sorry server meanwhile', async () => {
    const [a, b, c, sorry, vsPort] = [await nameServer('A'), await nameServer('B'), await nameServer('C'), await nameServer('SORRY'), await freePort()]
    const healthy = new Map<number, boolean>([[a, true], [b, true], [c, true]])
    const lines: string[] = []
    const check = 'TCP_CHECK {\n   retry 0\n   warmup 0\n  }'
    const vs = new VirtualService(
      plan(`virtual_server 127.0.0.1 ${vsPort} {
 delay_loop 0.05
 lb_algo rr
 quorum 2
 hysteresis 1
 sorry_server 127.0.0.1 ${sorry}
 real_server 127.0.0.1 ${a} {
  ${check}
 }
 real_server 127.0.0.1 ${b} {
  ${check}
 }
 real_server 127.0.0.1 ${c} {
  ${check}
 }
}`),
      {log: (l) => lines.push(l), probe: async (p: CheckPlan) => ({ok: healthy.get(p.port) ?? false, detail: 'injected'})},
    )
    await vs.listen()
    vs.startChecks()
    cleanups.push(async () => {
      vs.stopChecks()
      await vs.close()
    })
    const settle = async (up: number) => {
      const deadline = Date.now() + 2000
      while (vs.servers.filter((s) => s.running).length !== up && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
      await new Promise((r) => setTimeout(r, 120))
    }
    healthy.set(a, false)
    healthy.set(b, false)
    await settle(1)
    // weight 1 is not below 2 - 1: the quorum holds.
    expect(vs.status().quorum).toBe(true)
    expect(await ask(vsPort)).toBe('C')
    healthy.set(c, false)
    await settle(0)
    expect(vs.status().quorum).toBe(false)
    expect(lines).toContain(`Lost quorum 2-1=1 > 0 for VS [127.0.0.1]:tcp:${vsPort}`)
    expect(await ask(vsPort)).toBe('SORRY')
    healthy.set(a, true)
    healthy.set(b, true)
    await settle(2)
    // weight 2 is below 2 + 1: still the sorry server.
    expect(vs.status().quorum).toBe(false)
    expect(await ask(vsPort)).toBe('SORRY')
    healthy.set(c, true)
    await settle(3)
    expect(vs.status().quorum).toBe(true)
    expect(lines.some((l) => l.startsWith('Gained quorum 2+1=3 <= 3'))).toBe(true)
    expect(['A', 'B', 'C']).toContain(await ask(vsPort))
  })
})

describe('persistence_timeout', () => {
  it('keeps a client on its server until the timeout after its last connection, then schedules again', async () => {
    const [a, b, vsPort] = [await nameServer('A'), await nameServer('B'), await freePort()]
    let now = 0
    const vs = new VirtualService(
      plan(`virtual_server 127.0.0.1 ${vsPort} {
 lb_algo rr
 persistence_timeout 60
 persistence_granularity 255.255.255.0
 real_server 127.0.0.1 ${a} {
 }
 real_server 127.0.0.1 ${b} {
 }
}`),
      {log: () => {}, now: () => now},
    )
    await vs.listen()
    cleanups.push(() => vs.close())
    // The persistence entry's clock starts when a connection has ended on both sides.
    const drained = async () => {
      const deadline = Date.now() + 2000
      while (vs.servers.some((s) => s.served + s.inactive > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5))
    }
    expect(await ask(vsPort)).toBe('A')
    await drained()
    now = 59_000
    expect(await ask(vsPort)).toBe('A')
    await drained()
    now = 118_000
    expect(await ask(vsPort)).toBe('A')
    await drained()
    now = 178_001
    // More than 60 s since the last connection ended: rr goes on to B, which then sticks.
    expect(await ask(vsPort)).toBe('B')
    expect(await ask(vsPort)).toBe('B')
  })
})
