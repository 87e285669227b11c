/**
 * lbctl's VRRP engine against real keepalived 2.2.7, over a veth pair between two network
 * namespaces: one node runs `keepalived`, the other `lbctl run` (privileged mode: raw IP
 * protocol 112 and `ip addr`). Each way round as MASTER: election, hard kill (SIGKILL) of the
 * master, restart with preemption, graceful stop (SIGTERM).
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {masterDownIntervalMs, skewTimeMs} from '../../../src/engine/vrrp/timing.js'
import {addressesIn, createNetnsPair, type NetnsEnd, type NetnsPair} from '../../helpers/netns.js'
import {requireBinary, requireRoot} from '../../helpers/oracles.js'
import {ipIn, killAll, signal, sleep, startIn, startLbctlIn, within, type NsProc} from './ns-procs.js'
const VIP = '198.18.0.100/24'
const LOW = 100
const HIGH = 150
const SLACK_MS = 500

type Proc = NsProc

interface Protocol {
  version: 2 | 3
  /** advert_int as written. */
  advertInt: string
}
const V2: Protocol = {version: 2, advertInt: '1'}
const V3_FAST: Protocol = {version: 3, advertInt: '0.1'}

function conf(end: NetnsEnd, priority: number, state: 'MASTER' | 'BACKUP', protocol: Protocol): string {
  // PASS authentication exists in VRRPv2 only (keepalived refuses it with version 3).
  const auth = protocol.version === 2 ? '\n  authentication {\n    auth_type PASS\n    auth_pass interop1\n  }' : ''
  return `global_defs {
  router_id node_${end.address}
  vrrp_version ${protocol.version}
}
vrrp_instance VI_1 {
  state ${state}
  interface ${end.ifname}
  virtual_router_id 51
  priority ${priority}
  advert_int ${protocol.advertInt}${auth}
  virtual_ipaddress {
    ${VIP}
  }
}
`
}

const holdsVip = (end: NetnsEnd) => addressesIn(end).includes(VIP)

