/**
 * A failing vrrp_script against real keepalived 2.2.7 (namespaces, VRRPv3, advert_int 0.5):
 * the MASTER's check starts failing (a file appears that the script tests for), its priority
 * drops below the BACKUP's (weight -60) or it goes FAULT (weight 0), and the other side takes
 * the VIP within fall × interval + Master_Down_Interval (+ slack); when the check passes again the
 * old master preempts back. lbctl as the failing MASTER (both weights), and keepalived as the
 * failing MASTER with lbctl taking over.
 */
import {mkdtempSync, rmSync, unlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {masterDownIntervalMs, skewTimeMs} from '../../../src/engine/vrrp/timing.js'
import {addressesIn, createNetnsPair, type NetnsEnd, type NetnsPair} from '../../helpers/netns.js'
import {requireBinary, requireRoot} from '../../helpers/oracles.js'
import {ipIn, jsonEvents, killAll, signal, startIn, startLbctlIn, within, type NsProc} from './ns-procs.js'

const VIP = '198.18.7.100/24'
const HIGH = 150
const LOW = 100
const ADVERT_CS = 50
const FALL = 2
const RISE = 2
const INTERVAL_MS = 1000
const SLACK_MS = 1000

const holds = (end: NetnsEnd) => addressesIn(end).includes(VIP)

describe.skipIf(!(requireRoot() && requireBinary('keepalived')))('failing track_script against real keepalived', () => {
  let pair: NetnsPair
  let dir: string
  const procs: NsProc[] = []
  let runs = 0

  beforeAll(() => {
    pair = createNetnsPair('t', 7)
    dir = mkdtempSync(join(tmpdir(), 'lbctl-interop-track-'))
  })

  afterAll(async () => {
    await killAll(procs)
    pair?.destroy()
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  function conf(end: NetnsEnd, priority: number, state: 'MASTER' | 'BACKUP', check?: {file: string; weight: number}): string {
    const script = check
      ? `vrrp_script chk_app {
  script "/bin/sh -c 'test ! -e ${check.file}'"
  interval ${INTERVAL_MS / 1000}
  fall ${FALL}
  rise ${RISE}
  weight ${check.weight}
}
`
      : ''
    return `global_defs {
  router_id node_${end.ns}
}
${script}vrrp_instance VI_1 {
  version 3
  state ${state}
  interface ${end.ifname}
  virtual_router_id 71
  priority ${priority}
  advert_int ${ADVERT_CS / 100}${check ? '\n  track_script {\n    chk_app\n  }' : ''}
  virtual_ipaddress {
    ${VIP}
  }
}
`
  }

  function start(kind: 'lbctl' | 'keepalived', end: NetnsEnd, priority: number, state: 'MASTER' | 'BACKUP', check?: {file: string; weight: number}): NsProc {
    const run = `${runs++}`
    const file = join(dir, `${kind}-${run}.conf`)
    writeFileSync(file, conf(end, priority, state, check))
    if (kind === 'lbctl') return startLbctlIn(procs, end, file)
    const pids = ['--pid', join(dir, `k${run}.pid`), '--vrrp_pid', join(dir, `v${run}.pid`), '--checkers_pid', join(dir, `c${run}.pid`)]
    return startIn(procs, 'keepalived', end, ['keepalived', '--dont-fork', '--log-console', '--no-syslog', '--vrrp', '-f', file, ...pids])
  }

  async function scenario(label: string, failing: 'lbctl' | 'keepalived', weight: number): Promise<void> {
    const {a, b} = pair
    for (const end of [a, b]) if (holds(end)) ipIn(end, ['addr', 'del', VIP, 'dev', end.ifname])
    const failFile = join(dir, `fail-${runs}`)
    const master = start(failing, a, HIGH, 'MASTER', {file: failFile, weight})
    const backup = start(failing === 'lbctl' ? 'keepalived' : 'lbctl', b, LOW, 'BACKUP')
    try {
      await within(`${label}: only ${master.name} holds the VIP`, 10_000, () => holds(a) && !holds(b))
      const sign = backup.name === 'lbctl' ? '"type":"advert_received"' : 'Entering BACKUP STATE'
      await within(`${label}: ${backup.name} hears the master`, 8000, () => backup.text().includes(sign))

      writeFileSync(failFile, '')
      // weight 0: FAULT, priority-0 advert, the backup waits its Skew_Time; else the backup's Master_Down_Interval runs out.
      const waitMs = weight === 0 ? skewTimeMs(3, LOW, ADVERT_CS) : masterDownIntervalMs(3, LOW, ADVERT_CS)
      const limit = FALL * INTERVAL_MS + waitMs + SLACK_MS
      const takeover = await within(`${label}: ${backup.name} takes over`, limit + 3000, () => holds(b) && !holds(a))
      console.log(`${label}: check fails -> ${backup.name} MASTER in ${Math.round(takeover)} ms (limit ${limit})`)
      expect(takeover).toBeLessThanOrEqual(limit)

      unlinkSync(failFile)
      const backLimit = RISE * INTERVAL_MS + masterDownIntervalMs(3, HIGH, ADVERT_CS) + SLACK_MS
      const back = await within(`${label}: ${master.name} preempts back`, backLimit + 3000, () => holds(a) && !holds(b))
      console.log(`${label}: check passes -> ${master.name} MASTER again in ${Math.round(back)} ms (limit ${backLimit})`)
      expect(back).toBeLessThanOrEqual(backLimit)

      const lbctl = master.name === 'lbctl' ? master : backup
      expect(jsonEvents(lbctl).filter((e) => e.type === 'dropped' || e.type === 'error')).toEqual([])
      if (master.name === 'lbctl') {
        const transitions = jsonEvents(master).filter((e) => e.type === 'transition').map((e) => `${String(e.from)}->${String(e.to)}`)
        expect(transitions).toContain(weight === 0 ? 'MASTER->FAULT' : 'MASTER->BACKUP')
      } else {
        expect(master.text()).toMatch(/Script `chk_app` now returning 1/)
      }
      // The backup first, so the master's priority-0 advert hands the VIP to nobody.
      signal(backup, 'SIGTERM')
      expect(await backup.exit).toBe(0)
      signal(master, 'SIGTERM')
      expect(await master.exit).toBe(0)
    } catch (error) {
      console.error([master, backup].map((p) => `--- ${p.name}\n${p.text()}`).join('\n'))
      throw error
    }
  }

  it('lbctl MASTER, track_script weight -60: keepalived takes over, lbctl preempts back', async () => {
    await scenario('lbctl weight -60', 'lbctl', -60)
  })

  it('lbctl MASTER, track_script weight 0: lbctl goes FAULT, keepalived takes over after its skew time', async () => {
    await scenario('lbctl weight 0', 'lbctl', 0)
  })

  it('keepalived MASTER, track_script weight -60: lbctl takes over, keepalived preempts back', async () => {
    await scenario('keepalived weight -60', 'keepalived', -60)
  })
})
