// Frames of the `lbctl top` screen with ink-testing-library, an injected clock and fake sources (no sleeps).
import {cleanup, render} from 'ink-testing-library'
import {afterEach, describe, expect, it} from 'vitest'
import type {LbEvent} from '../../src/observe/events.js'
import type {AdminClient, AdminResult} from '../../src/observe/runtime-api.js'
import {parseShowInfo} from '../../src/observe/show-info.js'
import {parseShowStat} from '../../src/observe/stat-csv.js'
import {initialTopState, topReducer, type TopAction} from '../../src/tui/state/top-state.js'
import {TopApp} from '../../src/tui/top/top-app.js'
import {TopScreen} from '../../src/tui/top/top-screen.js'
import {FakeClock, flush} from '../observe/fake-clock.js'
import {fixture} from '../observe/fixtures.js'

const T0 = new Date(2026, 0, 2, 12, 0, 0).getTime()
const stats = (file: string, at: number): LbEvent => ({kind: 'stats', at, node: 'lb1', text: '', snapshot: {node: 'lb1', at, rows: parseShowStat(fixture(file)), info: parseShowInfo(fixture('info.txt'))}})
const down: LbEvent = {kind: 'health', at: T0 + 2345, node: 'lb1', proxy: 'app', server: 'web1', from: 'UP', to: 'DOWN', check: 'L4CON in 0ms', text: 'app/web1 DOWN, L4CON in 0ms, 1 active server left'}

afterEach(() => cleanup())

function screen(size: {columns: number; rows: number}, ...actions: TopAction[]) {
  const state = actions.reduce(topReducer, initialTopState({nodes: ['lb1'], now: T0, ...size}))
  return render(<TopScreen state={state} />)
}

describe('TopScreen', () => {
  it('fits 80×24: table with status and last check, timeline with flaps, event log', () => {
    const frame = screen(
      {columns: 80, rows: 24},
      {type: 'event', event: stats('stat-up.csv', T0)},
      {type: 'event', event: stats('stat-down.csv', T0 + 2345)},
      {type: 'event', event: down},
      {type: 'move', delta: 1},
    ).lastFrame()!
    const lines = frame.split('\n')
    expect(lines.length).toBeLessThanOrEqual(24)
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80)
    expect(frame).toContain('lbctl top')
    expect(frame).toContain('lb1 2.6.12')
    expect(frame).toMatch(/NAME\s+STATUS\s+WGT\s+CUR/)
    expect(frame).toMatch(/› {3}web1\s+DOWN\s+1/)
    expect(frame).toContain('L4CON in 0ms')
    expect(frame).toMatch(/app\/web1 +[·█▁]+ 1 flap\n/)
    expect(frame).toMatch(/app\/web2 +[·█]+ 0 flaps/)
    expect(frame).toContain('12:00:02.345 lb1 app/web1 DOWN, L4CON in 0ms, 1 active server left')
    // Newest at the bottom: the event log comes after the table and the timeline.
    expect(frame.indexOf('EVENTS')).toBeGreaterThan(frame.indexOf('HEALTH'))
  })

  it('shows more columns on a wide terminal and fewer on a narrow one', () => {
    const wide = screen({columns: 140, rows: 30}, {type: 'event', event: stats('stat-up.csv', T0)}).lastFrame()!
    const narrow = screen({columns: 60, rows: 24}, {type: 'event', event: stats('stat-up.csv', T0)}).lastFrame()!
    expect(wide).toContain('DOWNT')
    expect(wide).toContain('OUT')
    expect(narrow).not.toContain('DOWNT')
    expect(narrow).toContain('STATUS')
    for (const line of narrow.split('\n')) expect(line.length).toBeLessThanOrEqual(60)
  })

  it('shows help, the pause marker, the filter prompt and messages', () => {
    const help = screen({columns: 80, rows: 24}, {type: 'event', event: stats('stat-up.csv', T0)}, {type: 'toggle-help'}).lastFrame()!
    expect(help).toContain('KEYS')
    expect(help).toContain('drain the selected server')
    const paused = screen({columns: 80, rows: 24}, {type: 'toggle-pause'}, {type: 'prompt-open', kind: 'filter'}, {type: 'prompt-type', text: 'web'}).lastFrame()!
    expect(paused).toContain('PAUSED')
    expect(paused.split('\n').at(-1)).toMatch(/^\/web/)
    const message = screen({columns: 80, rows: 24}, {type: 'message', level: 'error', text: 'refused: not level admin'}).lastFrame()!
    expect(message.split('\n').at(-1)).toBe('refused: not level admin')
  })
})

function fakeAdmin(answer: AdminResult['ok'] extends boolean ? (command: string) => AdminResult : never) {
  const calls: string[] = []
  const record = (command: string) => {
    calls.push(command)
    return Promise.resolve(answer(command))
  }
  const client: AdminClient = {
    enableServer: (b, s) => record(`enable server ${b}/${s}`),
    disableServer: (b, s) => record(`disable server ${b}/${s}`),
    drainServer: (b, s) => record(`set server ${b}/${s} state drain`),
    readyServer: (b, s) => record(`set server ${b}/${s} state ready`),
    setWeight: (b, s, w) => record(`set weight ${b}/${s} ${w}`),
  }
  return {client, calls}
}

