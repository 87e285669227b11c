import {describe, expect, it} from 'vitest'
import {failsOver, planCluster} from '../../src/init/cluster.js'

const nodes = (n: number) => Array.from({length: n}, (_, i) => ({name: `lb${i + 1}`, ssh: `lb${i + 1}`}))

describe('planCluster', () => {
  it.each([
    // nodes, priorities, weight
    [2, [110, 100], -20],
    [3, [110, 100, 99], -21],
    [4, [110, 100, 99, 98], -22],
    [10, [110, 100, 99, 98, 97, 96, 95, 94, 93, 92], -28],
  ])('%i nodes: priorities %j, weight %i', (n, priorities, weight) => {
    const plan = planCluster(nodes(n))
    expect(plan.nodes.map((node) => node.priority)).toEqual(priorities)
    expect(plan.nodes.map((node) => node.role)).toEqual(['MASTER', ...Array.from({length: n - 1}, () => 'BACKUP')])
    expect(plan.weight).toBe(weight)
  })

  it.each([2, 3, 5, 10])('with %i nodes a MASTER whose haproxy is down falls below every healthy BACKUP', (n) => {
    const plan = planCluster(nodes(n))
    const [master, ...backups] = plan.nodes
    for (const backup of backups) {
      expect(master!.priority + plan.weight).toBeLessThan(backup.priority)
      // ...but a healthy MASTER stays above a BACKUP whose haproxy is down
      expect(backup.priority + plan.weight).toBeLessThan(master!.priority)
    }
    expect(new Set(plan.nodes.map((node) => node.priority)).size).toBe(n)
    expect(failsOver(plan)).toBe(true)
  })

  it('failsOver spots a weight too small to move the VIP, and a positive weight', () => {
    const plan = planCluster(nodes(2))
    expect(failsOver({...plan, weight: -10})).toBe(false)
    expect(failsOver({...plan, weight: 2})).toBe(false)
  })
})
