import {describe, expect, it} from 'vitest'
import {contribution, summarize} from '../../../src/engine/vrrp/track/effect.js'
import {splitCommandLine} from '../../../src/engine/vrrp/track/command-line.js'
import {healthState, initialHealth, recordRun, ScriptTracker, type ScriptPlan} from '../../../src/engine/vrrp/track/scripts.js'
import type {TrackedStatus} from '../../../src/engine/vrrp/track/types.js'
import {FakeClock} from './fakes.js'
import {exit, FakeProcesses, flush} from './track-fakes.js'

describe('splitCommandLine (keepalived alloc_strvec_quoted_escaped)', () => {
  it.each([
    ['/usr/bin/killall -0 haproxy', ['/usr/bin/killall', '-0', 'haproxy']],
    ["/bin/sh -c 'exit 1'", ['/bin/sh', '-c', 'exit 1']],
    ['/bin/echo "a b"c  d', ['/bin/echo', 'a bc', 'd']],
    ['/bin/echo a\\ b \\"q\\"', ['/bin/echo', 'a b', '"q"']],
    ['/bin/echo ""', ['/bin/echo', '']],
    ['  /bin/true  ', ['/bin/true']],
  ])('%s', (text, words) => {
    expect(splitCommandLine(text)).toEqual({ok: true, words})
  })

  it('reports an unmatched quote', () => {
    expect(splitCommandLine('/bin/echo "oops')).toEqual({ok: false, problem: `String '/bin/echo "oops': missing terminating "`})
  })
})

describe('rise/fall counting (keepalived vrrp_script_child_thread)', () => {
  /** Runs a sequence of results (+ success, - failure) and lists the state after each, marking changes with *. */
  function transcript(rise: number, fall: number, runs: string, initFail = false): string {
    let health = initialHealth({rise, initFail})
    const out: string[] = [healthState(health, rise)]
    for (const run of runs) {
      const result = recordRun(health, run === '+', {rise, fall})
      health = result.health
      out.push(`${healthState(health, rise)}${result.changed ? '*' : ''}`)
    }
    return out.join(' ')
  }

  it.each([
    // rise 1 fall 1: every run decides.
    [1, 1, '+-+', false, 'init ok* failed* ok*'],
    // The first run decides whatever rise and fall are (keepalived starts at rise-1).
    [3, 2, '+', false, 'init ok*'],
    [3, 2, '-', false, 'init failed*'],
    // fall 3: two failures are not enough, the third is.
    [2, 3, '+---', false, 'init ok* ok ok failed*'],
    // A success in between resets the count.
    [2, 3, '+--+---', false, 'init ok* ok ok ok ok ok failed*'],
    // rise 3: three successes in a row after a failure.
    [3, 1, '-++-+++', false, 'init failed* failed failed failed failed failed ok*'],
    // init_fail: starts failed, needs rise successes.
    [2, 1, '++', true, 'failed failed ok*'],
  ])('rise %i fall %i runs %s (init_fail %s)', (rise, fall, runs, initFail, expected) => {
    expect(transcript(rise, fall, runs, initFail)).toBe(expected)
  })
})

