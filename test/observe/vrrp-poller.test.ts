// The poller with VRRP: `show vrrp` rows in snapshots, role events between polls, the two-masters
// condition across nodes, and `show vrrp` served by a real LoadBalancerNode's stats socket.
import {EventEmitter} from 'node:events'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import {parseHaproxyFiles} from '../../src/config/haproxy/index.js'
import {LoadBalancerNode} from '../../src/engine/node.js'
import {planEngine} from '../../src/engine/proxy/plan.js'
import type {VrrpEvent} from '../../src/engine/vrrp/events.js'
import type {InstanceStatus} from '../../src/engine/vrrp/runner.js'
import type {LbEvent} from '../../src/observe/events.js'
import {RuntimeApiClient, type StatsClient} from '../../src/observe/runtime-api.js'
import {parseShowInfo} from '../../src/observe/show-info.js'
import type {VrrpRow} from '../../src/observe/show-vrrp.js'
import {buildTopSnapshot} from '../../src/observe/snapshot.js'
import {pollNode, startPoller} from '../../src/observe/source.js'
import {parseShowStat} from '../../src/observe/stat-csv.js'
import {FakeClock, flush} from './fake-clock.js'
import {fixture} from './fixtures.js'

const row = (state: string, patch: Partial<VrrpRow> = {}): VrrpRow => ({
  instance: 'VI_1', state, priority: 100, effectivePriority: 100, vrid: 51, version: 2, advertIntMs: 1000, master: '', vips: ['127.0.0.100'], lastAdvertMsAgo: 100, reportedNode: '', ...patch,
})

/** A node answering each poll with the next VRRP state (null: unreachable; 'none': no show vrrp), repeating the last. */
function vrrpClient(label: string, script: (string | null)[]): StatsClient {
  // Each command keeps its own place in the script: the poller sends them concurrently.
  const at = (counter: {i: number}) => script[Math.min(counter.i++, script.length - 1)] ?? null
  const stat = {i: 0}
  const vrrp = {i: 0}
  return {
    label,
    showStat: async () => {
      if (at(stat) === null) throw new Error(`cannot reach the stats socket ${label}: connection refused`)
      return parseShowStat(fixture('stat-up.csv'))
    },
    showInfo: async () => parseShowInfo(fixture('info.txt')),
    showVrrp: async () => {
      const state = at(vrrp)
      return state === 'none' || state === null ? undefined : [row(state)]
    },
  }
}

const said = (events: LbEvent[]) => events.filter((e) => e.kind !== 'stats').map((e) => `${e.node} ${e.text}`)

describe('startPoller with show vrrp', () => {
  it('emits role changes, a failover, and the two-masters condition while it lasts', async () => {
    const clock = new FakeClock()
    const events: LbEvent[] = []
    const a = vrrpClient('a.sock', ['MASTER', 'MASTER', null, null, 'BACKUP'])
    const b = vrrpClient('b.sock', ['BACKUP', 'MASTER', 'MASTER', 'MASTER', 'MASTER'])
    const poller = startPoller({targets: [{node: 'a', client: a}, {node: 'b', client: b}], intervalMs: 1000, clock, onEvent: (e) => events.push(e)})
    await flush()
    const snapshots = events.filter((e) => e.kind === 'stats')
    expect(snapshots.map((e) => e.kind === 'stats' && e.snapshot.vrrp?.map((r) => r.state))).toEqual([['MASTER'], ['BACKUP']])
    expect(said(events)).toEqual([])
    const step = async () => {
      events.length = 0
      await clock.advance(1000)
      return said(events)
    }
    expect(await step()).toEqual(['b VI_1 BACKUP -> MASTER', 'a,b two masters for VRID 51: a VI_1, b VI_1'])
    expect(await step()).toEqual(['a stats socket unreachable: cannot reach the stats socket a.sock: connection refused', 'a,b VRID 51 has one master again'])
    expect(await step()).toEqual([])
    // a comes back as BACKUP: compared with its last answer (MASTER), that is a role change.
    expect(await step()).toEqual(['a stats socket reachable again', 'a VI_1 MASTER -> BACKUP'])
    await poller.stop()
  })

  it('a node without show vrrp (real HAProxy) gives snapshots without vrrp and no VRRP events', async () => {
    const clock = new FakeClock()
    const events: LbEvent[] = []
    const poller = startPoller({targets: [{node: 'lb1', client: vrrpClient('x', ['none'])}], intervalMs: 1000, clock, onEvent: (e) => events.push(e)})
    await flush()
    await clock.advance(1000)
    expect(events.filter((e) => e.kind === 'stats').every((e) => e.kind === 'stats' && e.snapshot.vrrp === undefined)).toBe(true)
    expect(said(events)).toEqual([])
    await poller.stop()
  })

  it('a failing show vrrp does not make the node unreachable', async () => {
    const client: StatsClient = {...vrrpClient('x', ['MASTER']), showVrrp: async () => Promise.reject(new Error('timeout'))}
    const poll = await pollNode({node: 'a', client}, new FakeClock())
    expect(poll.error).toBeUndefined()
    expect(poll.snapshot?.vrrp).toBeUndefined()
  })
})

