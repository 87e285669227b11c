/**
 * LocalCluster.restartNode on the built-in demo (needs the built bin/run.js for the node processes):
 * node a (priority 110) restarted, gracefully and after a SIGKILL, comes back as a new process and
 * takes MASTER back from b (priority 100) by preemption; stop() leaves nothing running.
 */
import {existsSync} from 'node:fs'
import {afterAll, describe, expect, it} from 'vitest'
import type {LocalCluster} from '../../src/engine/demo/cluster.js'
import {startUp, type UpSession} from '../../src/engine/demo/up.js'
import {cliPath} from '../helpers/cli.js'
import {alive} from '../helpers/process.js'

let session: UpSession | undefined
const pids: number[] = []

afterAll(async () => {
  await session?.stop()
  for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL')
})

/** Resolves once `node` reports `state` (from its JSON transitions), rejects after `ms`. */
function waitState(cluster: LocalCluster, node: string, state: string, ms: number): Promise<void> {
  if (cluster.nodes.find((n) => n.name === node)?.state === state) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cluster.off('state', onState)
      reject(new Error(`node ${node} not ${state} within ${ms} ms (now ${cluster.nodes.map((n) => `${n.name} ${n.state}`).join(', ')})`))
    }, ms)
    const onState = (name: string, to: string) => {
      if (name !== node || to !== state) return
      clearTimeout(timer)
      cluster.off('state', onState)
      resolve()
    }
    cluster.on('state', onState)
  })
}

const pidOf = (cluster: LocalCluster, name: string) => cluster.nodes.find((n) => n.name === name)!.pid

describe.skipIf(!existsSync(cliPath))('LocalCluster.restartNode', () => {
  it('restarts node a (running, then SIGKILLed) and a takes MASTER back by preemption', async () => {
    session = await startUp({lbctl: {command: process.execPath, args: [cliPath]}})
    const {cluster} = session
    expect(session.endpoints().vipAnswering).toBe(true)
    await waitState(cluster, 'a', 'MASTER', 10_000)
    const first = pidOf(cluster, 'a')
    pids.push(first, pidOf(cluster, 'b'))

    // Running: stopped gracefully (b takes over), then started again on the same advert port.
    const restarted = cluster.restartNode('a')
    await waitState(cluster, 'b', 'MASTER', 5000)
    const second = (await restarted).pid
    pids.push(second)
    expect(alive(first)).toBe(false)
    expect(second).not.toBe(first)
    expect(pidOf(cluster, 'a')).toBe(second)
    expect(session.endpoints().nodes.find((n) => n.name === 'a')?.pid).toBe(second)
    await waitState(cluster, 'a', 'MASTER', 8000)
    await waitState(cluster, 'b', 'BACKUP', 3000)
    expect(await cluster.waitForVip(3000)).toBe(true)

    // Killed: its stats socket file is left behind; the new process must still come up.
    process.kill(second, 'SIGKILL')
    await waitState(cluster, 'b', 'MASTER', 6000)
    const third = (await cluster.restartNode('a')).pid
    pids.push(third)
    expect(third).not.toBe(second)
    await waitState(cluster, 'a', 'MASTER', 8000)
    expect(cluster.nodes.map((n) => n.exited)).toEqual([false, false])

    await session.stop()
    await expect(cluster.restartNode('a')).rejects.toThrow(/stopping/)
    await expect(cluster.restartNode('zz')).rejects.toThrow(/no node zz/)
    for (const pid of pids) expect(alive(pid), `pid ${pid}`).toBe(false)
  }, 60_000)
})
