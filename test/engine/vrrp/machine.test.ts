import {describe, expect, it} from 'vitest'
import {
  currentMasterDownIntervalMs,
  initialState,
  instanceSettings,
  step,
  type TimerName,
  type VrrpAction,
  type VrrpInput,
  type VrrpInstanceSettings,
  type VrrpState,
} from '../../../src/engine/vrrp/machine.js'
import {masterDownIntervalMs, skewTimeMs} from '../../../src/engine/vrrp/timing.js'

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const item of Object.values(value)) deepFreeze(item)
  }
  return value
}

function run(settings: VrrpInstanceSettings, inputs: [VrrpInput, number][]): {state: VrrpState; actions: VrrpAction[]} {
  let state = initialState(settings)
  const actions: VrrpAction[] = []
  for (const [input, now] of inputs) {
    const result = step(deepFreeze(state), input, now)
    state = result.state
    actions.push(...result.actions)
  }
  return {state, actions}
}

const base = instanceSettings({vrid: 51, primaryAddress: '198.18.0.1', vips: ['198.18.0.100']})

describe('step is pure', () => {
  it('never mutates the state it is given and is deterministic', () => {
    const inputs: [VrrpInput, number][] = [
      [{type: 'startup'}, 0],
      [{type: 'advert', priority: 120, advertIntervalCs: 100, source: '198.18.0.2'}, 10],
      [{type: 'timer', timer: 'master_down', at: 3619}, 3619],
      [{type: 'timer', timer: 'advert', at: 4619}, 4619],
      [{type: 'track_weight', weight: -10}, 4700],
      [{type: 'fault', source: 'eth1'}, 5000],
      [{type: 'fault_cleared', source: 'eth1'}, 6000],
      [{type: 'shutdown'}, 7000],
    ]
    // deepFreeze in run() makes any mutation throw in strict mode.
    const first = run(base, inputs)
    const second = run(base, inputs)
    expect(second).toEqual(first)
    expect(first.state.role).toBe('INIT')
  })
})

describe('inputs that must be ignored', () => {
  it('ignores stale timers: cancelled, re-armed, or for another role', () => {
    const started = step(initialState(base), {type: 'startup'}, 0).state
    expect(started.timers.master_down).toBe(3609)
    expect(step(started, {type: 'timer', timer: 'master_down', at: 1000}, 1000).actions).toEqual([])
    expect(step(started, {type: 'timer', timer: 'advert'}, 1000).actions).toEqual([])
    const reset = step(started, {type: 'advert', priority: 200, advertIntervalCs: 100, source: '198.18.0.2'}, 500).state
    expect(step(reset, {type: 'timer', timer: 'master_down', at: 3609}, 3609)).toEqual({state: reset, actions: []})
    expect(step(reset, {type: 'timer', timer: 'master_down', at: 4109}, 4109).state.role).toBe('MASTER')
  })

  it('ignores adverts in INIT and FAULT, and a second startup', () => {
    const idle = initialState(base)
    expect(step(idle, {type: 'advert', priority: 1, advertIntervalCs: 100, source: '198.18.0.2'}, 0).actions).toEqual([])
    const faulted = run(base, [
      [{type: 'startup'}, 0],
      [{type: 'fault', source: 'x'}, 1],
    ]).state
    expect(step(faulted, {type: 'advert', priority: 1, advertIntervalCs: 100, source: '198.18.0.2'}, 2).actions).toEqual([])
    const again = step(faulted, {type: 'startup'}, 3)
    expect(again.state.role).toBe('FAULT')
    expect(again.actions.map((action) => action.type)).toEqual(['log'])
  })

  it('a shutdown in INIT does nothing', () => {
    expect(step(initialState(base), {type: 'shutdown'}, 0).actions).toEqual([])
  })
})

