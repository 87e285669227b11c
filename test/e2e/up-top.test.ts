/**
 * `lbctl up --no-top --json` then `lbctl top --once --json` on both nodes' sockets (the built bin/run.js):
 * `show vrrp` gives one MASTER and one BACKUP; after SIGKILL of node a, a snapshot shows b MASTER and a
 * unreachable within 5 s. Loopback only, no root.
 */
import {existsSync} from 'node:fs'
import {afterAll, describe, expect, it} from 'vitest'
import type {TopSnapshot} from '../../src/observe/snapshot.js'
import {cliPath, runCli} from '../helpers/cli.js'
import {alive} from '../helpers/process.js'
import {requireBinary, requireRoot} from '../helpers/oracles.js'
import {startUpJson, type UpRun} from '../helpers/up.js'

const cli = process.env.LBCTL_E2E_CLI ?? cliPath
let up: UpRun | undefined

afterAll(() => up?.killAll())

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms: number): Promise<{value: T; elapsed: number}> {
  const start = Date.now()
  for (;;) {
    const value = await probe()
    if (value !== undefined) return {value, elapsed: Date.now() - start}
    if (Date.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

async function snapshot(sockets: string[]): Promise<TopSnapshot> {
  const result = await runCli(['top', '--once', '--json', ...sockets.flatMap((s) => ['--socket', s])])
  return JSON.parse(result.stdout) as TopSnapshot
}

const roles = (s: TopSnapshot) => s.vrrp.map((v) => `${v.node} ${v.instance} ${v.state}`)

describe.skipIf(!existsSync(cli))('lbctl top on the pair from lbctl up', () => {
  it('shows one MASTER and one BACKUP, then b MASTER and a unreachable after SIGKILL of a', async () => {
    up = await startUpJson(cli)
    const {child, endpoints, exited} = up
    const sockets = endpoints.nodes.map((n) => `${n.name}=${n.statsSocket}`)

    // Settled roles: a (priority 110) MASTER, b BACKUP, b knows a as its master.
    const settled = await until('one MASTER and one BACKUP', async () => {
      const s = await snapshot(sockets)
      return roles(s).join(', ') === 'a VI_1 MASTER, b VI_1 BACKUP' ? s : undefined
    }, 10_000)
    const [a, b] = settled.value.vrrp
    expect(a).toMatchObject({vrid: b!.vrid, vips: ['127.0.0.100'], effectivePriority: expect.any(Number)})
    expect(b!.master).toBe(a!.master)
    expect(b!.lastAdvertMsAgo).toBeLessThan(3000)
    expect(settled.value.nodes.map((n) => [n.name, n.reachable])).toEqual([['a', true], ['b', true]])
    expect(settled.value.events.filter((e) => e.kind === 'vrrp-split')).toEqual([])

    // As root, the sniffer hears the pair on loopback too (lbctl's local mode: VRRP in UDP to 239.255.0.18:11200):
    // the MASTER advertises (the BACKUP is silent) and the wire agrees with show vrrp.
    if (requireRoot() && requireBinary('tcpdump')) {
      const heard = await runCli(['top', '--once', '--json', '--sniff', 'lo', '--sniff-for', '2.5s', ...sockets.flatMap((s) => ['--socket', s])])
      const wire = (JSON.parse(heard.stdout) as TopSnapshot).vrrp.filter((v) => v.source === 'wire' && v.vrid === a!.vrid)
      expect(wire.map((v) => `${v.node} ${v.state} ${v.rogue}`)).toContain(`${a!.master} MASTER false`)
      const texts = (JSON.parse(heard.stdout) as TopSnapshot).events.map((e) => String(e.text))
      expect(texts).toContainEqual(expect.stringMatching(new RegExp(`^${a!.master!.replace(/\./g, '\\.')}\\.(\\d+) > 239\\.255\\.0\\.18\\.\\1: VRRPv[23], Advertisement, vrid ${a!.vrid}, prio ${a!.effectivePriority}`)))
    }

    const nodeA = endpoints.nodes.find((n) => n.name === 'a')!
    process.kill(nodeA.pid, 'SIGKILL')
    const failover = await until('b MASTER and a unreachable', async () => {
      const s = await snapshot(sockets)
      const aReachable = s.nodes.find((n) => n.name === 'a')?.reachable
      return aReachable === false && roles(s).join(', ') === 'b VI_1 MASTER' ? s : undefined
    }, 5000)
    expect(failover.elapsed).toBeLessThan(5000)
    expect(failover.value.vrrp[0]!.master).not.toBe(a!.master)

    child.kill('SIGTERM')
    let timer: ReturnType<typeof setTimeout> | undefined
    const code = await Promise.race([exited, new Promise<string>((resolve) => (timer = setTimeout(() => resolve('still running'), 10_000)))])
    clearTimeout(timer)
    expect(code).toBe(0)
    for (const node of endpoints.nodes) expect(alive(node.pid)).toBe(false)
  }, 60_000)
})
