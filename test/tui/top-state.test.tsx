// Reducer and selector tables for `lbctl top` (pure; no Ink).
import {describe, expect, it} from 'vitest'
import type {LbEvent} from '../../src/observe/events.js'
import {parseShowInfo} from '../../src/observe/show-info.js'
import {parseShowStat} from '../../src/observe/stat-csv.js'
import {cellsUntil, recordCell} from '../../src/tui/state/timeline.js'
import {initialTopState, selectedRow, shown, topReducer, visibleRows, type TopAction, type TopState} from '../../src/tui/state/top-state.js'
import {fixture} from '../observe/fixtures.js'

const T0 = Date.UTC(2026, 0, 2, 12, 0, 0)
const stats = (file: string, at: number, node = 'lb1'): LbEvent => ({kind: 'stats', at, node, text: '', snapshot: {node, at, rows: parseShowStat(fixture(file)), info: parseShowInfo(fixture('info.txt'))}})
const run = (state: TopState, ...actions: TopAction[]) => actions.reduce(topReducer, state)
const start = () => run(initialTopState({nodes: ['lb1'], now: T0, timeline: {bucketMs: 10_000, buckets: 6}, maxEvents: 3}), {type: 'event', event: stats('stat-up.csv', T0)})
const names = (s: TopState) => visibleRows(s).map((r) => `${r.row.proxy}/${r.row.name}`)

describe('stats table', () => {
  it('lists rows in HAProxy order and selects the first by default', () => {
    const s = start()
    expect(names(s)).toEqual(['fe_main/FRONTEND', 'app/web1', 'app/web2', 'app/BACKEND'])
    expect(selectedRow(s)?.key).toBe('lb1/fe_main/FRONTEND')
    expect(s.nodes).toEqual([{name: 'lb1', reachable: true, lastPoll: T0, version: '2.6.12-1+deb12u4', uptimeSec: 1}])
  })

  it.each([
    [[{type: 'move', delta: 1}], 'lb1/app/web1'],
    [[{type: 'move', delta: 2}, {type: 'move', delta: -1}], 'lb1/app/web1'],
    [[{type: 'move', delta: 99}], 'lb1/app/BACKEND'],
    [[{type: 'move', delta: -5}], 'lb1/fe_main/FRONTEND'],
  ] as [TopAction[], string][])('moves the selection %j → %s', (actions, key) => {
    expect(selectedRow(run(start(), ...actions))?.key).toBe(key)
  })

  it('keeps the selected server selected when the sort moves it', () => {
    const s = run(start(), {type: 'move', delta: 2}, {type: 'event', event: stats('stat-down.csv', T0 + 1000)}, {type: 'sort-next'}, {type: 'sort-next'})
    expect(s.sort).toEqual({column: 'status', descending: false})
    expect(names(s)[0]).toBe('app/web1')
    expect(selectedRow(s)?.key).toBe('lb1/app/web2')
  })

  it.each([
    ['natural', false, ['fe_main/FRONTEND', 'app/web1', 'app/web2', 'app/BACKEND']],
    ['name', false, ['app/BACKEND', 'app/web1', 'app/web2', 'fe_main/FRONTEND']],
    ['status', false, ['app/web1', 'app/web2', 'app/BACKEND', 'fe_main/FRONTEND']],
    // Ties (every weight is 1 once web1 is down) keep HAProxy's order.
    ['weight', true, ['app/web1', 'app/web2', 'app/BACKEND', 'fe_main/FRONTEND']],
  ] as const)('sorts by %s (descending %s)', (column, descending, expected) => {
    let s = run(start(), {type: 'event', event: stats('stat-down.csv', T0 + 1000)})
    while (s.sort.column !== column) s = topReducer(s, {type: 'sort-next'})
    expect(s.sort.descending).toBe(descending)
    expect(names(s)).toEqual(expected)
  })

  it('reverses the sort with S', () => {
    let s = run(start(), {type: 'sort-next'})
    s = run(s, {type: 'sort-reverse'})
    expect(names(s)).toEqual(['fe_main/FRONTEND', 'app/web2', 'app/web1', 'app/BACKEND'])
  })

  it('filters while typing; Enter keeps the filter, Escape clears it', () => {
    let s = run(start(), {type: 'prompt-open', kind: 'filter'}, {type: 'prompt-type', text: 'web'}, {type: 'prompt-type', text: '2'})
    expect(names(s)).toEqual(['app/web2'])
    s = run(s, {type: 'prompt-backspace'})
    expect(names(s)).toEqual(['app/web1', 'app/web2'])
    const kept = run(s, {type: 'prompt-close', submit: true})
    expect([kept.prompt, kept.filter]).toEqual([undefined, 'web'])
    const cleared = run(s, {type: 'prompt-close', submit: false})
    expect([cleared.prompt, cleared.filter, names(cleared).length]).toEqual([undefined, '', 4])
  })

  it('filters on the status too', () => {
    const s = run(start(), {type: 'event', event: stats('stat-down.csv', T0 + 1000)}, {type: 'prompt-open', kind: 'filter'}, {type: 'prompt-type', text: 'down'})
    expect(names(s)).toEqual(['app/web1'])
  })
})

