import {describe, expect, it} from 'vitest'
import {defaultMaxGapMs, firstViaNode, theory} from '../../src/failover/figures.js'
import type {RequestRecord, VrrpTiming} from '../../src/failover/records.js'

const v3: VrrpTiming = {node: 'lbb', version: 3, advertIntMs: 100, priority: 100, trackDetectMs: 1000}
const v2: VrrpTiming = {node: 'b', version: 2, advertIntMs: 1000, priority: 100}

describe('theory per fault (RFC 5798 timers)', () => {
  it.each([
    // Skew_Time v3 = (256-100) * 100 ms / 256 = 60 ms; Master_Down = 3 x 100 + 60.
    ['kill', v3, 360],
    ['link', v3, 360],
    ['block-vrrp', v3, 360],
    ['stop', v3, 60],
    // The track script may take a whole interval to notice, then Master_Down_Interval.
    ['proxy', v3, 1360],
    // VRRPv2: skew (256-100)/256 s = 609 ms.
    ['kill', v2, 3609],
    ['stop', v2, 609],
  ] as const)('%s with v%s', (kind, timing, expected) => {
    expect(theory(kind, timing).expectedMs).toBe(expected)
  })

  it('says the formula it used', () => {
    expect(theory('proxy', v3).formula).toBe('up to track script 1000 ms + 3 x 100 ms + skew = 1360 ms')
    expect(theory('block-vrrp', v3).formula).toContain('second MASTER after 3 x 100 ms')
  })

  it.each([
    ['kill', v3, 1000],
    ['proxy', v3, 1400],
    ['kill', v2, 4000],
    ['stop', v2, 1500],
  ] as const)('default --max-gap for %s with v%s: %s ms', (kind, timing, ms) => {
    expect(defaultMaxGapMs(kind, timing)).toBe(ms)
  })
})

describe('firstViaNode', () => {
  const record = (start: number, lbNode: string | undefined, ok = true): RequestRecord => ({
    start,
    end: start + 5,
    outcome: ok ? {kind: 'ok', status: 200} : {kind: 'error', code: 'ECONNREFUSED'},
    ...(lbNode === undefined ? {} : {lbNode}),
  })

  it('is the end of the first answer the named node forwarded after the fault', () => {
    const requests = [record(0, 'lba'), record(100, 'lbb'), record(200, 'lba'), record(300, 'lbb', false), record(400, 'lbb')]
    expect(firstViaNode(requests, 150, 'lbb')).toBe(255)
    expect(firstViaNode(requests, 150, 'lbc')).toBeNull()
  })
})