describe('keepalived details', () => {
  it('an owner configured `state BACKUP` waits like a backup', () => {
    const {state, actions} = run({...base, priority: 255, initialState: 'BACKUP'}, [[{type: 'startup'}, 0]])
    expect(state.role).toBe('BACKUP')
    expect(actions).toContainEqual({type: 'arm_timer', timer: 'master_down', at: masterDownIntervalMs(2, 255, 100)})
  })

  it('an owner ignores nopreempt and track weights', () => {
    const owner = {...base, priority: 255, preempt: false, initialState: 'BACKUP' as const}
    const {state} = run(owner, [
      [{type: 'startup'}, 0],
      [{type: 'track_weight', weight: -100}, 1],
      [{type: 'advert', priority: 200, advertIntervalCs: 100, source: '198.18.0.2'}, 2],
    ])
    expect(state.effectivePriority).toBe(255)
    // a lower priority is discarded (preemption), so the timer armed at startup still stands
    expect(state.timers.master_down).toBe(masterDownIntervalMs(2, 255, 100))
  })

  it('an owner leaving FAULT goes straight back to MASTER', () => {
    const {state, actions} = run({...base, priority: 255}, [
      [{type: 'startup'}, 0],
      [{type: 'fault', source: 'eth1'}, 100],
      [{type: 'fault_cleared', source: 'eth1'}, 200],
    ])
    expect(state.role).toBe('MASTER')
    expect(actions.filter((action) => action.type === 'notify').map((action) => action.type === 'notify' && action.state)).toEqual(['MASTER', 'FAULT', 'MASTER'])
  })

  it('notify reasons say why', () => {
    const {actions} = run(base, [
      [{type: 'startup'}, 0],
      [{type: 'timer', timer: 'master_down'}, 3609],
      [{type: 'advert', priority: 200, advertIntervalCs: 100, source: '198.18.0.9'}, 3700],
    ])
    const notes = actions.filter((action) => action.type === 'notify')
    expect(notes).toEqual([
      {type: 'notify', state: 'BACKUP', reason: 'startup'},
      {type: 'notify', state: 'MASTER', reason: 'master_down timer expired'},
      {type: 'notify', state: 'BACKUP', reason: 'higher priority advert (200) from 198.18.0.9'},
    ])
  })

  it('logs in keepalived wording', () => {
    const {actions} = run(base, [
      [{type: 'startup'}, 0],
      [{type: 'timer', timer: 'master_down'}, 3609],
      [{type: 'advert', priority: 50, advertIntervalCs: 100, source: '198.18.0.9'}, 3700],
    ])
    const logs = actions.flatMap((action) => (action.type === 'log' ? [action.message] : []))
    expect(logs).toEqual([
      '(VI_51) Entering BACKUP STATE (init)',
      '(VI_51) Receive advertisement timeout',
      '(VI_51) Entering MASTER STATE',
      '(VI_51) Received advert from 198.18.0.9 with lower priority 50, ours 100, forcing new election',
    ])
  })

  it('reports the current Master_Down_Interval (VRRPv3 uses the master’s interval)', () => {
    const v3 = {...base, version: 3 as const, advertIntervalCs: 10}
    const {state} = run(v3, [
      [{type: 'startup'}, 0],
      [{type: 'advert', priority: 200, advertIntervalCs: 50, source: '198.18.0.9'}, 10],
    ])
    expect(state.masterAdverIntervalCs).toBe(50)
    expect(currentMasterDownIntervalMs(state)).toBe(1500 + skewTimeMs(3, 100, 50))
  })
})

// ---------------------------------------------------------------------------------------------
// A small network of pure machines: adverts are delivered instantly to every other live node.

interface Node {
  name: string
  settings: VrrpInstanceSettings
  state: VrrpState
  alive: boolean
  lastSentAt: number
}

class Lan {
  now = 0
  readonly nodes: Node[] = []
  readonly transitions: {at: number; node: string; role: string}[] = []
  /** Adverts in flight. */
  private readonly wire: {at: number; to: Node; input: VrrpInput}[] = []
  private dualMasterSince: number | undefined

  /** `latencyMs` 0 delivers adverts instantly, within the step that sent them. */
  constructor(private readonly latencyMs = 0) {}

  add(name: string, priority: number, address: string, extra: Partial<VrrpInstanceSettings> = {}): Node {
    const settings = instanceSettings({vrid: 51, primaryAddress: address, priority, vips: ['198.18.0.100'], ...extra})
    const node = {name, settings, state: initialState(settings), alive: false, lastSentAt: -1}
    this.nodes.push(node)
    return node
  }

  private deliver(from: Node, priority: number): void {
    from.lastSentAt = this.now
    for (const other of this.nodes) {
      if (other === from || !other.alive) continue
      const input: VrrpInput = {type: 'advert', priority, advertIntervalCs: from.settings.advertIntervalCs, source: from.settings.primaryAddress}
      if (this.latencyMs === 0) this.input(other, input)
      else this.wire.push({at: this.now + this.latencyMs, to: other, input})
    }
  }

