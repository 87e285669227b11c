/**
 * vrrp_sync_group on real links: two instances on two veth links in one sync group. Taking one
 * link down puts its instance in FAULT and the group takes the other one with it (its VIP goes,
 * though its own link is fine); bringing the link back up brings both back to MASTER. Checked on
 * real keepalived 2.2.7 first, then on lbctl, which must behave the same. And with a better master
 * on one link only, the group stays BACKUP on both instead of flapping.
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

  /**
   * Node b holds VI_2's link with priority 200 (real keepalived). Node a's group cannot be MASTER
   * there, so its VI_1 stays BACKUP too although nobody else is on VI_1's link (keepalived: "only
   * sync to master if everyone wants to ... prefer backup state to avoid thrashing"); when b stops,
   * the whole group on a goes MASTER.
   */
  async function betterMasterOnOneLink(start: () => NsProc): Promise<void> {
    const peerEnd: NetnsEnd = {ns: pair.b.ns, ifname: `${pair.b.ifname.slice(0, 13)}s2`, address: '198.18.5.2', prefix: 24}
    ipIn(peerEnd, ['addr', 'replace', '198.18.5.2/24', 'dev', peerEnd.ifname])
    const peerFile = join(dir, `peer-${procs.length}.conf`)
    writeFileSync(
      peerFile,
      `vrrp_instance VI_2 {
  version 3
  state MASTER
  interface ${peerEnd.ifname}
  virtual_router_id 82
  priority 200
  advert_int 0.5
  virtual_ipaddress {
    ${VIP2}
  }
}
`,
    )
    const pids = ['--pid', join(dir, `pk${procs.length}.pid`), '--vrrp_pid', join(dir, `pv${procs.length}.pid`), '--checkers_pid', join(dir, `pc${procs.length}.pid`)]
    const peer = startIn(procs, 'keepalived peer', pair.b, ['keepalived', '--dont-fork', '--log-console', '--no-syslog', '--vrrp', '-f', peerFile, ...pids])
    await within('the peer holds VI_2', 10_000, () => holds(peerEnd, VIP2))
    const proc = start()
    try {
      await within(`${proc.name} hears the peer on VI_2's link`, 10_000, () => /Entering BACKUP STATE|"type":"advert_received"/.test(proc.text()))
      // Several Master_Down_Intervals (1.8 s at priority 150): a never holds VI_1's VIP, nor VI_2's.
      for (let elapsed = 0; elapsed < 3000; elapsed += 250) {
        expect({vip1: holds(pair.a, VIP1), vip2: holds(second, VIP2)}).toEqual({vip1: false, vip2: false})
        await new Promise((resolve) => setTimeout(resolve, 250))
      }
      signal(peer, 'SIGTERM')
      await within(`${proc.name}: the whole group goes MASTER once the peer is gone`, 10_000, () => holds(pair.a, VIP1) && holds(second, VIP2))
      signal(proc, 'SIGTERM')
      expect(await proc.exit).toBe(0)
      await peer.exit
    } catch (error) {
      console.error(`--- ${proc.name}\n${proc.text()}\n--- peer\n${peer.text()}`)
      throw error
    }
  }

  it('real keepalived', async () => {
    const file = join(dir, 'keepalived.conf')
    writeFileSync(file, conf())
    const pids = ['--pid', join(dir, 'k.pid'), '--vrrp_pid', join(dir, 'v.pid'), '--checkers_pid', join(dir, 'c.pid')]
    const proc = startIn(procs, 'keepalived', pair.a, ['keepalived', '--dont-fork', '--log-console', '--no-syslog', '--vrrp', '-f', file, ...pids])
    await scenario(proc)
    const pids2 = ['--pid', join(dir, 'k2.pid'), '--vrrp_pid', join(dir, 'v2.pid'), '--checkers_pid', join(dir, 'c2.pid')]
    await betterMasterOnOneLink(() => startIn(procs, 'keepalived', pair.a, ['keepalived', '--dont-fork', '--log-console', '--no-syslog', '--vrrp', '-f', file, ...pids2]))
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
    await betterMasterOnOneLink(() => startLbctlIn(procs, pair.a, file))
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
