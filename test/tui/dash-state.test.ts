// `lbctl dash` state: request-rate history per backend, bars, tables, warnings and the event log,
// from the same events top uses (real HAProxy 2.6 `show stat` fixtures, injected times).
import {describe, expect, it} from 'vitest'
import {diffSnapshots, type LbEvent} from '../../src/observe/events.js'
import {parseShowInfo} from '../../src/observe/show-info.js'
import {parseShowStat} from '../../src/observe/stat-csv.js'
import {HISTORY, dashReducer, eventLines, initialDashState, rateChart, serverTable, sessionBars, vrrpTable, warnings, type DashState} from '../../src/tui/dash/dash-state.js'
import {fitWidths, serverLayout} from '../../src/tui/dash/dash-view.js'
import {fixture} from '../observe/fixtures.js'

const T0 = new Date(2026, 0, 2, 12, 0, 0).getTime()

function stats(node: string, at: number, file = 'stat-up.csv', reqRate?: number): LbEvent {
  const rows = parseShowStat(fixture(file)).map((r) => (r.type === 'backend' && reqRate !== undefined ? {...r, reqRate} : r))
  return {kind: 'stats', at, node, text: '', snapshot: {node, at, rows, info: parseShowInfo(fixture('info.txt'))}}
}
const run = (state: DashState, events: LbEvent[]) => events.reduce((s, event) => dashReducer(s, {type: 'event', event}), state)

describe('dash state', () => {
  it('keeps the request rate of each backend over time, at most HISTORY points', () => {
    const events = Array.from({length: HISTORY + 5}, (_, i) => stats('lb1', T0 + i * 1000, 'stat-up.csv', i))
    const state = run(initialDashState({nodes: ['lb1'], now: T0}), events)
    const [app, ...rest] = rateChart(state)
    expect(rest).toEqual([])
    expect(app?.title).toBe('app')
    expect(app?.y).toHaveLength(HISTORY)
    expect(app?.y.at(-1)).toBe(HISTORY + 4)
    expect(app?.x.at(-1)).toBe('02:04')
  })

  it('names series and bars by node with several nodes', () => {
    const state = run(initialDashState({nodes: ['lb1', 'lb2'], now: T0}), [stats('lb1', T0), stats('lb2', T0)])
    expect(rateChart(state).map((s) => s.title)).toEqual(['lb1/app', 'lb2/app'])
    expect(sessionBars(state).titles).toEqual(['lb1/web1', 'lb1/web2', 'lb2/web1', 'lb2/web2'])
  })

  it('server table, health events and the log follow a server going DOWN', () => {
    // The poller turns two snapshots into health events (diffSnapshots); the dash shows both.
    const [up, down] = [stats('lb1', T0), stats('lb1', T0 + 1000, 'stat-down.csv')] as const
    const transitions = up.kind === 'stats' && down.kind === 'stats' ? diffSnapshots(up.snapshot, down.snapshot) : []
    const state = run(initialDashState({nodes: ['lb1'], now: T0}), [up, down, ...transitions])
    const table = serverTable(state)
    expect(table.headers).toEqual(['SERVER', 'STATUS', 'CHECK', 'WGT', 'CUR'])
    expect(table.data.map((r) => `${r[0]} ${r[1]}`)).toEqual(expect.arrayContaining([expect.stringMatching(/^app\/web\d DOWN$/)]))
    expect(eventLines(state, 5).some((l) => / lb1 app\/web\d DOWN, /.test(l))).toBe(true)
    expect(warnings(state)).toEqual([])
    expect(vrrpTable(state).data).toEqual([])
  })

  it('a narrow servers table has no WGT and writes the check without "in", from the real show stat rows', () => {
    const [up, down] = [stats('lb1', T0), stats('lb1', T0 + 1000, 'stat-down.csv')] as const
    const state = run(initialDashState({nodes: ['lb1'], now: T0}), [up, down])
    const wide = serverTable(state)
    const narrow = serverTable(state, {narrow: true})
    expect(narrow.headers).toEqual(['SERVER', 'STATUS', 'CHECK', 'CUR'])
    expect(narrow.data).toEqual(wide.data.map(([server, status, check, , cur]) => [server, status, check?.replace(' in ', ' '), cur]))
    expect(wide.data.some((r) => / in \d+ms$/.test(r[2] ?? ''))).toBe(true)
  })

  it.each([
    [[15, 8, 4, 8, 4, 5, 15, 32], 200, [], [15, 8, 4, 8, 4, 5, 15, 32]],
    [[12, 8, 4, 8, 4, 5, 12, 14], 60, [], [7, 8, 4, 8, 4, 5, 8, 8]],
    // An address column keeps its 15 characters while others can give way.
    [[15, 8, 4, 8, 4, 5, 15, 32], 57, [15, 3, 4, 7, 4, 5, 3, 3], [15, 4, 4, 7, 4, 5, 5, 5]],
    [[15, 8, 4, 8, 4, 5, 15, 32], 115, [15, 3, 4, 7, 4, 5, 3, 3], [15, 8, 4, 8, 4, 5, 15, 32]],
    [[10, 10], 4, [], [3, 3]],
  ])('fitWidths(%j, %i, floors %j) = %j', (base, width, floor, expected) => {
    const widths = fitWidths(base, width, 1, floor)
    expect(widths).toEqual(expected)
    if (widths.some((w) => w > 3)) expect(widths.reduce((a, b) => a + b, 0) + widths.length).toBeLessThanOrEqual(width)
  })
})

describe('servers table layout', () => {
  it.each([
    // 80 columns: the servers box's 37 characters hold `app/web1`, `DOWN 1/2` and `L4TOUT 2001ms`.
    [80, true, [8, 8, 13, 4]],
    [100, true, [16, 9, 14, 4]],
    [110, false, [15, 9, 16, 3, 4]],
    // 120 columns and wider: the five columns as they always were.
    [120, false, [16, 9, 18, 3, 4]],
    [200, false, [16, 9, 18, 3, 4]],
  ])('at %i columns: narrow %s, widths %j', (columns, narrow, widths) => {
    const inner = Math.floor(columns / 2) - 3
    const layout = serverLayout(inner)
    expect(layout).toEqual({narrow, widths})
    expect(layout.widths.reduce((a, b) => a + b, 0) + layout.widths.length).toBeLessThanOrEqual(inner)
  })
})