  input(node: Node, input: VrrpInput): void {
    const before = node.state.role
    const result = step(node.state, input, this.now)
    node.state = result.state
    if (result.state.role !== before) this.transitions.push({at: this.now, node: node.name, role: result.state.role})
    for (const action of result.actions) if (action.type === 'send_advert') this.deliver(node, action.priority)
  }

  start(node: Node): void {
    node.alive = true
    this.input(node, {type: 'startup'})
  }

  stop(node: Node): void {
    this.input(node, {type: 'shutdown'})
    node.alive = false
  }

  kill(node: Node): void {
    node.alive = false
  }

  /** Runs every due timer and in-flight advert up to `until`, earliest first (adverts before timers on a tie). */
  runUntil(until: number): void {
    for (;;) {
      let next: {at: number; run: () => void} | undefined
      for (const [index, packet] of this.wire.entries()) {
        if (packet.at <= until && (!next || packet.at < next.at)) {
          next = {at: packet.at, run: () => {
            this.wire.splice(index, 1)
            if (packet.to.alive) this.input(packet.to, packet.input)
          }}
        }
      }
      for (const node of this.nodes) {
        if (!node.alive) continue
        for (const [timer, at] of Object.entries(node.state.timers) as [TimerName, number][]) {
          if (at <= until && (!next || at < next.at)) next = {at, run: () => this.input(node, {type: 'timer', timer, at})}
        }
      }
      if (!next) break
      this.now = next.at
      next.run()
      this.checkMasters()
    }
    this.now = until
  }

  masters(): Node[] {
    return this.nodes.filter((node) => node.alive && node.state.role === 'MASTER')
  }

  /** Two masters may only coexist while their adverts are still on the wire. */
  checkMasters(): void {
    const masters = this.masters()
    if (masters.length <= 1) {
      this.dualMasterSince = undefined
      return
    }
    this.dualMasterSince ??= this.now
    if (this.now - this.dualMasterSince > this.latencyMs) {
      throw new Error(`two masters since ${this.dualMasterSince} (now ${this.now}): ${masters.map((node) => node.name).join(', ')}`)
    }
  }
}

function rank(node: Node): [number, number] {
  const last = Number(node.settings.primaryAddress.split('.').pop())
  return [node.state.effectivePriority, last]
}