describe('weights (keepalived process_script_update_priority)', () => {
  const ok: TrackedStatus = {kind: 'script', state: 'ok', detail: ''}
  const failed: TrackedStatus = {kind: 'script', state: 'failed', detail: ''}
  const init: TrackedStatus = {kind: 'script', state: 'init', detail: ''}
  const ref = (weight: number, reverse = false) => ({key: 'script chk', name: 'chk', weight, reverse})

  it.each([
    ['weight -20 ok', ref(-20), ok, {pending: false, fault: false, weight: 0}],
    ['weight -20 failed', ref(-20), failed, {pending: false, fault: false, weight: -20}],
    ['weight 10 ok', ref(10), ok, {pending: false, fault: false, weight: 10}],
    ['weight 10 failed', ref(10), failed, {pending: false, fault: false, weight: 0}],
    ['weight 0 failed: FAULT', ref(0), failed, {pending: false, fault: true, weight: 0}],
    ['weight 0 ok', ref(0), ok, {pending: false, fault: false, weight: 0}],
    ['weight 0 not run yet: startup waits', ref(0), init, {pending: true, fault: false, weight: 0}],
    ['weight -20 not run yet: nothing', ref(-20), init, {pending: false, fault: false, weight: 0}],
    ['weight 10 reverse ok', ref(10, true), ok, {pending: false, fault: false, weight: -10}],
    ['weight 0 reverse ok: FAULT', ref(0, true), ok, {pending: false, fault: true, weight: 0}],
    ['interface down weight 0', {key: 'interface eth1', name: 'eth1', weight: 0, reverse: false}, {kind: 'interface', up: false, detail: ''}, {pending: false, fault: true, weight: 0}],
    ['interface down weight -30', {key: 'interface eth1', name: 'eth1', weight: -30, reverse: false}, {kind: 'interface', up: false, detail: ''}, {pending: false, fault: false, weight: -30}],
    ['file 5 × weight -10', {key: 'file f', name: 'f', weight: -10, reverse: false}, {kind: 'file', value: 5, detail: ''}, {pending: false, fault: false, weight: -50}],
    ['file 30 × weight -10: FAULT', {key: 'file f', name: 'f', weight: -10, reverse: false}, {kind: 'file', value: 30, detail: ''}, {pending: false, fault: true, weight: 0}],
    ['file 100 × weight 5: 253', {key: 'file f', name: 'f', weight: 5, reverse: false}, {kind: 'file', value: 100, detail: ''}, {pending: false, fault: false, weight: 253}],
    ['file 1 × weight 0: FAULT', {key: 'file f', name: 'f', weight: 0, reverse: false}, {kind: 'file', value: 1, detail: ''}, {pending: false, fault: true, weight: 0}],
  ] as const)('%s', (_name, trackRef, status, expected) => {
    expect(contribution(trackRef, status as TrackedStatus)).toEqual(expected)
  })

  it('sums what every tracked object of an instance adds', () => {
    const statuses = new Map<string, TrackedStatus>([
      ['script a', failed],
      ['script b', ok],
      ['interface eth1', {kind: 'interface', up: false, detail: ''}],
    ])
    const refs = [
      {key: 'script a', name: 'a', weight: -20, reverse: false},
      {key: 'script b', name: 'b', weight: 5, reverse: false},
      {key: 'interface eth1', name: 'eth1', weight: 0, reverse: false},
    ]
    expect(summarize(refs, (key) => statuses.get(key))).toEqual({pending: false, faults: ['interface eth1'], weight: -15})
  })
})

describe('ScriptTracker (fake clock and processes)', () => {
  const plan: ScriptPlan = {name: 'chk', argv: ['/usr/bin/killall', '-0', 'haproxy'], intervalMs: 2000, timeoutMs: 2000, rise: 1, fall: 2, initFail: false}

  it('runs at once, then every interval; reports only OK/failed changes', async () => {
    const clock = new FakeClock()
    const processes = new FakeProcesses()
    const results = [0, 0, 1, 1, 0]
    processes.answer = () => exit(results.shift() ?? 0)
    const tracker = new ScriptTracker(plan, {clock, runner: processes})
    const changes: string[] = []
    tracker.start((status) => changes.push(`${clock.now()} ${status.kind === 'script' ? status.state : ''} ${status.detail}`))
    await flush()
    for (let i = 0; i < 4; i++) {
      clock.advance(2000)
      await flush()
    }
    await tracker.stop()
    expect(processes.runs.map((run) => run.argv.join(' '))).toEqual(Array(5).fill('/usr/bin/killall -0 haproxy'))
    expect(processes.runs[0]?.options).toEqual({timeoutMs: 2000})
    // fall 2: the second failure (at 6000) makes it fail.
    expect(changes).toEqual(['0 ok exit 0', '6000 failed exit 1', '8000 ok exit 0'])
  })

  it('never runs twice at once: a run still going when the next is due is skipped', async () => {
    const clock = new FakeClock()
    const processes = new FakeProcesses()
    const logs: string[] = []
    const tracker = new ScriptTracker(plan, {clock, runner: processes, onLog: (message) => logs.push(message)})
    tracker.start(() => {})
    clock.advance(2000)
    clock.advance(2000)
    expect(processes.runs).toHaveLength(1)
    expect(logs).toEqual(Array(2).fill('Track script chk is already running, expect idle - skipping run'))
    processes.runs[0]?.settle({kind: 'timed_out'})
    await flush()
    expect(tracker.status()).toEqual({kind: 'script', state: 'failed', detail: 'timed out'})
    clock.advance(2000)
    expect(processes.runs).toHaveLength(2)
    processes.runs[1]?.settle(exit(0))
    await tracker.stop()
  })

  it('init_fail starts failed', () => {
    const tracker = new ScriptTracker({...plan, initFail: true}, {clock: new FakeClock(), runner: new FakeProcesses()})
    expect(tracker.status()).toEqual({kind: 'script', state: 'failed', detail: 'init_fail'})
  })
})
