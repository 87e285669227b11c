import {describe, expect, it} from 'vitest'
import type {RequestRecord} from '../../src/failover/records.js'
import {renderChart, renderResult} from '../../src/failover/render.js'
import {buildRunReport, type FailoverTestResult, summarize} from '../../src/failover/report.js'

const T0 = 1_000_000

/** 100 req/s for 8 s: ok until 3.01 s, refused until 6.6 s, ok after. */
function traffic(): RequestRecord[] {
  const records: RequestRecord[] = []
  for (let i = 0; i < 800; i++) {
    const start = T0 + i * 10
    const failed = start >= T0 + 3010 && start < T0 + 6600
    records.push({start, end: start + (failed ? 1 : 3), outcome: failed ? {kind: 'error', code: 'ECONNREFUSED'} : {kind: 'ok', status: 200}, ...(failed ? {} : {servedBy: 'app1'})})
  }
  return records
}

const run = () =>
  buildRunReport({
    startedAt: T0,
    endedAt: T0 + 8000,
    requests: traffic(),
    timeline: {
      roles: [
        {at: T0, node: 'a', instance: 'VI_1', vrid: 51, from: null, to: 'MASTER'},
        {at: T0, node: 'b', instance: 'VI_1', vrid: 51, from: null, to: 'BACKUP'},
        {at: T0 + 3050, node: 'a', instance: 'VI_1', vrid: null, from: 'MASTER', to: 'unreachable'},
        {at: T0 + 6600, node: 'b', instance: 'VI_1', vrid: 51, from: 'BACKUP', to: 'MASTER'},
      ],
      dualMaster: [],
      polls: 160,
    },
    fault: {kind: 'kill', node: 'a', pid: 42, signal: 'SIGKILL', at: T0 + 3000},
    nodes: [{name: 'a', pid: 42}, {name: 'b', pid: 43}],
    timing: {node: 'b', version: 2, advertIntMs: 1000, priority: 100},
    maxGapMs: 4000,
    lastAdvertAt: T0 + 2800,
    recovery: {skipped: 'skipped (--no-recover)'},
  })

describe('buildRunReport', () => {
  it('computes every figure fault-relative and against the theory', () => {
    const report = run()
    expect(report.fault).toEqual({kind: 'kill', node: 'a', pid: 42, signal: 'SIGKILL', action: null, atMs: 3000})
    // First failure at 3.01 s, first success after it starts at 6.6 s and ends 3 ms later.
    expect(report.failoverMs).toBe(3603)
    expect(report.gapMs).toBe(3590)
    expect(report.gap).toEqual({startMs: 3010, endMs: 6600, failed: 359, recovered: true})
    expect(report.requests).toEqual({total: 800, ok: 441, failed: 359})
    expect(report.newMaster).toEqual({node: 'b', afterMs: 3600})
    expect(report.theory.expectedMs).toBe(3609)
    // The last advert was 200 ms before the fault: b's timer fires 3409 ms after it.
    expect(report.lastAdvertBeforeFaultMs).toBe(-200)
    expect(report.expectedAfterFaultMs).toBe(3409)
    expect(report.deviationMs).toBe(194)
    expect(report.pass).toBe(true)
    expect(report.recovery).toBeNull()
    expect(report.recoveryReason).toBe('skipped (--no-recover)')
    expect(report.timeline.requests[0]).toEqual({startMs: 0, endMs: 3, outcome: {kind: 'ok', status: 200}, servedBy: 'app1'})
    expect(report.timeline.roles.at(-1)).toEqual({atMs: 6600, node: 'b', instance: 'VI_1', vrid: 51, from: 'BACKUP', to: 'MASTER'})
  })

  it('measures the failback after the old master restarts, apart from the failover', () => {
    // 12 s: the failover gap as above, a restart of a at 8 s, 150 ms refused from 9 s, a MASTER at 9.1 s.
    const requests = Array.from({length: 1200}, (_, i): RequestRecord => {
      const start = T0 + i * 10
      const failed = (start >= T0 + 3010 && start < T0 + 6600) || (start >= T0 + 9000 && start < T0 + 9150)
      return {start, end: start + 2, outcome: failed ? {kind: 'error', code: 'ECONNREFUSED'} : {kind: 'ok', status: 200}}
    })
    const base = run()
    const report = buildRunReport({
      ...rawWith(4000),
      endedAt: T0 + 12_000,
      requests,
      timeline: {
        roles: [
          {at: T0 + 3050, node: 'a', instance: 'VI_1', vrid: null, from: 'MASTER', to: 'unreachable'},
          {at: T0 + 6600, node: 'b', instance: 'VI_1', vrid: 51, from: 'BACKUP', to: 'MASTER'},
          {at: T0 + 8300, node: 'a', instance: 'VI_1', vrid: 51, from: 'unreachable', to: 'BACKUP'},
          {at: T0 + 9100, node: 'a', instance: 'VI_1', vrid: 51, from: 'BACKUP', to: 'MASTER'},
          {at: T0 + 9120, node: 'b', instance: 'VI_1', vrid: 51, from: 'MASTER', to: 'BACKUP'},
        ],
        dualMaster: [],
        polls: 240,
      },
      recovery: {node: 'a', pid: 77, restartedAt: T0 + 8000},
    })
    // The failover's figures only look before the restart.
    expect(report.gapMs).toBe(base.gapMs)
    expect(report.failoverMs).toBe(3602)
    expect(report.recovery).toEqual({
      node: 'a',
      pid: 77,
      action: null,
      restartedAt: 8000,
      masterAgainAt: 9100,
      masterAgainAfterMs: 1100,
      // b stepped down 20 ms later: from then on a is the only MASTER.
      soleMasterAt: 9120,
      failbackGapMs: 150,
      failback: {startMs: 9000, endMs: 9150, failed: 15, recovered: true},
      requests: {total: 400, failed: 15},
    })
    expect(report.recoveryReason).toBeNull()
    const text = renderResult({type: 'failover-test', target: 'local', source: 'demo', fault: 'kill', rate: 100, keepalive: false, maxGapMs: 4000, pass: true, summary: summarize([report]), runs: [report], notes: []})
    expect(text).toContain('recovery            a restarted at 8.00 s (pid 77); MASTER again at 9.10 s, 1100 ms after it; the only MASTER from 9.12 s')
    expect(text).toContain('failback gap        150 ms   (15/400 failed from the recovery on; 15 failed in a row)')
    expect(renderChart(report, 60).at(-2)).toContain('R')
    expect(summarize([report, base])).toMatchObject({masterAgainAfterMs: {min: 1100, median: 1100, max: 1100}, failbackGapMs: {min: 150, median: 150, max: 150}})
  })

  it('fails when the gap exceeds max gap', () => {
    const report = buildRunReport({...rawWith(3000)})
    expect(report.pass).toBe(false)
  })

  it('draws requests, roles and events on one time axis', () => {
    const chart = renderChart(run(), 40)
    expect(chart[0]).toMatch(/^ {10} *0s +1s/)
    // 200 ms a column: 3.0-3.2 s has both, 3.2-6.6 s only failures.
    expect(chart[1]).toBe(`requests  |${'#'.repeat(15)}%${'x'.repeat(17)}${'#'.repeat(7)}|`)
    expect(chart[2]).toBe(`a         |${'M'.repeat(15)}${'.'.repeat(25)}|`)
    expect(chart[3]).toBe(`b         |${'b'.repeat(33)}${'M'.repeat(7)}|`)
    expect(chart[4]).toBe(`events    |${' '.repeat(15)}F${' '.repeat(17)}^${' '.repeat(6)}|`)
  })

  it('summarizes repeats as min/median/max and renders them', () => {
    const runs = [run(), run(), buildRunReport(rawWith(3000))]
    const summary = summarize(runs)
    expect(summary).toMatchObject({runs: 3, passed: 2, failoverMs: {min: 3603, median: 3603, max: 3603}})
    const result: FailoverTestResult = {type: 'failover-test', target: 'local', source: 'demo', fault: 'kill', rate: 100, keepalive: false, maxGapMs: 4000, pass: false, summary, runs, notes: []}
    const text = renderResult(result)
    expect(text).toContain('run 3: kill of node a (pid 42, SIGKILL) at 3.00 s: FAIL')
    expect(text).toContain('summary of 3 runs (min / median / max): 2/3 passed')
    expect(text).toContain('failover time ms    3603 / 3603 / 3603')
    expect(text.split('\n').at(-1)).toMatch(/^FAIL/)
  })
})