describe('a LAN of pure machines', () => {
  it('always elects exactly one master with the highest priority, whatever the start order (200 random runs)', () => {
    let seed = 7
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed / 2 ** 31
    }
    for (let runIndex = 0; runIndex < 200; runIndex++) {
      const lan = new Lan(1)
      const count = 2 + Math.floor(rand() * 3)
      const version = rand() < 0.5 ? 2 : 3
      const advertIntervalCs = version === 2 ? 100 : 10 + Math.floor(rand() * 90)
      for (let index = 0; index < count; index++) {
        // a few equal priorities on purpose, to exercise the address tie-break
        lan.add(`n${index}`, 100 + Math.floor(rand() * 4) * 10, `198.18.0.${index + 1}`, {version, advertIntervalCs})
      }
      const starts = lan.nodes.map((node) => ({node, at: runIndex % 10 === 0 ? 0 : Math.floor(rand() * 3000)})).sort((a, b) => a.at - b.at)
      for (const {node, at} of starts) {
        lan.runUntil(at)
        lan.start(node)
        lan.checkMasters()
      }
      lan.runUntil(lan.now + 20_000)
      const masters = lan.masters()
      expect(masters).toHaveLength(1)
      // Equal priorities: an equal-priority backup never preempts (RFC 5798 §6.4.2 (445) "greater than
      // or equal"), so the address tie-break only decides between routers that are MASTER together.
      const highest = Math.max(...lan.nodes.map((node) => node.state.effectivePriority))
      expect(masters[0]?.state.effectivePriority, `run ${runIndex}`).toBe(highest)
      if (new Set(starts.map((start) => start.at)).size === 1 || runIndex % 10 === 0) {
        const best = [...lan.nodes].sort((a, b) => rank(b)[0] - rank(a)[0] || rank(b)[1] - rank(a)[1])[0]
        expect(masters[0]?.name, `run ${runIndex}`).toBe(best?.name)
      }
    }
  })

  it('hard kill: the backup holds the VIP within Master_Down_Interval of the last advert', () => {
    const lan = new Lan()
    const a = lan.add('a', 150, '198.18.0.1')
    const b = lan.add('b', 100, '198.18.0.2')
    lan.start(a)
    lan.start(b)
    lan.runUntil(10_000)
    expect(lan.masters().map((node) => node.name)).toEqual(['a'])
    lan.kill(a)
    const lastAdvert = a.lastSentAt
    lan.runUntil(20_000)
    const takeover = lan.transitions.find((entry) => entry.node === 'b' && entry.role === 'MASTER')
    expect(takeover?.at).toBe(lastAdvert + masterDownIntervalMs(2, 100, 100))
  })

  it('graceful stop: the backup takes over after its Skew_Time', () => {
    const lan = new Lan()
    const a = lan.add('a', 150, '198.18.0.1')
    const b = lan.add('b', 100, '198.18.0.2')
    lan.start(a)
    lan.start(b)
    lan.runUntil(10_000)
    lan.runUntil(10_250)
    lan.stop(a)
    lan.runUntil(20_000)
    const takeover = lan.transitions.find((entry) => entry.node === 'b' && entry.role === 'MASTER')
    expect(takeover?.at).toBe(10_250 + skewTimeMs(2, 100, 100))
  })

  it('VRRPv3 advert_int 0.1: hard-kill failover under 0.5 s', () => {
    const lan = new Lan()
    const a = lan.add('a', 150, '198.18.0.1', {version: 3, advertIntervalCs: 10})
    lan.add('b', 100, '198.18.0.2', {version: 3, advertIntervalCs: 10})
    for (const node of lan.nodes) lan.start(node)
    lan.runUntil(5_000)
    lan.kill(a)
    const killedAt = lan.now
    lan.runUntil(6_000)
    const takeover = lan.transitions.find((entry) => entry.node === 'b' && entry.role === 'MASTER' && entry.at > killedAt)
    expect((takeover?.at ?? Infinity) - killedAt).toBeLessThan(500)
  })

  it('restart: preemption brings the higher priority back; nopreempt does not', () => {
    for (const preempt of [true, false]) {
      const lan = new Lan()
      const a = lan.add('a', 150, '198.18.0.1', {preempt})
      lan.add('b', 100, '198.18.0.2', {preempt})
      for (const node of lan.nodes) lan.start(node)
      lan.runUntil(10_000)
      lan.stop(a)
      lan.runUntil(15_000)
      expect(lan.masters().map((node) => node.name)).toEqual(['b'])
      lan.start(a)
      lan.runUntil(30_000)
      expect(lan.masters().map((node) => node.name)).toEqual([preempt ? 'a' : 'b'])
    }
  })

  it('preempt_delay: the higher priority waits at least the delay after seeing the lower master', () => {
    const lan = new Lan()
    const a = lan.add('a', 150, '198.18.0.1', {preemptDelayMs: 8000})
    lan.add('b', 100, '198.18.0.2')
    lan.start(lan.nodes[1] as Node)
    lan.runUntil(10_000)
    lan.start(a)
    lan.runUntil(40_000)
    const takeover = lan.transitions.find((entry) => entry.node === 'a' && entry.role === 'MASTER')
    expect(takeover?.at).toBeGreaterThanOrEqual(10_000 + 8000)
    expect(takeover?.at).toBeLessThanOrEqual(10_000 + 8000 + masterDownIntervalMs(2, 150, 100) + 1000)
    expect(lan.masters().map((node) => node.name)).toEqual(['a'])
  })

  it('a track weight that drops the master below the backup hands over', () => {
    const lan = new Lan()
    const a = lan.add('a', 150, '198.18.0.1')
    lan.add('b', 120, '198.18.0.2')
    for (const node of lan.nodes) lan.start(node)
    lan.runUntil(10_000)
    lan.input(a, {type: 'track_weight', weight: -40})
    lan.runUntil(20_000)
    expect(lan.masters().map((node) => node.name)).toEqual(['b'])
    lan.input(a, {type: 'track_weight', weight: 0})
    lan.runUntil(30_000)
    expect(lan.masters().map((node) => node.name)).toEqual(['a'])
  })
})
