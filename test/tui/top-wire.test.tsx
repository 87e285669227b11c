// `lbctl top --sniff`: what adverts and gratuitous ARPs heard on the wire do to the state (roles
// inferred, split brain from two senders, rogue VRIDs, a quiet event log), the screen and the JSON.
import {cleanup, render} from 'ink-testing-library'
import {afterEach, describe, expect, it} from 'vitest'
import type {GarpEvent, VrrpAdvertEvent} from '../../src/observe/events.js'
import {buildTopSnapshot} from '../../src/observe/snapshot.js'
import {parseShowInfo} from '../../src/observe/show-info.js'
import type {VrrpRow} from '../../src/observe/show-vrrp.js'
import {parseShowStat} from '../../src/observe/stat-csv.js'
import {initialTopState, topReducer, type TopAction, type TopState} from '../../src/tui/state/top-state.js'
import {rogueVridsOf, splitBrains, vrrpPanelRows} from '../../src/tui/state/vrrp-panel.js'
import {TopScreen} from '../../src/tui/top/top-screen.js'
import {fixture} from '../observe/fixtures.js'

const T0 = new Date(2026, 0, 2, 12, 0, 0).getTime()

function advert(at: number, src: string, patch: Partial<VrrpAdvertEvent> = {}): TopAction {
  const vrid = patch.vrid ?? 51
  const priority = patch.priority ?? 110
  const event: VrrpAdvertEvent = {
    kind: 'vrrp-advert', at, node: 'eth0', src, dst: '224.0.0.18', family: 4, version: 2, vrid, priority, authType: 'simple', intervalMs: 1000,
    addresses: ['198.18.0.100'], length: 20, ttl: 255, unicast: false, problems: [],
    text: `${src} > 224.0.0.18: VRRPv2, Advertisement, vrid ${vrid}, prio ${priority}, authtype simple, intvl 1s, length 20`, ...patch,
  }
  return {type: 'event', event}
}
const garp = (at: number, mac: string): TopAction => {
  const event: GarpEvent = {kind: 'garp', at, node: 'eth0', ip: '198.18.0.100', mac, op: 'request', text: `${mac} > ff:ff:ff:ff:ff:ff: ARP, Request who-has 198.18.0.100 tell 198.18.0.100, length 28`}
  return {type: 'event', event}
}
const tick = (now: number): TopAction => ({type: 'tick', now})
/** Adverts from `src` every second in [from, to]. */
const every = (src: string, from: number, to: number, patch: Partial<VrrpAdvertEvent> = {}): TopAction[] => {
  const actions: TopAction[] = []
  for (let at = from; at <= to; at += 1000) actions.push(advert(at, src, patch))
  return actions
}
const A = '198.18.0.1'
const B = '198.18.0.2'

function state(actions: TopAction[], options: {nodes?: string[]; expectedVrids?: number[]; columns?: number; rows?: number} = {}): TopState {
  const {nodes = [], ...rest} = options
  return actions.reduce(topReducer, initialTopState({nodes, now: T0, columns: 100, rows: 30, ...rest}))
}
const panel = (s: TopState) => vrrpPanelRows(s).map((r) => `${r.node} ${r.vrid}${r.rogue ? '!' : ''} ${r.role} ${r.effectivePriority} ${r.lastAdvertMsAgo}`)