function rawWith(maxGapMs: number) {
  return {
    startedAt: T0,
    endedAt: T0 + 8000,
    requests: traffic(),
    timeline: {roles: [], dualMaster: [], polls: 0},
    fault: {kind: 'kill' as const, node: 'a', pid: 42, signal: 'SIGKILL' as const, at: T0 + 3000},
    nodes: [],
    timing: {node: 'b', version: 2 as const, advertIntMs: 1000, priority: 100},
    maxGapMs,
    recovery: {skipped: 'x'},
  }
}

describe('block-vrrp', () => {
  it('measures the split brain’s onset (the second MASTER) against the theory, not the failover of requests that never failed', () => {
    const requests: RequestRecord[] = Array.from({length: 400}, (_, i) => ({start: T0 + i * 10, end: T0 + i * 10 + 2, outcome: {kind: 'ok', status: 200}}))
    const report = buildRunReport({
      startedAt: T0,
      endedAt: T0 + 4000,
      requests,
      timeline: {
        roles: [
          {at: T0, node: 'a', instance: 'VI_1', vrid: 51, from: null, to: 'MASTER'},
          {at: T0, node: 'b', instance: 'VI_1', vrid: 51, from: null, to: 'BACKUP'},
          {at: T0 + 1400, node: 'b', instance: 'VI_1', vrid: 51, from: 'BACKUP', to: 'MASTER'},
        ],
        dualMaster: [{vrid: 51, start: T0 + 1400, end: T0 + 4000, nodes: ['a', 'b']}],
        polls: 80,
      },
      fault: {kind: 'block-vrrp', node: 'a', pid: 42, signal: null, at: T0 + 1000, action: 'set vrrp block in on b and a'},
      nodes: [{name: 'a', pid: 42}, {name: 'b', pid: 43}],
      timing: {node: 'b', version: 3, advertIntMs: 100, priority: 100},
      maxGapMs: 1000,
      lastAdvertAt: T0 + 950,
      recovery: {skipped: 'skipped (--no-recover)'},
    })
    expect(report.failoverMs).toBe(0)
    expect(report.dualMasterMs).toBe(2600)
    // b's Master_Down_Interval (360 ms) from a's last advert 50 ms before the block: 310 ms; b said MASTER at 400 ms.
    expect(report.expectedAfterFaultMs).toBe(310)
    expect(report.deviationMs).toBe(90)
    const text = renderResult({type: 'failover-test', target: 'local', source: 'dir', fault: 'block-vrrp', rate: 100, keepalive: false, maxGapMs: 1000, pass: true, summary: summarize([report]), runs: [report], notes: []})
    expect(text).toContain('measured - theory   +90 ms   (when the second MASTER appeared)')
    expect(text).toContain('dual-master time    2600 ms')
  })
})
