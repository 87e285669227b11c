/**
 * vrrp_sync_group on real links: two instances on two veth links in one sync group. Taking one
 * link down puts its instance in FAULT and the group takes the other one with it (its VIP goes,
 * though its own link is fine); bringing the link back up brings both back to MASTER. Checked on
 * real keepalived 2.2.7 first, then on lbctl, which must behave the same.
 */
import {execFileSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {addressesIn, createNetnsPair, type NetnsEnd, type NetnsPair} from '../../helpers/netns.js'
import {requireBinary, requireRoot} from '../../helpers/oracles.js'
import {ipIn, killAll, signal, startIn, startLbctlIn, within, type NsProc} from './ns-procs.js'

const VIP1 = '198.18.4.100/24'
const VIP2 = '198.18.5.100/24'

describe.skipIf(!(requireRoot() && requireBinary('keepalived')))('vrrp_sync_group: one link down takes the whole group to FAULT', () => {
  let pair: NetnsPair
  let dir: string
  /** The second link's end in namespace a. */
  let second: NetnsEnd
  const procs: NsProc[] = []

  beforeAll(() => {
    pair = createNetnsPair('s', 4)
    dir = mkdtempSync(join(tmpdir(), 'lbctl-sync-'))
    second = {ns: pair.a.ns, ifname: `${pair.a.ifname.slice(0, 13)}s2`, address: '198.18.5.1', prefix: 24}
    const peer = `${pair.b.ifname.slice(0, 13)}s2`
    execFileSync('ip', ['link', 'add', second.ifname, 'netns', pair.a.ns, 'type', 'veth', 'peer', 'name', peer, 'netns', pair.b.ns])
    ipIn(second, ['addr', 'add', '198.18.5.1/24', 'dev', second.ifname])
    ipIn(second, ['link', 'set', second.ifname, 'up'])
    ipIn(pair.b, ['link', 'set', peer, 'up'])
  })

  afterAll(async () => {
    await killAll(procs)
    pair?.destroy()
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  function conf(): string {
    const instance = (name: string, iface: string, vrid: number, vip: string) => `vrrp_instance ${name} {
  version 3
  state MASTER
  interface ${iface}
  virtual_router_id ${vrid}
  priority 150
  advert_int 0.5
  virtual_ipaddress {
    ${vip}
  }
}
`
    return `vrrp_sync_group VG_1 {
  group {
    VI_1
    VI_2
  }
}
${instance('VI_1', pair.a.ifname, 81, VIP1)}${instance('VI_2', second.ifname, 82, VIP2)}`
  }

  const holds = (end: NetnsEnd, vip: string) => addressesIn(end).includes(vip)

  async function scenario(proc: NsProc): Promise<void> {
    const first = pair.a
    try {
      await within(`${proc.name}: both instances MASTER`, 10_000, () => holds(first, VIP1) && holds(second, VIP2))
      ipIn(second, ['link', 'set', second.ifname, 'down'])
      // VI_2's link is down: VI_2 goes FAULT, and the group takes VI_1 (whose link is up) to FAULT too.
      const faultMs = await within(`${proc.name}: VI_1 leaves MASTER with its group`, 5000, () => !holds(first, VIP1))
      console.log(`${proc.name}: VI_1 followed VI_2 to FAULT in ${Math.round(faultMs)} ms`)
      ipIn(second, ['link', 'set', second.ifname, 'up'])
      await within(`${proc.name}: both back to MASTER`, 10_000, () => holds(first, VIP1) && holds(second, VIP2))
      signal(proc, 'SIGTERM')
      expect(await Promise.race([proc.exit, new Promise((resolve) => setTimeout(() => resolve('timeout'), 5000))])).toBe(0)
    } catch (error) {
      console.error(`--- ${proc.name}\n${proc.text()}`)
      throw error
    }
  }

  it('real keepalived', async () => {
    const file = join(dir, 'keepalived.conf')
    writeFileSync(file, conf())
    const pids = ['--pid', join(dir, 'k.pid'), '--vrrp_pid', join(dir, 'v.pid'), '--checkers_pid', join(dir, 'c.pid')]
    const proc = startIn(procs, 'keepalived', pair.a, ['keepalived', '--dont-fork', '--log-console', '--no-syslog', '--vrrp', '-f', file, ...pids])
    await scenario(proc)
    const log = proc.text()
    expect(log).toMatch(/\(VI_2\) Entering FAULT STATE/)
    expect(log).toMatch(/\(VI_1\) Entering FAULT STATE/)
    expect(log).toContain('VRRP_Group(VG_1) Syncing instances to FAULT state')
  })

  it('lbctl behaves the same', async () => {
    const file = join(dir, 'lbctl.conf')
    writeFileSync(file, conf())
    const proc = startLbctlIn(procs, pair.a, file)
    await scenario(proc)
    const transitions = proc
      .text()
      .split('\n')
      .filter((line) => line.includes('"type":"transition"'))
      .map((line) => JSON.parse(line) as {instance: string; to: string; reason: string})
    expect(transitions.filter((t) => t.to === 'FAULT').map((t) => t.instance).sort()).toEqual(['VI_1', 'VI_2'])
    expect(transitions.find((t) => t.instance === 'VI_1' && t.to === 'FAULT')?.reason).toBe('sync group VG_1: VI_2 is in FAULT')
    expect(proc.text()).toContain('VRRP_Group(VG_1) Syncing instances to FAULT state')
  })
})
