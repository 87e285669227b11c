import {describe, expect, it} from 'vitest'
import {startTimeline, timelineRecorder} from '../../src/failover/timeline.js'
import type {VrrpRow} from '../../src/observe/show-vrrp.js'

function row(state: string, vrid = 51): VrrpRow {
  return {instance: 'VI_1', state, priority: 100, effectivePriority: 100, vrid, version: 2, advertIntMs: 1000, master: '', vips: ['127.0.0.100'], lastAdvertMsAgo: 10, reportedNode: ''}
}

describe('timelineRecorder', () => {
  it('records role changes, an unreachable node, and the dual-master window', () => {
    const t = timelineRecorder()
    t.add(0, [{node: 'a', rows: [row('MASTER')]}, {node: 'b', rows: [row('BACKUP')]}])
    t.add(50, [{node: 'a', rows: [row('MASTER')]}, {node: 'b', rows: [row('BACKUP')]}])
    // b takes over while a still says MASTER (a split): 100..200.
    t.add(100, [{node: 'a', rows: [row('MASTER')]}, {node: 'b', rows: [row('MASTER')]}])
    t.add(150, [{node: 'a', rows: [row('MASTER')]}, {node: 'b', rows: [row('MASTER')]}])
    t.add(200, [{node: 'a', rows: undefined}, {node: 'b', rows: [row('MASTER')]}])
    t.add(250, [{node: 'a', rows: undefined}, {node: 'b', rows: [row('MASTER')]}])
    const timeline = t.finish(300)
    expect(timeline.roles.map((r) => `${r.at} ${r.node} ${r.from ?? '-'} -> ${r.to}`)).toEqual([
      '0 a - -> MASTER',
      '0 b - -> BACKUP',
      '100 b BACKUP -> MASTER',
      '200 a MASTER -> unreachable',
    ])
    expect(timeline.dualMaster).toEqual([{vrid: 51, start: 100, end: 200, nodes: ['a', 'b']}])
    expect(timeline.polls).toBe(6)
    expect([...t.latest().keys()]).toEqual(['b'])
  })

  it('keeps a window open until finish, and ignores masters of different VRIDs', () => {
    const t = timelineRecorder()
    t.add(0, [{node: 'a', rows: [row('MASTER', 51)]}, {node: 'b', rows: [row('MASTER', 52)]}])
    t.add(10, [{node: 'a', rows: [row('MASTER', 51)]}, {node: 'b', rows: [row('MASTER', 51)]}])
    expect(t.finish(40).dualMaster).toEqual([{vrid: 51, start: 10, end: 40, nodes: ['a', 'b']}])
  })
})

describe('startTimeline', () => {
  it('polls every source, a throwing one as unreachable, and stops', async () => {
    let calls = 0
    const poller = startTimeline(
      [
        {node: 'a', showVrrp: async () => (++calls > 2 ? Promise.reject(new Error('ECONNREFUSED')) : [row('MASTER')])},
        {node: 'b', showVrrp: async () => [row('BACKUP')]},
      ],
      {intervalMs: 1},
    )
    for (let i = 0; i < 4; i++) await poller.nextRound()
    const timeline = await poller.stop()
    expect(timeline.roles.map((r) => `${r.node} ${r.to}`)).toEqual(['a MASTER', 'b BACKUP', 'a unreachable'])
    expect(timeline.polls).toBeGreaterThanOrEqual(4)
  })
})
