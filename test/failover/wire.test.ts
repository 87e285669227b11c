import {describe, expect, it} from 'vitest'
import type {GarpEvent, VrrpAdvertEvent} from '../../src/observe/events.js'
import {dualWindows, foldWire, lastAdvertBefore} from '../../src/failover/wire.js'

const A = '198.18.0.11'
const B = '198.18.0.12'

function advert(at: number, src: string, priority = 100, intervalMs = 100): VrrpAdvertEvent {
  return {kind: 'vrrp-advert', at, node: 'switch', text: '', src, dst: '224.0.0.18', family: 4, version: 3, vrid: 51, priority, authType: 'none', intervalMs, addresses: ['198.18.0.100'], length: 12, ttl: 255, unicast: false, problems: []}
}
const garp = (at: number): GarpEvent => ({kind: 'garp', at, node: 'switch', text: '', ip: '198.18.0.100', mac: '02:00:00:00:00:0b', op: 'request'})

/** Adverts every 100 ms from `from` to `to` (exclusive). */
const every = (src: string, from: number, to: number, priority = 110) => Array.from({length: Math.ceil((to - from) / 100)}, (_, i) => advert(from + i * 100, src, priority))

describe('dualWindows', () => {
  it('a clean takeover (A silent, then B) has none', () => {
    expect(dualWindows([...every(A, 0, 1000), ...every(B, 1360, 2000)])).toEqual([])
  })

  it('a split brain: both advertise from B’s first advert until A’s are heard again and B stops', () => {
    const adverts = [...every(A, 0, 3000), ...every(B, 1360, 2200, 100)].sort((x, y) => x.at - y.at)
    // B's last advert at 2160 keeps it active 150 ms more.
    expect(dualWindows(adverts)).toEqual([{start: 1360, end: 2310, senders: [A, B]}])
  })

  it('a priority-0 advert ends the sender at once', () => {
    const adverts = [...every(A, 0, 500), advert(500, A, 0), ...every(B, 450, 1000, 100)].sort((x, y) => x.at - y.at)
    expect(dualWindows(adverts)).toEqual([{start: 450, end: 500, senders: [A, B]}])
  })

  it('one late advert does not split a window in two', () => {
    const b = [...every(B, 1000, 1500, 100), ...every(B, 1620, 2000, 100)]
    expect(dualWindows([...every(A, 0, 3000), ...b].sort((x, y) => x.at - y.at))).toEqual([{start: 1000, end: 2070, senders: [A, B]}])
  })
})

describe('foldWire', () => {
  it('last advert of the old master, first of the new, first GARP, fault-relative', () => {
    const events = [...every(A, 0, 1000), ...every(B, 1300, 2000, 100), garp(1301), garp(5)]
    const report = foldWire(events, {vrid: 51, faultAt: 950, oldMasterAddress: A, nodeOf: (a) => (a === A ? 'lba' : 'lbb')})
    expect(report).toMatchObject({
      adverts: 17,
      garps: 2,
      senders: [{address: A, node: 'lba'}, {address: B, node: 'lbb'}],
      lastAdvertOfOldMasterMs: -50,
      newMasterFirstAdvertMs: 350,
      newMasterAddress: B,
      firstGarpMs: 351,
      dualMasterMs: 0,
    })
    expect(lastAdvertBefore(events, 51, A, 950)).toBe(900)
    // Another VRID is not ours.
    expect(lastAdvertBefore(events, 52, A, 950)).toBeUndefined()
    // An advert a router would drop (bad checksum) does not count as the master speaking.
    const bad = {...advert(940, A), problems: ['bad checksum']}
    expect(lastAdvertBefore([...events, bad], 51, A, 950)).toBe(900)
  })
})
