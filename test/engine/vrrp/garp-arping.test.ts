import {describe, expect, it} from 'vitest'
import {ArpingAnnouncer, type CommandRunner} from '../../../src/engine/vrrp/vip/garp.js'

describe('ArpingAnnouncer', () => {
  const vip = {address: '198.18.0.100', family: 4 as const, prefix: 24, dev: 'eth0'}

  function fake() {
    const log: string[] = []
    let clock = 0
    const run: CommandRunner = async (file, args) => {
      log.push(`${clock}ms ${[file, ...args].join(' ')}`)
      return {exitCode: 0, stderr: ''}
    }
    const sleep = async (ms: number) => void (clock += ms)
    return {log, run, sleep}
  }

  it('starts one arping per packet, all at once for garp_interval 0', async () => {
    const {log, run, sleep} = fake()
    await new ArpingAnnouncer({run, sleep, notice: () => {}, available: true}).announce(vip, 3, 0)
    expect(log).toEqual(Array.from({length: 3}, () => '0ms arping -U -c 1 -I eth0 198.18.0.100'))
  })

  it('paces the packets garp_interval apart', async () => {
    const {log, run, sleep} = fake()
    await new ArpingAnnouncer({run, sleep, notice: () => {}, available: true}).announce(vip, 3, 250)
    expect(log.map((line) => line.split(' ')[0])).toEqual(['0ms', '250ms', '500ms'])
  })

  it('reports a failing arping with its first stderr line', async () => {
    const notices: string[] = []
    const run: CommandRunner = async () => ({exitCode: 2, stderr: 'arping: Device eth0 not available.\nmore'})
    await new ArpingAnnouncer({run, notice: (m) => notices.push(m), available: true}).announce(vip, 1, 0)
    expect(notices).toEqual(['arping for 198.18.0.100 on eth0 failed: arping: Device eth0 not available.'])
  })
})
