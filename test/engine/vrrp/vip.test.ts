import {describe, expect, it} from 'vitest'
import type {VipSpec} from '../../../src/engine/vrrp/settings.js'
import {IpVipManager, type CommandRunner} from '../../../src/engine/vrrp/vip/ip.js'
import {LoopbackVipManager} from '../../../src/engine/vrrp/vip/loopback.js'

const vip: VipSpec = {address: '198.18.0.100', family: 4, prefix: 24, dev: 'eth0'}
const labelled: VipSpec = {address: '198.18.0.101', family: 4, prefix: 32, dev: 'eth0', label: 'eth0:1'}

function recorder(answers: Record<string, {exitCode: number; stderr: string}> = {}) {
  const calls: string[] = []
  const run: CommandRunner = async (file, args) => {
    const line = [file, ...args].join(' ')
    calls.push(line)
    return answers[line] ?? {exitCode: 0, stderr: ''}
  }
  return {calls, run}
}

describe('IpVipManager', () => {
  it('adds and removes with ip addr, as keepalived does', async () => {
    const {calls, run} = recorder()
    const manager = new IpVipManager({run, arping: false})
    await manager.add([vip, labelled])
    await manager.remove([vip])
    expect(calls).toEqual(['ip addr add 198.18.0.100/24 dev eth0', 'ip addr add 198.18.0.101/32 dev eth0 label eth0:1', 'ip addr del 198.18.0.100/24 dev eth0'])
  })

  it('is idempotent: an address already there, or already gone, is not a failure', async () => {
    const {run} = recorder({
      'ip addr add 198.18.0.100/24 dev eth0': {exitCode: 2, stderr: 'RTNETLINK answers: File exists'},
      'ip addr del 198.18.0.100/24 dev eth0': {exitCode: 2, stderr: 'RTNETLINK answers: Cannot assign requested address'},
    })
    const notices: string[] = []
    const manager = new IpVipManager({run, arping: false, notice: (m) => notices.push(m)})
    await manager.add([vip])
    await manager.remove([vip])
    // Newer iproute2 words "already gone" differently.
    const newer = recorder({'ip addr del 198.18.0.100/24 dev eth0': {exitCode: 2, stderr: 'Error: ipv4: Address not found.'}})
    await new IpVipManager({run: newer.run, arping: false, notice: (m) => notices.push(m)}).remove([vip])
    expect(notices).toEqual([])
  })

  it('reports other failures', async () => {
    const {run} = recorder({'ip addr add 198.18.0.100/24 dev eth0': {exitCode: 1, stderr: 'Cannot find device "eth0"\n'}})
    const notices: string[] = []
    await new IpVipManager({run, arping: false, notice: (m) => notices.push(m)}).add([vip])
    expect(notices).toEqual(['ip addr add 198.18.0.100/24 dev eth0 failed: Cannot find device "eth0"'])
  })

  it('sends gratuitous ARP with arping when it exists, and says once that it skips otherwise', async () => {
    const withArping = recorder()
    await new IpVipManager({run: withArping.run, arping: true}).garp([vip], 3)
    // One arping per packet: arping itself cannot send faster than one a second.
    expect(withArping.calls).toEqual(Array.from({length: 3}, () => 'arping -U -c 1 -I eth0 198.18.0.100'))

    const without = recorder()
    const notices: string[] = []
    const manager = new IpVipManager({run: without.run, arping: false, notice: (m) => notices.push(m)})
    await manager.garp([vip], 5)
    await manager.garp([vip], 5)
    expect(without.calls).toEqual([])
    expect(notices).toEqual(['gratuitous ARP skipped: arping (iputils) is not installed (neighbours learn the VIP on their next ARP request)'])
  })

  it('adds IPv6 VIPs with nodad and announces them with the IPv6 announcer', async () => {
    const {calls, run} = recorder()
    const announced: string[] = []
    const announce6 = {announce: async (v: VipSpec & {dev: string}, count: number, interval: number) => void announced.push(`${v.address} ${v.dev} x${count} ${interval}ms`)}
    const manager = new IpVipManager({run, arping: false, announce6})
    const v6: VipSpec = {address: 'fd00:198:18::100', family: 6, prefix: 64, dev: 'eth0'}
    await manager.add([v6])
    await manager.garp([v6], 2, 10)
    expect(calls).toEqual(['ip -6 addr add fd00:198:18::100/64 dev eth0 nodad'])
    expect(announced).toEqual(['fd00:198:18::100 eth0 x2 10ms'])
  })
})

describe('LoopbackVipManager', () => {
  it('records the VIPs this node holds and tells when that changes', async () => {
    const manager = new LoopbackVipManager()
    const changes: string[][] = []
    manager.on('change', (held) => changes.push(held))
    await manager.add([{address: '127.0.0.100', family: 4, prefix: 32, dev: 'lo'}])
    await manager.add([{address: '127.0.0.100', family: 4, prefix: 32, dev: 'lo'}])
    expect(manager.held()).toEqual(['127.0.0.100'])
    await manager.remove([{address: '127.0.0.100', family: 4, prefix: 32, dev: 'lo'}])
    expect(manager.held()).toEqual([])
    expect(changes).toEqual([['127.0.0.100'], []])
  })
})
