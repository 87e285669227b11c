/**
 * The lab as root: six namespaces on one bridge, real haproxy + keepalived on lba/lbb, backends and a
 * client; one MASTER holds the VIP, answers from the client name the LB and backend; destroy()
 * leaves no namespace, process or directory behind. Leftovers of a dead owner are swept.
 */
import {execFileSync, spawnSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {labVrrpRows} from '../../src/failover/lab.js'
import {type Lab, startLab} from '../../src/lab/lab.js'
import {namespaceName, newLabId} from '../../src/lab/names.js'
import {startTrafficIn} from '../../src/lab/remote-traffic.js'
import {LAB_VIP, sweepLeftovers} from '../../src/lab/topology.js'
import {requireBinary, requireRoot} from '../helpers/oracles.js'
import {alive} from '../helpers/process.js'

const namespaces = () => execFileSync('ip', ['netns', 'list']).toString()
const holdsVip = (ns: string) => execFileSync('ip', ['-n', ns, '-4', '-o', 'addr', 'show', 'dev', 'eth0']).toString().includes(`${LAB_VIP}/24`)

describe.skipIf(!(requireRoot() && requireBinary('haproxy') && requireBinary('keepalived')))('lab (network namespaces, real haproxy + keepalived)', () => {
  let lab: Lab | undefined

  beforeAll(async () => {
    lab = await startLab()
  }, 30_000)

  afterAll(async () => {
    await lab?.destroy()
  })

  it('elects lba (priority 110) and only lba holds the VIP', () => {
    expect(labVrrpRows(lab!, 'lba')?.[0]).toMatchObject({state: 'MASTER', priority: 110, vrid: 51, version: 3, advertIntMs: 100})
    expect(labVrrpRows(lab!, 'lbb')?.[0]).toMatchObject({state: 'BACKUP', priority: 100})
    expect(holdsVip(lab!.nodes.lba.ns)).toBe(true)
    expect(holdsVip(lab!.nodes.lbb.ns)).toBe(false)
  })

  it('requests from the client namespace reach the VIP through lba to both backends', async () => {
    const traffic = startTrafficIn(lab!.clientNs, {url: lab!.url, rate: 50, timeoutMs: 1000, maxRequests: 20})
    await traffic.ready
    await new Promise((resolve) => setTimeout(resolve, 500))
    const records = await traffic.stop()
    expect(records.length).toBeGreaterThan(10)
    expect(records.every((r) => r.outcome.kind === 'ok' && r.lbNode === 'lba')).toBe(true)
    expect(new Set(records.map((r) => r.servedBy))).toEqual(new Set(['app1', 'app2']))
  })

  it('destroy() removes namespaces, processes and the directory', async () => {
    const made = lab!
    const pids = [...made.backends, made.nodes.lba.haproxy!, made.nodes.lba.keepalived!, made.nodes.lbb.keepalived!].map((p) => p.pid)
    await made.destroy()
    lab = undefined
    expect(namespaces()).not.toContain(made.id)
    expect(existsSync(made.dir)).toBe(false)
    for (const pid of pids) expect(alive(pid), `pid ${pid}`).toBe(false)
  })
})

describe.skipIf(!requireRoot())('sweepLeftovers', () => {
  it('removes lab namespaces whose owner is dead, keeps a live owner’s', () => {
    const deadPid = spawnSync('true').pid!
    const dead = namespaceName(newLabId(deadPid), 'sw')
    const live = namespaceName(newLabId(process.pid), 'sw')
    try {
      for (const ns of [dead, live]) execFileSync('ip', ['netns', 'add', ns])
      // Another lab starting meanwhile may sweep it first: what matters is that it is gone.
      sweepLeftovers()
      expect(namespaces()).not.toContain(dead)
      expect(namespaces()).toContain(live)
    } finally {
      for (const ns of [dead, live]) spawnSync('ip', ['netns', 'del', ns])
    }
  })
})