describe.skipIf(!(requireRoot() && requireBinary('keepalived')))('interop with real keepalived (network namespaces)', () => {
  let pair: NetnsPair
  let dir: string
  const procs: Proc[] = []
  const measured: string[] = []

  beforeAll(() => {
    pair = createNetnsPair('i', 0)
    dir = mkdtempSync(join(tmpdir(), 'lbctl-interop-'))
  })

  afterAll(async () => {
    await killAll(procs)
    pair?.destroy()
    if (dir) rmSync(dir, {recursive: true, force: true})
    if (measured.length > 0) console.log(`interop takeover times:\n  ${measured.join('\n  ')}`)
  })

  let runs = 0
  function startKeepalived(end: NetnsEnd, priority: number, state: 'MASTER' | 'BACKUP', protocol = V2): Proc {
    const run = `${runs++}`
    const file = join(dir, `keepalived-${run}.conf`)
    writeFileSync(file, conf(end, priority, state, protocol))
    const pids = ['--pid', join(dir, `keepalived-${run}.pid`), '--vrrp_pid', join(dir, `vrrp-${run}.pid`), '--checkers_pid', join(dir, `checkers-${run}.pid`)]
    return startIn(procs, 'keepalived', end, ['keepalived', '--dont-fork', '--log-console', '--no-syslog', '--vrrp', '-f', file, ...pids])
  }

  function startLbctl(end: NetnsEnd, priority: number, state: 'MASTER' | 'BACKUP', protocol = V2): Proc {
    const file = join(dir, `lbctl-${runs++}.conf`)
    writeFileSync(file, conf(end, priority, state, protocol))
    return startLbctlIn(procs, end, file)
  }

  // SIGKILL the whole group (keepalived's parent and VRRP child at once); SIGTERM the main process as a user would.
  const kill = signal

  /** Waits until a backup has started and heard the master: lbctl reports an advert, keepalived enters BACKUP. */
  async function heardMaster(proc: Proc): Promise<void> {
    const sign = proc.name === 'lbctl' ? '"type":"advert_received"' : 'Entering BACKUP STATE'
    await within(`${proc.name} is up as backup`, 8000, () => proc.text().includes(sign))
  }

  /** Exactly one side holds the VIP, checked several times over `ms`. */
  async function onlyOneHolds(holder: NetnsEnd, other: NetnsEnd, ms = 1200): Promise<void> {
    for (let elapsed = 0; elapsed < ms; elapsed += 200) {
      expect({holder: holdsVip(holder), other: holdsVip(other)}).toEqual({holder: true, other: false})
      await sleep(200)
    }
  }

  async function scenario(label: string, high: {end: NetnsEnd; start: typeof startLbctl}, low: {end: NetnsEnd; start: typeof startLbctl}): Promise<void> {
    const downMs = masterDownIntervalMs(2, LOW, 100)
    const skewMs = skewTimeMs(2, LOW, 100)
    let master = high.start(high.end, HIGH, 'MASTER')
    const backup = low.start(low.end, LOW, 'BACKUP')
    const dump = () => [master, backup].map((p) => `--- ${p.name}\n${p.text()}`).join('\n')
    try {
      // Election: the higher priority holds the VIP, never both.
      // A slow-starting master (tsx under load) may find the backup holding the VIP already: it preempts it.
      await within(`${label}: only ${master.name} (priority ${HIGH}) holds the VIP`, 8000, () => holdsVip(high.end) && !holdsVip(low.end))
      await heardMaster(backup)
      await onlyOneHolds(high.end, low.end)

      // Hard kill: the backup takes over within Master_Down_Interval (+ slack).
      kill(master, 'SIGKILL')
      await master.exit
      const killTakeover = await within(`${label}: ${backup.name} takes over after SIGKILL`, downMs + 2000, () => holdsVip(low.end))
      measured.push(`${label}: SIGKILL ${master.name} -> ${backup.name} MASTER in ${Math.round(killTakeover)} ms (limit ${downMs + SLACK_MS})`)
      expect(killTakeover).toBeLessThanOrEqual(downMs + SLACK_MS)

      // The killed node could not clean up (as after a crash); a rebooted host would not have the VIP.
      execIp(high.end, ['addr', 'del', VIP, 'dev', high.end.ifname])
      // Restart: preemption gives the VIP back to the higher priority.
      master = high.start(high.end, HIGH, 'MASTER')
      const back = await within(`${label}: restarted ${master.name} preempts`, 8000, () => holdsVip(high.end) && !holdsVip(low.end))
      measured.push(`${label}: restarted ${master.name} preempted in ${Math.round(back)} ms`)
      await onlyOneHolds(high.end, low.end, 800)

      // Graceful stop: priority 0, the backup takes over within Skew_Time (+ slack).
      kill(master, 'SIGTERM')
      const termTakeover = await within(`${label}: ${backup.name} takes over after SIGTERM`, skewMs + 2000, () => holdsVip(low.end))
      measured.push(`${label}: SIGTERM ${master.name} -> ${backup.name} MASTER in ${Math.round(termTakeover)} ms (limit ${skewMs + SLACK_MS})`)
      expect(termTakeover).toBeLessThanOrEqual(skewMs + SLACK_MS)
      const code = await Promise.race([master.exit, sleep(5000).then(() => 'timeout' as const)])
      expect(code).toBe(0)
      expect(holdsVip(high.end)).toBe(false)

      // keepalived took lbctl's adverts as valid: none of its packet complaints
      // (invalid passwd / TTL / checksum, address list or interval mismatch).
      for (const proc of [master, backup].filter((p) => p.name === 'keepalived')) {
        expect(proc.text().split('\n').filter((line) => /invalid|mismatch|not present|wrong|bad|error/i.test(line))).toEqual([])
      }

      kill(backup, 'SIGTERM')
      expect(await Promise.race([backup.exit, sleep(5000).then(() => 'timeout' as const)])).toBe(0)
      expect(holdsVip(low.end)).toBe(false)
    } catch (error) {
      console.error(dump())
      throw error
    }
  }

  function execIp(end: NetnsEnd, args: string[]): void {
    try {
      ipIn(end, args)
    } catch {
      // already gone
    }
  }

  it('lbctl MASTER (150) against keepalived BACKUP (100)', async () => {
    await scenario('lbctl master', {end: pair.a, start: startLbctl}, {end: pair.b, start: startKeepalived})
    const events = procs
      .filter((p) => p.name === 'lbctl')
      .flatMap((p) => p.text().split('\n'))
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as {type: string; reason?: string})
    // keepalived's adverts passed lbctl's validation (auth, interval, VIPs, TTL, checksum).
    expect(events.filter((e) => e.type === 'dropped')).toEqual([])
    expect(events.some((e) => e.type === 'advert_received')).toBe(true)
  })

  it('keepalived MASTER (150) against lbctl BACKUP (100)', async () => {
    await scenario('keepalived master', {end: pair.a, start: startKeepalived}, {end: pair.b, start: startLbctl})
  })

  it('VRRPv3 with advert_int 0.1: hard-kill failover under 0.5 s, both ways', async () => {
    const downMs = masterDownIntervalMs(3, LOW, 10)
    for (const [label, high, low] of [
      ['v3 lbctl master', startLbctl, startKeepalived],
      ['v3 keepalived master', startKeepalived, startLbctl],
    ] as const) {
      execIp(pair.a, ['addr', 'del', VIP, 'dev', pair.a.ifname])
      const master = high(pair.a, HIGH, 'MASTER', V3_FAST)
      const backup = low(pair.b, LOW, 'BACKUP', V3_FAST)
      try {
        await within(`${label}: only ${master.name} holds the VIP`, 8000, () => holdsVip(pair.a) && !holdsVip(pair.b))
        await heardMaster(backup)
        await onlyOneHolds(pair.a, pair.b, 600)
        kill(master, 'SIGKILL')
        const takeover = await within(`${label}: ${backup.name} takes over after SIGKILL`, 3000, () => holdsVip(pair.b), 2)
        measured.push(`${label}: SIGKILL ${master.name} -> ${backup.name} MASTER in ${Math.round(takeover)} ms (Master_Down_Interval ${downMs}, limit 500)`)
        expect(takeover).toBeLessThan(500)
        kill(backup, 'SIGTERM')
        expect(await Promise.race([backup.exit, sleep(5000).then(() => 'timeout' as const)])).toBe(0)
        await master.exit
      } catch (error) {
        console.error([master, backup].map((p) => `--- ${p.name}\n${p.text()}`).join('\n'))
        throw error
      }
    }
  })
})