describe('wire peers in the VRRP panel', () => {
  it.each([
    ['one sender is the MASTER of its VRID, aged by the clock', [...every(A, T0, T0 + 3000), tick(T0 + 3500)], [`${A} 51 MASTER 110 500`], []],
    ['a sender quiet for more than 4 intervals is SILENT', [...every(A, T0, T0 + 3000), tick(T0 + 7100)], [`${A} 51 SILENT 110 4100`], []],
    ['priority 0 (keepalived stopping) is RESIGNED', [...every(A, T0, T0 + 2000), advert(T0 + 2300, A, {priority: 0}), tick(T0 + 2500)], [`${A} 51 RESIGNED 0 200`], []],
    ['a takeover is not a split brain: A stops, B starts 3.6 s later', [...every(A, T0, T0 + 3000), ...every(B, T0 + 6600, T0 + 8600), tick(T0 + 8700)], [`${A} 51 SILENT 110 5700`, `${B} 51 MASTER 110 100`], []],
    ['preemption is not a split brain: B starts, A sends nothing after', [...every(A, T0, T0 + 3000), ...every(B, T0 + 3400, T0 + 5400, {priority: 150}), tick(T0 + 5500)], [`${A} 51 MASTER 110 2500`, `${B} 51 MASTER 150 100`], []],
    ['two senders that keep advertising are two masters', [...every(A, T0, T0 + 3000), ...every(B, T0 + 500, T0 + 2500), tick(T0 + 3100)], [`${A} 51 MASTER 110 100`, `${B} 51 MASTER 110 600`], [51]],
    ['the split ends when one falls silent', [...every(A, T0, T0 + 3000), ...every(B, T0 + 500, T0 + 2500), tick(T0 + 7100)], [`${A} 51 SILENT 110 4100`, `${B} 51 SILENT 110 4600`], []],
  ] as const)('%s', (_name, actions, rows, splits) => {
    const s = state([...actions])
    expect(panel(s)).toEqual(rows)
    expect(splitBrains(s).map((x) => `${x.vrid}: ${x.masters.map((m) => m.node).join(',')}`)).toEqual(splits.map((v) => `${v}: ${A},${B}`))
  })

  const lb1Master: VrrpRow = {instance: 'VI_1', state: 'MASTER', priority: 110, effectivePriority: 110, vrid: 51, version: 2, advertIntMs: 1000, master: A, vips: ['198.18.0.100'], lastAdvertMsAgo: 0, reportedNode: ''}
  it.each<[string, {nodes?: string[]; expectedVrids?: number[]}, VrrpRow[], number[]]>([
    ['nothing expected: nothing is rogue', {}, [], []],
    ['--vrid 51: VRID 99 is rogue', {expectedVrids: [51]}, [], [99]],
    ["the nodes' own instances are expected", {nodes: ['lb1']}, [lb1Master], [99]],
  ])('rogue VRIDs: %s', (_name, options, vrrp, rogue) => {
    const actions: TopAction[] = [advert(T0, A), advert(T0 + 100, '198.18.0.66', {vrid: 99, priority: 200})]
    if (vrrp.length > 0) {
      actions.unshift({type: 'event', event: {kind: 'stats', at: T0, node: 'lb1', text: '', snapshot: {node: 'lb1', at: T0, rows: parseShowStat(fixture('stat-up.csv')), info: parseShowInfo(fixture('info.txt')), vrrp}}})
    }
    const s = state(actions, options)
    expect(rogueVridsOf(s)).toEqual(rogue)
    expect(vrrpPanelRows(s).filter((r) => r.rogue).map((r) => r.node)).toEqual(rogue.length > 0 ? ['198.18.0.66'] : [])
    // A watched node's own address names its wire row.
    if (vrrp.length > 0) expect(vrrpPanelRows(s).map((r) => `${r.node} ${r.instance}`)).toEqual(['lb1 VI_1', 'lb1 (wire)', '198.18.0.66 (wire)'])
  })

  it('logs what is new (first advert, a change, a return after silence, a new GARP claim), not every repeat', () => {
    const s = state([...every(A, T0, T0 + 4000), advert(T0 + 4500, A, {priority: 90}), advert(T0 + 5500, A, {priority: 90}), ...every(A, T0 + 20_000, T0 + 21_000), garp(T0 + 100, '02:00:00:00:00:01'), garp(T0 + 200, '02:00:00:00:00:01'), garp(T0 + 20_100, '02:00:00:00:00:02')])
    expect(s.live.events.map((e) => `${e.at - T0} ${e.kind === 'vrrp-advert' ? e.priority : e.kind === 'garp' ? e.mac : ''}`)).toEqual(['0 110', '4500 90', '20000 110', '100 02:00:00:00:00:01', '20100 02:00:00:00:00:02'])
  })
})

