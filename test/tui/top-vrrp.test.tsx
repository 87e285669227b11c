// The VRRP panel of `lbctl top`: selectors over the reducer's state (tables), then frames with
// ink-testing-library (injected times, no sleeps).
import {cleanup, render} from 'ink-testing-library'
import {afterEach, describe, expect, it} from 'vitest'
import type {LbEvent} from '../../src/observe/events.js'
import {parseShowInfo} from '../../src/observe/show-info.js'
import type {VrrpRow} from '../../src/observe/show-vrrp.js'
import {parseShowStat} from '../../src/observe/stat-csv.js'
import {initialTopState, topReducer, type TopAction, type TopState} from '../../src/tui/state/top-state.js'
import {splitBrains, vrrpPanelRows} from '../../src/tui/state/vrrp-panel.js'
import {TopScreen} from '../../src/tui/top/top-screen.js'
import {advertAge} from '../../src/tui/top/vrrp-panel.js'
import {fixture} from '../observe/fixtures.js'

const T0 = new Date(2026, 0, 2, 12, 0, 0).getTime()
const row = (state: string, patch: Partial<VrrpRow> = {}): VrrpRow => ({
  instance: 'VI_1', state, priority: 100, effectivePriority: 100, vrid: 51, version: 2, advertIntMs: 1000, master: '127.0.0.11', vips: ['127.0.0.100'], lastAdvertMsAgo: 200, reportedNode: '', ...patch,
})
const stats = (node: string, at: number, vrrp?: VrrpRow[]): TopAction => ({
  type: 'event',
  event: {kind: 'stats', at, node, text: '', snapshot: {node, at, rows: parseShowStat(fixture('stat-up.csv')), info: parseShowInfo(fixture('info.txt')), ...(vrrp ? {vrrp} : {})}},
})
const lost = (node: string, at: number): TopAction => ({type: 'event', event: {kind: 'node', at, node, reachable: false, text: 'stats socket unreachable: connection refused'}})
const role: LbEvent = {kind: 'role', at: T0 + 3000, node: 'b', instance: 'VI_1', vrid: 51, from: 'BACKUP', to: 'MASTER', text: 'VI_1 BACKUP -> MASTER'}

const aMaster = row('MASTER', {priority: 110, effectivePriority: 110})
const bBackup = row('BACKUP', {lastAdvertMsAgo: 700})
const bMaster = row('MASTER', {master: '127.0.0.12'})

function state(size: {columns: number; rows: number}, ...actions: TopAction[]): TopState {
  return actions.reduce(topReducer, initialTopState({nodes: ['a', 'b'], now: T0, ...size}))
}

describe('vrrpPanelRows / splitBrains', () => {
  const size = {columns: 100, rows: 30}
  it.each([
    ['no VRRP (real HAProxy): no rows', [stats('a', T0), stats('b', T0)], [], []],
    ['MASTER and BACKUP; the backup names its master by node, ages since the poll', [stats('a', T0, [aMaster]), stats('b', T0, [bBackup]), {type: 'tick', now: T0 + 500} as TopAction], ['a VI_1 MASTER 110 a 700', 'b VI_1 BACKUP 100 a 1200'], []],
    ['a node lost: its stale rows say UNREACHABLE, the other is MASTER', [stats('a', T0, [aMaster]), stats('b', T0, [bBackup]), lost('a', T0 + 1000), stats('b', T0 + 2000, [bMaster])], ['a VI_1 UNREACHABLE 110 - -', 'b VI_1 MASTER 100 b 200'], []],
    ['two masters of VRID 51', [stats('a', T0, [aMaster]), stats('b', T0, [bMaster])], ['a VI_1 MASTER 110 a 200', 'b VI_1 MASTER 100 b 200'], [51]],
    ['a node that stops answering show vrrp drops out', [stats('a', T0, [aMaster]), stats('a', T0 + 1000)], [], []],
    ['sorted by VRID', [stats('a', T0, [row('BACKUP', {instance: 'VI_9', vrid: 60}), aMaster])], ['a VI_1 MASTER 110 a 200', 'a VI_9 BACKUP 100 127.0.0.11 200'], []],
  ] as const)('%s', (_name, actions, expectedRows, expectedSplits) => {
    const s = state(size, ...actions)
    expect(vrrpPanelRows(s).map((r) => `${r.node} ${r.instance} ${r.role} ${r.effectivePriority} ${r.master || '-'} ${r.lastAdvertMsAgo ?? '-'}`)).toEqual(expectedRows)
    expect(splitBrains(s).map((x) => x.vrid)).toEqual(expectedSplits)
  })

  it('paused: the panel keeps showing the frozen rows', () => {
    const s = [{type: 'toggle-pause'} as TopAction, stats('b', T0 + 1000, [bMaster])].reduce(topReducer, state(size, stats('a', T0, [aMaster]), stats('b', T0, [bBackup])))
    expect(vrrpPanelRows(s).map((r) => r.role)).toEqual(['MASTER', 'BACKUP'])
  })

  it.each([
    [null, '-'],
    [420, '0.4s'],
    [12_300, '12s'],
    [125_000, '2m'],
  ])('advertAge(%s) = %s', (ms, text) => expect(advertAge(ms)).toBe(text))
})

afterEach(() => cleanup())

describe('TopScreen VRRP panel', () => {
  it('shows role, priority, advert age (aged to the screen clock), master and VIPs per node at 80×24, and role events', () => {
    const frame = render(<TopScreen state={state({columns: 80, rows: 24}, stats('a', T0, [aMaster]), stats('b', T0, [bBackup]), {type: 'event', event: role})} />).lastFrame()!
    const lines = frame.split('\n')
    expect(lines.length).toBeLessThanOrEqual(24)
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80)
    expect(frame).toMatch(/ {2}VRRP\n/)
    expect(frame).toMatch(/NODE\s+INSTANCE\s+VRID\s+ROLE\s+PRIO\s+ADVERT\s+MASTER\s+VIPS/)
    expect(frame).toMatch(/a\s+VI_1\s+51\s+MASTER\s+110\s+3\.2s\s+a\s+127\.0\.0\.100/)
    expect(frame).toMatch(/b\s+VI_1\s+51\s+BACKUP\s+100\s+3\.7s\s+a\s+127\.0\.0\.100/)
    expect(frame).toContain('12:00:03.000 b VI_1 BACKUP -> MASTER')
    expect(frame).not.toContain('SPLIT BRAIN')
    // The panel sits above the event stream.
    expect(frame.indexOf('VRRP')).toBeLessThan(frame.indexOf('EVENTS'))
  })

  it('shows a warning banner under the header for two masters of one VRID', () => {
    const frame = render(<TopScreen state={state({columns: 80, rows: 24}, stats('a', T0, [aMaster]), stats('b', T0, [bMaster]))} />).lastFrame()!
    expect(frame.split('\n')[1]).toContain('⚠ SPLIT BRAIN: two masters for VRID 51: a VI_1, b VI_1')
    expect(frame.split('\n').length).toBeLessThanOrEqual(24)
  })

  it('no VRRP panel against a real HAProxy', () => {
    const frame = render(<TopScreen state={state({columns: 80, rows: 24}, stats('a', T0), stats('b', T0))} />).lastFrame()!
    expect(frame).not.toContain('VRRP')
  })
})
