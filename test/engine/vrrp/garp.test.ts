/**
 * Gratuitous ARP after becoming MASTER, on a real veth link between two namespaces: tcpdump on
 * the peer sees the bursts (garp_master_repeat packets, a second burst garp_master_delay later),
 * and the peer's neighbour table moves the VIP to the new master's MAC (as after a failover,
 * where it still held the old master's).
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {createNetnsPair, type NetnsPair} from '../../helpers/netns.js'
import {requireBinary, requireRoot} from '../../helpers/oracles.js'
import {ipIn, jsonEvents, killAll, macOf, startIn, startLbctlIn, within, type NsProc} from './ns-procs.js'

const VIP = '198.18.1.100'
const OLD_MAC = '02:00:00:00:00:99'

describe.skipIf(!(requireRoot() && requireBinary('arping') && requireBinary('tcpdump')))('gratuitous ARP on a veth link', () => {
  let pair: NetnsPair
  let dir: string
  const procs: NsProc[] = []

  beforeAll(() => {
    pair = createNetnsPair('g', 1)
    dir = mkdtempSync(join(tmpdir(), 'lbctl-garp-'))
  })

  afterAll(async () => {
    await killAll(procs)
    pair?.destroy()
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  it('sends garp_master_repeat GARPs at once and again after garp_master_delay; the peer learns the MAC', async () => {
    const {a, b} = pair
    // The peer still believes the VIP is at another MAC (the previous master's).
    ipIn(b, ['neigh', 'replace', VIP, 'lladdr', OLD_MAC, 'dev', b.ifname, 'nud', 'stale'])
    const dump = startIn(procs, 'tcpdump', b, ['tcpdump', '-i', b.ifname, '-n', '-l', '-tt', 'arp'])
    await within('tcpdump listens', 5000, () => dump.text().includes('listening on'))

    const file = join(dir, 'keepalived.conf')
    writeFileSync(
      file,
      `vrrp_instance VI_1 {
  state MASTER
  interface ${a.ifname}
  virtual_router_id 61
  priority 150
  advert_int 1
  garp_master_delay 1
  garp_master_repeat 3
  virtual_ipaddress {
    ${VIP}/24
  }
}
`,
    )
    const lbctl = startLbctlIn(procs, a, file)
    const garps = () =>
      dump
        .text()
        .split('\n')
        .filter((line) => line.includes(`Request who-has ${VIP}`) && line.includes(`tell ${VIP}`))
        .map((line) => Number(line.split(' ')[0]) * 1000)
    try {
      await within('6 gratuitous ARPs', 10_000, () => garps().length >= 6)
      // Offsets from the moment lbctl became MASTER (its event clock and tcpdump's are both epoch time).
      const master = jsonEvents(lbctl).find((e) => e.type === 'transition' && e.to === 'MASTER')
      const offsets = garps().map((t) => Math.round(t - Number(master?.time)))
      console.log(`gratuitous ARPs, ms after becoming MASTER: ${offsets.join(', ')}`)
      // Burst 1: three back to back (garp_interval 0) once the VIP is added; burst 2: three more
      // garp_master_delay (1 s) after becoming MASTER. The widest gap between two packets is between the bursts.
      const gaps = offsets.slice(1).map((ms, index) => ms - (offsets[index] ?? 0))
      expect(offsets.length).toBe(6)
      expect(gaps.indexOf(Math.max(...gaps))).toBe(2)
      expect(offsets[0]).toBeGreaterThanOrEqual(0)
      expect(offsets[3]).toBeGreaterThanOrEqual(1000)
      expect(offsets[3]).toBeLessThan(1600)

      const mac = macOf(a)
      const neigh = ipIn(b, ['neigh', 'show', VIP, 'dev', b.ifname])
      expect(neigh).toContain(`lladdr ${mac}`)
    } catch (error) {
      console.error(`--- lbctl\n${lbctl.text()}\n--- tcpdump\n${dump.text()}`)
      throw error
    }
  })
})