const tick = () => flush()

async function press(stdin: {write: (data: string) => void}, ...keys: string[]) {
  for (const key of keys) {
    stdin.write(key)
    await tick()
  }
}

describe('TopApp (keys, live events, admin actions)', () => {
  function app(answer: (command: string) => AdminResult = (command) => ({ok: true, command})) {
    const clock = new FakeClock(T0)
    let push: (event: LbEvent) => void = () => undefined
    let stopped = 0
    let refreshed = 0
    const admin = fakeAdmin(answer)
    const rendered = render(
      <TopApp
        nodes={['lb1']}
        clock={clock}
        size={{columns: 80, rows: 24}}
        admin={() => admin.client}
        refresh={() => refreshed++}
        subscribe={(onEvent) => {
          push = onEvent
          return () => {
            stopped++
          }
        }}
      />,
    )
    return {...rendered, clock, push: (e: LbEvent) => push(e), admin, stopped: () => stopped, refreshed: () => refreshed}
  }

  it('renders pushed events and moves the selection with j/k and arrows', async () => {
    const a = app()
    a.push(stats('stat-up.csv', T0))
    await tick()
    expect(a.lastFrame()).toMatch(/› fe_main/)
    await press(a.stdin, 'j', 'j')
    expect(a.lastFrame()).toMatch(/› {3}web2/)
    await press(a.stdin, '\u001B[A')
    expect(a.lastFrame()).toMatch(/› {3}web1/)
    // Several keys in one write (tmux send-keys, ssh) count one by one, a prompt opened midway included.
    await press(a.stdin, 'jk/web2\r')
    expect(a.lastFrame()).toContain('filter: web2')
    expect(a.lastFrame()).toMatch(/› {3}web2/)
    await press(a.stdin, '/', '\u001B')
    a.push(stats('stat-down.csv', T0 + 1000))
    a.push(down)
    await tick()
    expect(a.lastFrame()).toContain('app/web1 DOWN, L4CON in 0ms')
  })

  it('advances the timeline on the injected clock without polls', async () => {
    const a = app()
    a.push(stats('stat-up.csv', T0))
    await tick()
    const before = /app\/web1 +([^ ]+) /.exec(a.lastFrame()!)?.[1]
    await a.clock.advance(20_000)
    const after = /app\/web1 +([^ ]+) /.exec(a.lastFrame()!)?.[1]
    expect(before?.endsWith('█')).toBe(true)
    expect(after?.endsWith('█··')).toBe(true)
    expect(a.lastFrame()).toContain('12:00:20')
  })

  it('d disables, D drains, e enables the selected server, then refreshes', async () => {
    const a = app()
    a.push(stats('stat-up.csv', T0))
    await tick()
    await press(a.stdin, 'j', 'd')
    expect(a.lastFrame()).toContain('lb1: disable server app/web1: done')
    await press(a.stdin, 'j', 'D', 'e')
    expect(a.admin.calls).toEqual(['disable server app/web1', 'set server app/web2 state drain', 'set server app/web2 state ready'])
    expect(a.refreshed()).toBe(3)
  })

  it('w asks for a weight and sets it', async () => {
    const a = app()
    a.push(stats('stat-up.csv', T0))
    await tick()
    await press(a.stdin, 'j', 'w', '5', '0', '%')
    expect(a.lastFrame()).toMatch(/weight of web1 \(0-256 or N%\): 50%/)
    await press(a.stdin, '\r')
    expect(a.admin.calls).toEqual(['set weight app/web1 50%'])
  })

  it('refuses admin keys on a non-server row and shows a permission error', async () => {
    const a = app((command) => ({ok: false, command, reason: 'permission-denied', message: 'permission denied: the socket is not at level admin'}))
    a.push(stats('stat-up.csv', T0))
    await tick()
    await press(a.stdin, 'd')
    expect(a.lastFrame()).toContain('select a server first')
    await press(a.stdin, 'j', 'd')
    expect(a.lastFrame()).toContain('not at level admin')
  })

  it('filters with /, pauses with space, shows help with ?, and stops the source on q', async () => {
    const a = app()
    a.push(stats('stat-up.csv', T0))
    await tick()
    await press(a.stdin, '/', 'w', 'e', 'b', '2', '\r')
    expect(a.lastFrame()).toContain('filter: web2')
    expect(a.lastFrame()).not.toMatch(/ {3}web1 /)
    await press(a.stdin, ' ')
    expect(a.lastFrame()).toContain('PAUSED')
    await press(a.stdin, '?')
    expect(a.lastFrame()).toContain('KEYS')
    await press(a.stdin, 'q')
    expect(a.stopped()).toBe(1)
  })
})
