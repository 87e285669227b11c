/**
 * The scenario runner on an in-memory pair (no processes, real timers, short intervals): it waits
 * until the top priority holds MASTER, breaks that node, follows the takeover and the failback, and
 * closes the target also when a step fails.
 */
import {describe, expect, it} from 'vitest'
import type {FaultKind, FaultRecord, RequestRecord} from '../../src/failover/records.js'
import {runScenario, type TargetSession} from '../../src/failover/scenario.js'
import type {VrrpRow} from '../../src/observe/show-vrrp.js'

const ADVERT_MS = 20

/** a (110) and b (100): b is MASTER for the first 60 ms (a still starting; under 4 adverts), then a preempts; a fault takes a down, b takes over 60 ms later. */
function fakePair(options: {failInject?: boolean} = {}) {
  const t0 = Date.now()
  const state = {a: 'BACKUP' as string | undefined, b: 'MASTER' as string | undefined}
  const events: string[] = []
  const timers: ReturnType<typeof setTimeout>[] = []
  const later = (ms: number, f: () => void) => timers.push(setTimeout(f, ms))
  later(60, () => {
    state.a = 'MASTER'
    state.b = 'BACKUP'
  })
  const row = (node: 'a' | 'b', s: string): VrrpRow => ({instance: 'VI_1', state: s, priority: node === 'a' ? 110 : 100, effectivePriority: node === 'a' ? 110 : 100, vrid: 51, version: 3, advertIntMs: ADVERT_MS, master: '', vips: [], lastAdvertMsAgo: null, reportedNode: node})
  const master = () => (state.a === 'MASTER' ? 'a' : state.b === 'MASTER' ? 'b' : undefined)
  const session: TargetSession = {
    url: 'http://fake/',
    source: 'demo',
    sources: (['a', 'b'] as const).map((node) => ({
      node,
      async showVrrp() {
        const s = state[node]
        if (s === undefined) throw new Error('down')
        return [row(node, s)]
      },
    })),
    nodes: () => [
      {name: 'a', pid: 1},
      {name: 'b', pid: 2},
    ],
    startTraffic() {
      const records: RequestRecord[] = []
      const timer = setInterval(() => {
        const now = Date.now()
        const via = master()
        records.push(via ? {start: now, end: now + 1, outcome: {kind: 'ok', status: 200}, lbNode: via} : {start: now, end: now + 1, outcome: {kind: 'error', code: 'ECONNREFUSED'}})
      }, 5)
      return {
        records,
        async stop() {
          clearInterval(timer)
          return [...records]
        },
      }
    },
    async inject(kind: FaultKind, node: string): Promise<FaultRecord> {
      events.push(`inject ${kind} ${node} after ${Date.now() - t0 >= 60 ? 'preemption' : 'startup'}`)
      if (options.failInject) throw new Error('ssh: connection lost')
      state.a = undefined
      later(60, () => (state.b = 'MASTER'))
      return {kind, node, pid: 1, signal: 'SIGKILL', at: Date.now()}
    },
    async recover(fault) {
      events.push(`recover ${fault.node}`)
      state.a = 'BACKUP'
      later(50, () => {
        state.a = 'MASTER'
        state.b = 'BACKUP'
      })
      return {pid: 3, action: 'a restarted'}
    },
    notes: [],
    async close() {
      for (const timer of timers) clearTimeout(timer)
      events.push('close')
    },
  }
  return {session, events}
}

const base = {target: 'local' as const, fault: 'kill' as const, rate: 100, keepalive: false, durationBeforeMs: 100, recover: true, repeat: 1, pollIntervalMs: 5}

describe('runScenario', () => {
  it('breaks the top-priority MASTER once it holds, measures takeover and failback, closes the target', async () => {
    const pair = fakePair()
    const result = await runScenario({...base, open: async () => pair.session})
    expect(pair.events).toEqual(['inject kill a after preemption', 'recover a', 'close'])
    const [run] = result.runs
    expect(run!.fault).toMatchObject({kind: 'kill', node: 'a'})
    expect(run!.newMaster?.node).toBe('b')
    expect(run!.failoverBasis).toBe('via-new-master')
    expect(run!.failoverMs!).toBeGreaterThanOrEqual(55)
    expect(run!.failoverMs!).toBeLessThan(300)
    expect(run!.requests.failed).toBeGreaterThan(0)
    expect(run!.recovery).toMatchObject({node: 'a', pid: 3, action: 'a restarted'})
    expect(run!.recovery!.masterAgainAfterMs!).toBeGreaterThanOrEqual(45)
    expect(run!.theory).toMatchObject({version: 3, advertIntMs: ADVERT_MS, priority: 100})
    expect(result).toMatchObject({type: 'failover-test', target: 'local', fault: 'kill', pass: true})
  }, 20_000)

  it('closes the target when the fault cannot be injected, and says why', async () => {
    const pair = fakePair({failInject: true})
    await expect(runScenario({...base, open: async () => pair.session})).rejects.toThrow('ssh: connection lost')
    expect(pair.events.at(-1)).toBe('close')
  }, 20_000)

  it('an abort (Ctrl-C) stops the run and still closes the target', async () => {
    const pair = fakePair()
    const abort = new AbortController()
    setTimeout(() => abort.abort(), 200)
    await expect(runScenario({...base, durationBeforeMs: 5000, signal: abort.signal, open: async () => pair.session})).rejects.toMatchObject({code: 'failover.aborted', exitCode: 130})
    expect(pair.events).toEqual(['close'])
  }, 20_000)
})