describe('buildTopSnapshot vrrp', () => {
  it('fills vrrp per node and instance, and adds a vrrp-split event for two masters', async () => {
    const clock = new FakeClock()
    const polls = await Promise.all([
      pollNode({node: 'a', client: vrrpClient('a', ['MASTER'])}, clock),
      pollNode({node: 'b', client: vrrpClient('b', ['MASTER'])}, clock),
      pollNode({node: 'c', client: vrrpClient('c', [null])}, clock),
    ])
    const snapshot = buildTopSnapshot(polls, {a: 'a.sock', b: 'b.sock', c: 'c.sock'})
    expect(snapshot.vrrp.map((v) => [v.node, v.instance, v.vrid, v.state, v.master])).toEqual([
      ['a', 'VI_1', 51, 'MASTER', null],
      ['b', 'VI_1', 51, 'MASTER', null],
    ])
    expect(snapshot.events).toEqual([expect.objectContaining({kind: 'vrrp-split', vrid: 51, text: 'two masters for VRID 51: a VI_1, b VI_1', resolved: false})])
  })
})

class FakeRunner extends EventEmitter<{event: [VrrpEvent]}> {
  constructor(public instances: InstanceStatus[]) {
    super()
  }
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  status(): InstanceStatus[] {
    return this.instances
  }
}

describe('show vrrp on a LoadBalancerNode stats socket', () => {
  const cleanups: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  async function startNode(vrrp: ConstructorParameters<typeof LoadBalancerNode>[0]['vrrp'], extra: {nodeName?: string} = {}): Promise<RuntimeApiClient> {
    const dir = mkdtempSync(join(tmpdir(), 'lbctl-show-vrrp-'))
    cleanups.push(() => rmSync(dir, {recursive: true, force: true}))
    const socket = join(dir, 'admin.sock')
    const parse = parseHaproxyFiles([{path: 'node.cfg', text: `global\n  stats socket ${socket} level user\n`}])
    const planned = planEngine(parse.model)
    if (!planned.ok) throw new Error(planned.problems.join('; '))
    const held = new (class extends EventEmitter<{change: [string[]]}> {
      held = () => []
    })()
    const node = new LoadBalancerNode({plan: planned.plan, vrrp, vips: new Set(), held, ...extra})
    await node.start()
    cleanups.push(() => node.stop(0))
    return RuntimeApiClient.connect(socket)
  }

  it('serves the runner status at level user; MASTER rows age from the last advert sent', async () => {
    const now = performance.timeOrigin + performance.now()
    const runner = new FakeRunner([
      {name: 'VI_1', vrid: 51, state: 'MASTER', priority: 110, effectivePriority: 110, master: {address: '127.0.0.11', priority: 110}, vips: ['127.0.0.100'], lastAdvert: undefined, timers: {}, trackWeight: 0, faults: []},
      {name: 'VI_2', vrid: 52, state: 'BACKUP', priority: 100, effectivePriority: 90, master: {address: '127.0.0.12', priority: 120}, vips: ['127.0.0.200'], lastAdvert: {from: '127.0.0.12', priority: 120, time: now - 5000}, timers: {}, trackWeight: -10, faults: []},
    ])
    const client = await startNode(runner, {nodeName: 'a'})
    runner.emit('event', {type: 'advert_sent', time: now - 300, instance: 'VI_1', priority: 110, to: '224.0.0.18'})
    const rows = await client.showVrrp()
    expect(rows?.map((r) => [r.instance, r.state, r.priority, r.effectivePriority, r.vrid, r.master, r.vips.join(' '), r.reportedNode])).toEqual([
      ['VI_1', 'MASTER', 110, 110, 51, '127.0.0.11', '127.0.0.100', 'a'],
      ['VI_2', 'BACKUP', 100, 90, 52, '127.0.0.12', '127.0.0.200', 'a'],
    ])
    expect(rows?.[0]?.lastAdvertMsAgo).toBeGreaterThanOrEqual(300)
    expect(rows?.[0]?.lastAdvertMsAgo).toBeLessThan(3000)
    expect(rows?.[1]?.lastAdvertMsAgo).toBeGreaterThanOrEqual(5000)
  })

  it('a VRRP side without status() leaves show vrrp unknown', async () => {
    const runner = new FakeRunner([])
    const client = await startNode({start: () => runner.start(), stop: () => runner.stop(), on: (event, listener) => runner.on(event, listener)})
    expect(await client.showVrrp()).toBeUndefined()
  })
})