afterEach(() => cleanup())

describe('TopScreen with a sniffer', () => {
  it('shows wire senders, the split brain and rogue banners, and tcpdump lines at 80×24', () => {
    const s = state([...every(A, T0, T0 + 3000), ...every(B, T0 + 500, T0 + 2500), advert(T0 + 2600, '198.18.0.66', {vrid: 99, priority: 200}), garp(T0 + 2700, '02:00:c6:12:00:02'), tick(T0 + 3100)], {expectedVrids: [51], columns: 80, rows: 24})
    const frame = render(<TopScreen state={s} />).lastFrame()!
    const lines = frame.split('\n')
    expect(lines.length).toBeLessThanOrEqual(24)
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80)
    expect(lines[1]).toContain(`⚠ SPLIT BRAIN: two masters for VRID 51: ${A} wire, ${B} wire`)
    expect(lines[2]).toContain('⚠ ROGUE VRID on the wire: 99')
    expect(frame).toMatch(/198\.18\.0\.1\s+\(wire\)\s+51\s+MASTER\s+110\s+0\.1s\s+198\.18\.0\.1\s/)
    expect(frame).not.toContain('NAME') // no stats socket: no stats table
    expect(frame).toMatch(/198\.18\.0\.66\s+\(wire\)\s+99!\s+MASTER\s+200/)
    expect(frame).toContain('12:00:00.000 198.18.0.1 > 224.0.0.18: VRRPv2, Advertisement, vrid 51, prio 11')
    // Wide enough, the lines read in full, as tcpdump prints them.
    cleanup()
    const wide = render(<TopScreen state={{...s, size: {columns: 130, rows: 30}}} />).lastFrame()!
    expect(wide).toContain('12:00:00.000 198.18.0.1 > 224.0.0.18: VRRPv2, Advertisement, vrid 51, prio 110, authtype simple, intvl 1s, length 20')
    expect(wide).toContain('12:00:02.700 02:00:c6:12:00:02 > ff:ff:ff:ff:ff:ff: ARP, Request who-has 198.18.0.100 tell 198.18.0.100, length 28')
    expect(wide).toMatch(/198\.18\.0\.1\s+\(wire\)\s+51\s+MASTER\s+110\s+0\.1s\s+198\.18\.0\.1\s+198\.18\.0\.100\n/)
  })
})

describe('--once --json with a sniffer', () => {
  it('lists wire senders in vrrp (source wire, rogue, adverts) and the split brain in events', () => {
    const actions = [...every(A, T0, T0 + 3000), ...every(B, T0 + 500, T0 + 2500), advert(T0 + 2600, '198.18.0.66', {vrid: 99, priority: 200, sourceMac: '02:00:00:00:00:66'})]
    const s = state(actions, {expectedVrids: [51]})
    const events = actions.map((a) => (a.type === 'event' ? a.event : undefined)).filter((e) => e !== undefined)
    const snapshot = buildTopSnapshot([], {}, events, {peers: s.live.wire, now: T0 + 3100, expectedVrids: [51]})
    expect(snapshot.vrrp.map((v) => [v.node, v.vrid, v.state, v.rogue, v.adverts, v.lastAdvertMsAgo, v.source])).toEqual([
      [A, 51, 'MASTER', false, 4, 100, 'wire'],
      [B, 51, 'MASTER', false, 3, 600, 'wire'],
      ['198.18.0.66', 99, 'MASTER', true, 1, 500, 'wire'],
    ])
    expect(snapshot.vrrp[2]?.mac).toBe('02:00:00:00:00:66')
    expect(snapshot.events.filter((e) => e.kind === 'vrrp-advert')).toHaveLength(8)
    expect(snapshot.events.filter((e) => e.kind === 'vrrp-split').map((e) => e.text)).toEqual([`two masters for VRID 51: ${A} wire, ${B} wire`])
  })
})