describe('events, flaps and the timeline', () => {
  const health = (at: number, from: 'UP' | 'DOWN', to: 'UP' | 'DOWN'): LbEvent => ({kind: 'health', at, node: 'lb1', proxy: 'app', server: 'web1', from, to, check: '', text: `app/web1 ${to}`})

  it('keeps a bounded event log, newest last, without stats snapshots', () => {
    const s = run(start(), ...[1, 2, 3, 4].map((i): TopAction => ({type: 'event', event: health(T0 + i, i % 2 ? 'UP' : 'DOWN', i % 2 ? 'DOWN' : 'UP')})))
    expect(s.live.events.map((e) => e.at - T0)).toEqual([2, 3, 4])
    expect(s.live.flaps).toEqual({'lb1/app/web1': 2})
    expect(visibleRows(s).find((r) => r.row.name === 'web1')?.flaps).toBe(2)
  })

  it('colours each bucket by the worst state seen in it', () => {
    const s = run(
      start(),
      {type: 'event', event: stats('stat-going-down.csv', T0 + 2000)},
      {type: 'event', event: stats('stat-down.csv', T0 + 12_000)},
      {type: 'event', event: stats('stat-up.csv', T0 + 15_000)},
      {type: 'event', event: stats('stat-maint-drain.csv', T0 + 31_000)},
    )
    const cells = (key: string) => cellsUntil(s.live.timeline[key] ?? [], s.live.now, 6, s.timeline)
    expect(cells('lb1/app/web1')).toEqual([undefined, undefined, 'going-down', 'down', undefined, 'maint'])
    expect(cells('lb1/app/web2')).toEqual([undefined, undefined, 'up', 'up', undefined, 'drain'])
  })

  it('forgets buckets older than the window', () => {
    const config = {bucketMs: 1000, buckets: 3}
    let cells = recordCell([], 0, 'down', config)
    cells = recordCell(cells, 1500, 'up', config)
    cells = recordCell(cells, 3200, 'up', config)
    expect(cells).toEqual([{bucket: 1, state: 'up'}, {bucket: 3, state: 'up'}])
  })

  it('marks a node unreachable and back', () => {
    let s = run(start(), {type: 'event', event: {kind: 'node', at: T0 + 1, node: 'lb1', reachable: false, text: 'stats socket unreachable: connection refused'}})
    expect(s.nodes[0]).toMatchObject({reachable: false, error: 'stats socket unreachable: connection refused'})
    s = run(s, {type: 'event', event: {kind: 'node', at: T0 + 2, node: 'lb1', reachable: true, text: 'back'}})
    expect(s.nodes[0]?.reachable).toBe(true)
    expect(s.nodes[0]?.error).toBeUndefined()
  })
})

describe('pause, help, size', () => {
  it('freezes what is shown while paused and catches up on resume', () => {
    let s = run(start(), {type: 'toggle-pause'}, {type: 'event', event: stats('stat-down.csv', T0 + 1000)})
    expect(s.paused).toBe(true)
    expect(visibleRows(s).find((r) => r.row.name === 'web1')?.row.status.state).toBe('UP')
    expect(s.live.rows.lb1?.find((r) => r.name === 'web1')?.status.state).toBe('DOWN')
    s = run(s, {type: 'toggle-pause'})
    expect(shown(s)).toBe(s.live)
    expect(visibleRows(s).find((r) => r.row.name === 'web1')?.row.status.state).toBe('DOWN')
  })

  it('toggles help, resizes, shows a message, and advances time on ticks', () => {
    const s = run(start(), {type: 'toggle-help'}, {type: 'resize', columns: 100, rows: 30}, {type: 'message', level: 'error', text: 'nope'}, {type: 'tick', now: T0 + 5000})
    expect([s.help, s.size, s.message, s.live.now]).toEqual([true, {columns: 100, rows: 30}, {text: 'nope', level: 'error'}, T0 + 5000])
    expect(run(s, {type: 'toggle-help'}).help).toBe(false)
  })
})
