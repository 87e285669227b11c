/**
 * The announcements of an IPv6 VIP (unsolicited NAs, decoded from the real keepalived capture) in every
 * consumer of sniffed events: the log filter of `top`, top's state and screen, and failover-test's wire
 * timeline (the first announcement after the fault).
 */
import {readFileSync} from 'node:fs'
import {cleanup, render} from 'ink-testing-library'
import {afterEach, describe, expect, it} from 'vitest'
import {foldWire} from '../../../src/failover/wire.js'
import {formatEventLine, type GarpEvent, type VrrpAdvertEvent} from '../../../src/observe/events.js'
import {decodeFrame} from '../../../src/observe/wire/decode.js'
import {PcapStreamParser} from '../../../src/observe/wire/pcap-stream.js'
import {wireNewsFilter} from '../../../src/observe/wire-peers.js'
import {initialTopState, topReducer} from '../../../src/tui/state/top-state.js'
import {TopScreen} from '../../../src/tui/top/top-screen.js'

const VIP = 'fd12:c612:4f::100'
const MAC = 'da:d8:35:19:4d:74'
const NA_TEXT = `${VIP} > ff02::1: ICMP6, neighbor advertisement, tgt is ${VIP}, length 32`

/** Every event of the keepalived capture, as the sniffer delivers them (node = interface). */
function sniffed(): (VrrpAdvertEvent | GarpEvent)[] {
  const parser = new PcapStreamParser()
  const records = parser.push(readFileSync(new URL('../fixtures/keepalived-ipv6-na.pcap', import.meta.url)))
  return records.flatMap((r) => {
    const event = decodeFrame(parser.header?.linkType ?? -1, r.data, r.at)
    return event ? [{...event, node: 'veth0'}] : []
  })
}

afterEach(() => cleanup())

describe('unsolicited NAs in the consumers', () => {
  const events = sniffed()
  const nas = events.filter((e): e is GarpEvent => e.kind === 'garp')

  it('the log keeps the first of keepalived’s five NAs, and a new claim by another MAC', () => {
    expect(nas).toHaveLength(5)
    const news = wireNewsFilter()
    const kept = events.filter(news)
    expect(kept.filter((e) => e.kind === 'garp')).toEqual([nas[0]])
    const takeover: GarpEvent = {...nas[0]!, at: nas[0]!.at + 3000, mac: '02:00:c6:12:00:02'}
    expect(news(takeover)).toBe(true)
    expect(formatEventLine(nas[0]!)).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} ${NA_TEXT}$`))
  })

  it('top’s state logs the NA once and the screen prints it as tcpdump does', () => {
    const start = events[0]!.at
    const state = events.reduce((s, event) => topReducer(s, {type: 'event', event}), initialTopState({nodes: [], now: start, columns: 130, rows: 30}))
    expect(state.live.events.filter((e) => e.kind === 'garp').map((e) => e.text)).toEqual([NA_TEXT])
    expect(state.live.garps[VIP]).toMatchObject({ip: VIP, mac: MAC})
    const frame = render(<TopScreen state={state} />).lastFrame()!
    expect(frame).toContain(NA_TEXT)
  })

  it('failover-test’s wire timeline: the first NA after the fault is the first announcement', () => {
    const first = events[0]!.at
    const report = foldWire(events, {vrid: 61, faultAt: first - 1000, oldMasterAddress: undefined, nodeOf: (address) => address})
    expect(report).toMatchObject({garps: 5, firstGarpMs: Math.round(nas[0]!.at - (first - 1000)), firstGarpMac: MAC, firstGarpOp: 'na'})
    expect(report.newMasterAddress).toBe('fe80::d8d8:35ff:fe19:4d74')
  })
})
