import {describe, expect, it} from 'vitest'
import {defaultMaxGapMs, dualMasterMs, failoverTime, longestGap, newMaster, spread, theory} from '../../src/failover/figures.js'
import type {FaultRecord, RequestRecord} from '../../src/failover/records.js'

/** `#` ok, `x` refused: one request every 10 ms from t=0, each taking 2 ms. */
function requests(pattern: string, every = 10): RequestRecord[] {
  return [...pattern].map((c, i) => ({
    start: i * every,
    end: i * every + 2,
    outcome: c === '#' ? {kind: 'ok', status: 200} : c === 's' ? {kind: 'status', status: 503} : {kind: 'error', code: 'ECONNREFUSED'},
  }))
}

const fault = (at: number): FaultRecord => ({kind: 'kill', node: 'a', pid: 1, signal: 'SIGKILL', at})

describe('longestGap', () => {
  it.each([
    ['####', undefined],
    ['##xxx##', {start: 20, end: 50, ms: 30, failed: 3, recovered: true}],
    ['#x#xxxx#xx#', {start: 30, end: 70, ms: 40, failed: 4, recovered: true}],
    // A 503 is a failure too.
    ['#sx#', {start: 10, end: 30, ms: 20, failed: 2, recovered: true}],
    // Never recovered: the gap ends with the last failed request.
    ['##xxx', {start: 20, end: 42, ms: 22, failed: 3, recovered: false}],
  ])('%s', (pattern, gap) => {
    expect(longestGap(requests(pattern))).toEqual(gap)
  })

  it('orders by start, whatever order the answers came in', () => {
    expect(longestGap(requests('##xx#').reverse())?.ms).toBe(20)
  })
})

describe('failoverTime', () => {
  it.each([
    // fault at 15: first failure at 20, first success after it at 50 ending 52.
    ['##xxx##', 15, 37],
    // Successes before the first failure after the fault (the dying master) do not count.
    ['###xx#', 15, 37],
    // Nothing failed after the fault: no client-visible failover.
    ['######', 15, 0],
    // Failures before the fault are not this failover's.
    ['x#####', 15, 0],
    // Never answered again.
    ['##xxxx', 15, null],
  ])('%s, fault at %i ms → %s', (pattern, at, ms) => {
    expect(failoverTime(requests(pattern), at)).toBe(ms)
  })
})

describe('dual master and the new master', () => {
  it('sums the windows', () => {
    expect(dualMasterMs([])).toBe(0)
    expect(dualMasterMs([{vrid: 51, start: 100, end: 250, nodes: ['a', 'b']}, {vrid: 51, start: 400, end: 450, nodes: ['a', 'b']}])).toBe(200)
  })

  it('is the first other node to become MASTER after the fault', () => {
    const roles = [
      {at: 0, node: 'a', instance: 'VI_1', vrid: 51, from: null, to: 'MASTER'},
      {at: 0, node: 'b', instance: 'VI_1', vrid: 51, from: null, to: 'BACKUP'},
      {at: 1050, node: 'a', instance: 'VI_1', vrid: null, from: 'MASTER', to: 'unreachable'},
      {at: 4600, node: 'b', instance: 'VI_1', vrid: 51, from: 'BACKUP', to: 'MASTER'},
    ]
    expect(newMaster(roles, fault(1000))).toEqual({node: 'b', afterMs: 3600})
    expect(newMaster(roles.slice(0, 3), fault(1000))).toBeUndefined()
  })
})

describe('theory', () => {
  it('kill: 3 x advert + skew; stop: skew (VRRPv2, priority 100, 1 s adverts)', () => {
    const timing = {node: 'b', version: 2 as const, advertIntMs: 1000, priority: 100}
    expect(theory('kill', timing)).toMatchObject({expectedMs: 3609, masterDownMs: 3609, skewMs: 609})
    expect(theory('stop', timing)).toMatchObject({expectedMs: 609})
    expect(theory('kill', timing).formula).toBe('3 x 1000 ms + skew (256-100)/256 s = 3609 ms')
  })

  it('VRRPv3 skew scales with the advert interval', () => {
    // (256-100) × 10 cs × 625/16 µs = 60 937 µs → 60 ms; 3 × 100 ms + that.
    expect(theory('kill', {node: 'b', version: 3, advertIntMs: 100, priority: 100})).toMatchObject({expectedMs: 360, skewMs: 60})
  })

  it.each([
    ['kill', 2, 1000, 4000],
    ['stop', 2, 1000, 1500],
    ['kill', 3, 100, 1000],
    ['stop', 3, 100, 1000],
    ['kill', 2, 3000, 12000],
  ] as const)('default max gap: %s v%i %i ms adverts → %i ms', (kind, version, advertIntMs, ms) => {
    expect(defaultMaxGapMs(kind, {node: 'b', version, advertIntMs, priority: 100})).toBe(ms)
  })
})

describe('spread', () => {
  it.each([
    [[], undefined],
    [[3], {min: 3, median: 3, max: 3}],
    [[5, 1, 3], {min: 1, median: 3, max: 5}],
    [[4, 1, 3, 2], {min: 1, median: 2.5, max: 4}],
    [[null, 2, null], {min: 2, median: 2, max: 2}],
  ])('%j', (values, expected) => {
    expect(spread(values)).toEqual(expected)
  })
})
