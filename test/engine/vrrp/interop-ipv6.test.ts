/**
 * VRRPv3 over IPv6 against real keepalived 2.2.7, on a veth link between two namespaces: adverts
 * from the link-local addresses to ff02::12, a ULA VIP (fd00:198:18::/48, inside the namespaces
 * only) added with `ip -6 addr ... nodad`, unsolicited neighbour advertisements after becoming
 * MASTER. lbctl MASTER vs keepalived BACKUP: one master; SIGKILL → keepalived takes over;
 * restarted lbctl preempts; then the other way round.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {masterDownIntervalMs} from '../../../src/engine/vrrp/timing.js'
import {createNetnsPair, type NetnsEnd, type NetnsPair} from '../../helpers/netns.js'
import {requireBinary, requireRoot} from '../../helpers/oracles.js'
import {ipIn, jsonEvents, killAll, signal, sleep, startIn, startLbctlIn, within, type NsProc} from './ns-procs.js'

const VIP = 'fd00:198:18::100'
const SLACK_MS = 500

function conf(end: NetnsEnd, priority: number, state: 'MASTER' | 'BACKUP'): string {
  return `global_defs {
  router_id node_${end.ns}
}
vrrp_instance VI_6 {
  version 3
  state ${state}
  interface ${end.ifname}
  virtual_router_id 66
  priority ${priority}
  advert_int 0.5
  virtual_ipaddress {
    ${VIP}/64
  }
}
`
}

const holds = (end: NetnsEnd) => ipIn(end, ['-6', '-o', 'addr', 'show', 'dev', end.ifname]).includes(`${VIP}/64`)

describe.skipIf(!(requireRoot() && requireBinary('keepalived') && requireBinary('tcpdump')))('VRRPv3 over IPv6 with real keepalived', () => {
  let pair: NetnsPair
  let dir: string
  const procs: NsProc[] = []
  let runs = 0

  beforeAll(async () => {
    pair = createNetnsPair('6', 6)
    dir = mkdtempSync(join(tmpdir(), 'lbctl-interop6-'))
    for (const [end, host] of [
      [pair.a, 1],
      [pair.b, 2],
    ] as const) ipIn(end, ['-6', 'addr', 'add', `fd00:198:18::${host}/64`, 'dev', end.ifname, 'nodad'])
    // The link-local addresses must finish duplicate address detection before they can send.
    await within('link-local addresses ready', 10_000, () =>
      [pair.a, pair.b].every((end) => {
        const text = ipIn(end, ['-6', '-o', 'addr', 'show', 'dev', end.ifname, 'scope', 'link'])
        return text.includes('fe80::') && !text.includes('tentative')
      }),
    )
  })

  afterAll(async () => {
    await killAll(procs)
    pair?.destroy()
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  function startKeepalived(end: NetnsEnd, priority: number, state: 'MASTER' | 'BACKUP'): NsProc {
    const run = `${runs++}`
    const file = join(dir, `keepalived-${run}.conf`)
    writeFileSync(file, conf(end, priority, state))
    const pids = ['--pid', join(dir, `k${run}.pid`), '--vrrp_pid', join(dir, `v${run}.pid`), '--checkers_pid', join(dir, `c${run}.pid`)]
    return startIn(procs, 'keepalived', end, ['keepalived', '--dont-fork', '--log-console', '--no-syslog', '--vrrp', '-f', file, ...pids])
  }

  function startLbctl(end: NetnsEnd, priority: number, state: 'MASTER' | 'BACKUP'): NsProc {
    const file = join(dir, `lbctl-${runs++}.conf`)
    writeFileSync(file, conf(end, priority, state))
    return startLbctlIn(procs, end, file)
  }

  async function onlyOneHolds(holder: NetnsEnd, other: NetnsEnd, ms: number): Promise<void> {
    for (let elapsed = 0; elapsed < ms; elapsed += 200) {
      expect({holder: holds(holder), other: holds(other)}).toEqual({holder: true, other: false})
      await sleep(200)
    }
  }

  it('elects one master, fails over on SIGKILL and preempts back, both ways round', async () => {
    const {a, b} = pair
    const downMs = masterDownIntervalMs(3, 100, 50)
    const dump = startIn(procs, 'tcpdump', b, ['tcpdump', '-i', b.ifname, '-n', '-l', 'icmp6 or proto 112'])
    await within('tcpdump listens', 5000, () => dump.text().includes('listening on'))
    for (const [label, high, low] of [
      ['lbctl master', startLbctl, startKeepalived],
      ['keepalived master', startKeepalived, startLbctl],
    ] as const) {
      let master = high(a, 150, 'MASTER')
      const backup = low(b, 100, 'BACKUP')
      try {
        // When the master's start is slow, the backup may have claimed the VIP first: the higher priority then preempts it.
        await within(`${label}: only ${master.name} holds the VIP`, 10_000, () => holds(a) && !holds(b))
        const sign = backup.name === 'lbctl' ? '"type":"advert_received"' : 'Entering BACKUP STATE'
        await within(`${label}: ${backup.name} hears the master`, 8000, () => backup.text().includes(sign))
        // Longer than the backup's Master_Down_Interval: it hears the master's adverts, or it would take over.
        await onlyOneHolds(a, b, downMs + 600)
        if (master.name === 'lbctl') {
          // Until now only lbctl was master: tcpdump decodes its adverts and its unsolicited NAs for the VIP.
          const seen = dump.text().split('\n')
          expect(seen.some((line) => /IP6 fe80::\S+ > ff02::12: VRRPv3, Advertisement, vrid 66, prio 150/.test(line))).toBe(true)
          expect(seen.some((line) => line.includes(`neighbor advertisement, tgt is ${VIP}`))).toBe(true)
        }

        signal(master, 'SIGKILL')
        await master.exit
        const takeover = await within(`${label}: ${backup.name} takes over`, downMs + 3000, () => holds(b))
        console.log(`${label} (IPv6): SIGKILL ${master.name} -> ${backup.name} MASTER in ${Math.round(takeover)} ms (limit ${downMs + SLACK_MS})`)
        expect(takeover).toBeLessThanOrEqual(downMs + SLACK_MS)

        ipIn(a, ['-6', 'addr', 'del', `${VIP}/64`, 'dev', a.ifname])
        master = high(a, 150, 'MASTER')
        await within(`${label}: restarted ${master.name} preempts`, 10_000, () => holds(a) && !holds(b))

        for (const proc of [master, backup]) {
          if (proc.name === 'keepalived') expect(proc.text().split('\n').filter((line) => /invalid|mismatch|wrong|bad|error/i.test(line))).toEqual([])
          else expect(jsonEvents(proc).filter((e) => e.type === 'dropped' || e.type === 'error')).toEqual([])
        }
        signal(master, 'SIGTERM')
        signal(backup, 'SIGTERM')
        await Promise.all([master.exit, backup.exit])
      } catch (error) {
        console.error([master, backup, dump].map((p) => `--- ${p.name}\n${p.text()}`).join('\n'))
        throw error
      }
    }
  })
})
