import {describe, expect, it} from 'vitest'
import type {LbEvent} from '../../src/observe/events.js'
import type {StatsClient} from '../../src/observe/runtime-api.js'
import {parseShowInfo} from '../../src/observe/show-info.js'
import {parseShowStat} from '../../src/observe/stat-csv.js'
import {startPoller} from '../../src/observe/source.js'
import {FakeClock, flush} from './fake-clock.js'
import {fixture} from './fixtures.js'

/** A stats client that answers each poll with the next fixture (or fails on `null`), repeating the last one. */
function scriptedClient(label: string, script: (string | null)[]): StatsClient & {calls: number} {
  let i = 0
  const client = {
    label,
    calls: 0,
    showStat: async () => {
      client.calls++
      const file = script[Math.min(i++, script.length - 1)]
      if (file === null || file === undefined) throw new Error(`cannot reach the stats socket ${label}: connection refused`)
      return parseShowStat(fixture(file))
    },
    showInfo: async () => parseShowInfo(fixture('info.txt')),
  }
  return client
}

const summary = (events: LbEvent[]) => events.filter((e) => e.kind !== 'stats').map((e) => `${e.node} ${e.text}`)

describe('startPoller', () => {
  it('polls at once, then every interval, and turns changes into events', async () => {
    const clock = new FakeClock()
    const events: LbEvent[] = []
    const client = scriptedClient('a.sock', ['stat-up.csv', 'stat-going-down.csv', 'stat-down.csv', 'stat-going-up.csv', 'stat-up.csv'])
    const poller = startPoller({targets: [{node: 'lb1', client}], intervalMs: 1000, clock, onEvent: (e) => events.push(e)})
    await flush()
    expect(client.calls).toBe(1)
    expect(events.map((e) => e.kind)).toEqual(['stats'])
    await clock.advance(999)
    expect(client.calls).toBe(1)
    await clock.advance(1)
    expect(client.calls).toBe(2)
    await clock.advance(3000)
    expect(client.calls).toBe(5)
    // The going-up sample was taken while web2 answered 404 (see the fixtures).
    expect(summary(events)).toEqual([
      'lb1 app/web1 DOWN, L4CON in 0ms, 1 active server left',
      'lb1 app/web2 DOWN, L7STS/404 in 0ms, 0 active servers left',
      'lb1 backend app has no server available!',
      'lb1 app/web1 UP, L7OK/200 in 0ms, 2 active servers left',
      'lb1 app/web2 UP, L7OK/200 in 1ms, 2 active servers left',
      'lb1 backend app UP',
    ])
    expect(events.find((e) => e.kind === 'health')?.at).toBe(clock.now() - 2000)
    await poller.stop()
    expect(clock.pending).toBe(0)
    await clock.advance(5000)
    expect(client.calls).toBe(5)
  })

  it('polls several nodes and reports one losing its socket once, then its return', async () => {
    const clock = new FakeClock()
    const events: LbEvent[] = []
    const a = scriptedClient('a.sock', ['stat-up.csv'])
    const b = scriptedClient('b.sock', ['stat-up.csv', null, null, 'stat-down.csv'])
    const poller = startPoller({targets: [{node: 'lb1', client: a}, {node: 'lb2', client: b}], intervalMs: 500, clock, onEvent: (e) => events.push(e)})
    await clock.advance(1500)
    expect(summary(events)).toEqual([
      'lb2 stats socket unreachable: cannot reach the stats socket b.sock: connection refused',
      'lb2 stats socket reachable again',
      'lb2 app/web1 DOWN, L4CON in 0ms, 1 active server left',
    ])
    expect(events.filter((e) => e.kind === 'stats' && e.node === 'lb1')).toHaveLength(4)
    await poller.stop()
  })

  it('reports an unreachable node again only when the reason changes (the next reconnect attempt)', async () => {
    const clock = new FakeClock()
    const events: LbEvent[] = []
    const reasons = ['reconnecting (attempt 1, next in 1s)', 'reconnecting (attempt 1, next in 1s)', 'reconnecting (attempt 2, next in 2s)']
    let poll = 0
    const client: StatsClient = {
      label: 'lb1',
      showStat: async () => {
        const reason = reasons[poll++]
        if (reason === undefined) return parseShowStat(fixture('stat-up.csv'))
        throw new Error(`lb1: cannot connect; ${reason}`)
      },
      showInfo: async () => parseShowInfo(fixture('info.txt')),
    }
    const poller = startPoller({targets: [{node: 'lb1', client}], intervalMs: 500, clock, onEvent: (e) => events.push(e)})
    await clock.advance(1500)
    expect(summary(events)).toEqual([
      'lb1 stats socket unreachable: lb1: cannot connect; reconnecting (attempt 1, next in 1s)',
      'lb1 stats socket unreachable: lb1: cannot connect; reconnecting (attempt 2, next in 2s)',
      'lb1 stats socket reachable again',
    ])
    await poller.stop()
  })

  it('emits nothing after stop, even for a poll in flight', async () => {
    const clock = new FakeClock()
    const events: LbEvent[] = []
    let release: () => void = () => undefined
    const slow: StatsClient = {
      label: 'slow',
      showStat: () => new Promise((resolve) => (release = () => resolve(parseShowStat(fixture('stat-up.csv'))))),
      showInfo: async () => parseShowInfo(fixture('info.txt')),
    }
    const poller = startPoller({targets: [{node: 'lb1', client: slow}], intervalMs: 1000, clock, onEvent: (e) => events.push(e)})
    const stopped = poller.stop()
    release()
    await stopped
    await flush()
    expect(events).toEqual([])
    expect(clock.pending).toBe(0)
  })
})
