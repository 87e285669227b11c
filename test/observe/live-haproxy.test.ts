// Against a real HAProxy 2.6: the poller sees a stopped backend go DOWN, admin commands really change state.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {HealthEvent, LbEvent} from '../../src/observe/events.js'
import {RuntimeApiClient} from '../../src/observe/runtime-api.js'
import {startPoller, type Poller} from '../../src/observe/source.js'
import {startHaproxyLab, type HaproxyLab} from '../helpers/haproxy.js'
import {requireBinary} from '../helpers/oracles.js'

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe.skipIf(!requireBinary('haproxy'))('runtime API against a real haproxy', () => {
  let lab: HaproxyLab
  let client: RuntimeApiClient
  const pollers: Poller[] = []

  beforeAll(async () => {
    lab = await startHaproxyLab()
    client = RuntimeApiClient.connect(lab.socket)
    await until('both servers UP', async () => {
      const rows = await client.showStat()
      return rows.filter((r) => r.type === 'server' && r.status.raw === 'UP').length === 2 ? true : undefined
    })
  })

  afterAll(async () => {
    for (const p of pollers) await p.stop()
    await lab?.stop()
  })

  it('reads show stat, show info and show servers state over unix and tcp sockets', async () => {
    const rows = await client.showStat()
    expect(rows.map((r) => `${r.proxy}/${r.name}`)).toEqual(['fe_main/FRONTEND', 'app/web1', 'app/web2', 'app/BACKEND'])
    expect(rows[1]?.checkText).toMatch(/^L7OK\/200 in \d+ms$/)
    expect((await client.showInfo()).version).toMatch(/^2\.6\./)
    expect((await client.showServersState('app')).map((s) => s.server)).toEqual(['web1', 'web2'])
    expect((await RuntimeApiClient.connect(lab.tcpSocket).showStat()).length).toBe(4)
  })

  it('a stopped backend shows up as a DOWN health transition within a few check intervals', async () => {
    const events: LbEvent[] = []
    pollers.push(startPoller({targets: [{node: 'lb1', client}], intervalMs: 100, onEvent: (e) => events.push(e)}))
    await until('a first snapshot', () => events.find((e) => e.kind === 'stats'))
    const stoppedAt = Date.now()
    await lab.backends[0]!.stop()
    const down = await until('web1 DOWN', () => events.find((e): e is HealthEvent => e.kind === 'health' && e.server === 'web1' && e.to === 'DOWN'), 3000)
    // fall 2 × inter 200ms, plus one poll.
    expect(Date.now() - stoppedAt).toBeLessThan(2000)
    expect(down.text).toMatch(/^app\/web1 DOWN, L4CON in \d+ms, 1 active server left$/)
    await lab.backends[0]!.start()
    const up = await until('web1 UP', () => events.find((e): e is HealthEvent => e.kind === 'health' && e.server === 'web1' && e.to === 'UP'), 3000)
    expect(up.text).toMatch(/^app\/web1 UP, L7OK\/200 in \d+ms, 2 active servers left$/)
  })

  it('disable, drain, weight and enable really change the server (confirmed with show stat)', async () => {
    const web2 = async () => (await client.showStat()).find((r) => r.name === 'web2')!
    expect(await client.disableServer('app', 'web2')).toEqual({ok: true, command: 'disable server app/web2'})
    expect((await web2()).status.state).toBe('MAINT')
    expect((await client.enableServer('app', 'web2')).ok).toBe(true)
    expect((await web2()).status.state).not.toBe('MAINT')
    expect((await client.drainServer('app', 'web2')).ok).toBe(true)
    expect((await web2()).status.state).toBe('DRAIN')
    expect((await client.readyServer('app', 'web2')).ok).toBe(true)
    expect((await web2()).status.state).not.toBe('DRAIN')
    expect((await client.setWeight('app', 'web2', 7)).ok).toBe(true)
    expect((await web2()).weight).toBe(7)
    expect(await client.setWeight('app', 'web2', 999)).toMatchObject({ok: false, reason: 'refused', message: expect.stringContaining('between 0 and 256')})
    expect(await client.disableServer('app', 'nope')).toMatchObject({ok: false, reason: 'not-found'})
  })

  it('a user-level socket refuses admin commands with a clear error value', async () => {
    const user = RuntimeApiClient.connect(lab.userSocket)
    expect((await user.showStat()).length).toBe(4)
    const result = await user.disableServer('app', 'web1')
    expect(result).toMatchObject({ok: false, reason: 'permission-denied'})
    expect(result.ok ? '' : result.message).toContain('level admin')
    expect((await client.showStat()).find((r) => r.name === 'web1')?.status.state).not.toBe('MAINT')
  })
})
