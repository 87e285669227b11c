// Split brains on the wire as events: when two senders begin to overlap, and when one falls silent.
import {describe, expect, it} from 'vitest'
import type {VrrpAdvertEvent} from '../../src/observe/events.js'
import {WireSplitTracker} from '../../src/observe/wire-peers.js'

const T0 = Date.UTC(2026, 0, 2, 12, 0, 0)
const advert = (at: number, src: string): VrrpAdvertEvent => ({
  kind: 'vrrp-advert', at, node: 'eth0', src, dst: '224.0.0.18', family: 4, version: 3, vrid: 51, priority: 100, authType: 'none', intervalMs: 200,
  addresses: ['198.18.0.100'], length: 12, ttl: 255, unicast: false, problems: [], text: '',
})

describe('WireSplitTracker', () => {
  it('says when two senders start overlapping and when one falls silent (4 intervals)', () => {
    const tracker = new WireSplitTracker()
    const log: string[] = []
    const note = (at: number, events: ReturnType<WireSplitTracker['tick']>) => log.push(...events.map((e) => `${at - T0} ${e.resolved ? 'end' : 'begin'} ${e.text}`))
    // A alone, then B starts while A goes on: the split begins when A sends after B's first advert.
    for (const [at, src] of [[0, 'a'], [200, 'a'], [300, 'b'], [400, 'a'], [500, 'b'], [600, 'a']] as const) note(T0 + at, tracker.advert(advert(T0 + at, src)))
    // A stops; B goes on; 800 ms after A's last advert A is silent and the split ends.
    for (const at of [700, 900, 1100, 1300]) note(T0 + at, tracker.advert(advert(T0 + at, 'b')))
    note(T0 + 1300, tracker.tick(T0 + 1300))
    note(T0 + 1401, tracker.tick(T0 + 1401))
    expect(log).toEqual(['400 begin two masters for VRID 51: a wire, b wire', '1401 end VRID 51 has one master again'])
  })

  it('a takeover is no split: the old master stops before the new one starts', () => {
    const tracker = new WireSplitTracker()
    const events = [[0, 'a'], [200, 'a'], [400, 'a'], [1100, 'b'], [1300, 'b']].flatMap(([at, src]) => tracker.advert(advert(T0 + (at as number), src as string)))
    expect([...events, ...tracker.tick(T0 + 5000)]).toEqual([])
  })
})
