import {describe, expect, it} from 'vitest'
import {countFlaps, diffSnapshots, formatEventLine, isFlap, summarizeSnapshot, type LbEvent, type StatsSnapshot} from '../../src/observe/events.js'
import {parseShowInfo} from '../../src/observe/show-info.js'
import {parseShowStat} from '../../src/observe/stat-csv.js'
import {fixture} from './fixtures.js'

const info = parseShowInfo(fixture('info.txt'))
const snap = (file: string, at: number, infoPatch: Partial<typeof info> = {}): StatsSnapshot => ({node: 'lb1', at, rows: parseShowStat(fixture(file)), info: {...info, ...infoPatch}})
const texts = (events: LbEvent[]) => events.map((e) => e.text)

describe('diffSnapshots', () => {
  it('emits nothing for the first snapshot or when nothing changed', () => {
    expect(diffSnapshots(undefined, snap('stat-up.csv', 1))).toEqual([])
    expect(diffSnapshots(snap('stat-up.csv', 1), snap('stat-up.csv', 2))).toEqual([])
  })

  it('ignores transitional steps (UP 1/2 is still UP)', () => {
    expect(diffSnapshots(snap('stat-up.csv', 1), snap('stat-going-down.csv', 2))).toEqual([])
    expect(diffSnapshots(snap('stat-down.csv', 1), snap('stat-going-up.csv', 2)).filter((e) => e.kind === 'health' && e.server === 'web1')).toEqual([])
  })

  it('words a DOWN like HAProxy logs it, with the check and the servers left', () => {
    const events = diffSnapshots(snap('stat-going-down.csv', 1), snap('stat-down.csv', 2))
    expect(events).toEqual([
      {kind: 'health', at: 2, node: 'lb1', proxy: 'app', server: 'web1', from: 'UP', to: 'DOWN', check: 'L4CON in 0ms', activeLeft: 1, backupLeft: 0, text: 'app/web1 DOWN, L4CON in 0ms, 1 active server left'},
    ])
    expect(isFlap(events[0]!)).toBe(true)
  })

  it('reports the last server going down and the backend losing every server', () => {
    const events = diffSnapshots(snap('stat-down.csv', 1), snap('stat-404.csv', 2))
    expect(texts(events)).toEqual(['app/web2 DOWN, L7STS/404 in 0ms, 0 active servers left', 'backend app has no server available!'])
    expect(events.filter(isFlap)).toHaveLength(1)
  })

  it('reports admin changes without a check', () => {
    const events = diffSnapshots(snap('stat-up.csv', 1), snap('stat-maint-drain.csv', 2))
    expect(texts(events)).toEqual(['app/web1 MAINT, 0 active servers left', 'app/web2 DRAIN, 0 active servers left', 'backend app has no server available!'])
    expect(events.filter(isFlap)).toEqual([])
  })

  it('detects a reload from the pid or the uptime', () => {
    const events = diffSnapshots(snap('stat-up.csv', 1, {pid: 10, uptimeSec: 50}), snap('stat-up.csv', 2, {pid: 11, uptimeSec: 0}))
    expect(events).toEqual([{kind: 'reload', at: 2, node: 'lb1', pid: 11, text: 'haproxy reloaded (pid 11)'}])
  })
})

describe('countFlaps', () => {
  it('counts UP→DOWN per server only', () => {
    const down = diffSnapshots(snap('stat-going-down.csv', 1), snap('stat-down.csv', 2))
    const up = diffSnapshots(snap('stat-going-up.csv', 3), snap('stat-up.csv', 4))
    let counts = countFlaps({}, down)
    counts = countFlaps(counts, up)
    counts = countFlaps(counts, down)
    expect(counts).toEqual({'lb1/app/web1': 2})
  })
})

describe('formatting', () => {
  it('prints a tcpdump-style time, the node and the text', () => {
    const at = new Date(2026, 0, 2, 12, 0, 1, 234).getTime()
    expect(formatEventLine({kind: 'reload', at, node: 'lb1', text: 'haproxy reloaded'})).toBe('12:00:01.234 lb1 haproxy reloaded')
    expect(summarizeSnapshot(snap('stat-down.csv', 1))).toBe('HAProxy 2.6.12, servers: 1 DOWN, 1 UP')
  })
})
