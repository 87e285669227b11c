/**
 * `lbctl failover-test --local DIR --fault proxy|link|block-vrrp --json` end to end on the built
 * bin/run.js, on an `lbctl init` scaffold with the lab's fast timing (VRRPv3, adverts every 100 ms,
 * the chk_haproxy script every 1 s with fall/rise 1): lb1 (110) is MASTER, lb2 (100) BACKUP.
 * - proxy: SIGUSR1 soft-stops lb1's proxy; its check fails within 1 s, 110-20 = 90 < 100, and lb2
 *   takes over after Master_Down_Interval (360 ms); recovery restarts lb1, which preempts;
 * - link: `set vrrp link down` puts lb1 in FAULT without a priority-0 advert (the link is down), so
 *   lb2 waits Master_Down_Interval; `set vrrp link up` and lb1 preempts;
 * - block-vrrp: `set vrrp block in` on both: lb2 becomes a second MASTER after Master_Down_Interval
 *   while lb1 stays MASTER (and keeps the VIP: lb2's bind on it cannot open); block off heals it.
 * Loopback only, no root.
 */
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {FailoverTestResult, RunReport} from '../../src/failover/report.js'
import {cliPath, runCli} from '../helpers/cli.js'
import {requireBinary, requireRoot} from '../helpers/oracles.js'
import {freePort} from '../helpers/ports.js'
import {alive} from '../helpers/process.js'

const cli = process.env.LBCTL_E2E_CLI ?? cliPath
const measured: string[] = []
/** As root with tcpdump, --local also sniffs the adverts on lo (the report's `wire`). */
const sniffs = requireRoot() && requireBinary('tcpdump')

/** The lab's VRRP timing (src/lab/configs.ts FAST_VRRP) on an init scaffold's keepalived files. */
function fastVrrp(dir: string): void {
  for (const file of readdirSync(dir).filter((f) => /^keepalived-.*\.conf$/.test(f))) {
    const text = readFileSync(join(dir, file), 'utf8')
      .replace(/^(\s*)router_id (.*)$/m, '$1router_id $2\n$1vrrp_version 3')
      .replace(/^\s*authentication \{\n[^}]*\}\n/m, '')
      .replace(/^(\s*)advert_int 1$/m, '$1advert_int 0.1')
      .replace(/^(\s*)interval 2$/m, '$1interval 1')
      .replace(/^(\s*)fall 2$/m, '$1fall 1')
      .replace(/^(\s*)rise 2$/m, '$1rise 1')
    expect(text).toContain('advert_int 0.1')
    expect(text).toContain('fall 1')
    writeFileSync(join(dir, file), text)
  }
}

describe.skipIf(!existsSync(cli))('lbctl failover-test --local DIR: proxy, link and block-vrrp', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lbctl-fo-local-faults-'))

  beforeAll(async () => {
    const [port, app1, app2] = [await freePort(), await freePort(), await freePort()]
    const init = await runCli(['init', dir, '--yes', '--port', String(port), '--vrid', '173', '--backends', `127.0.0.1:${app1},127.0.0.1:${app2}`, '--stats-password', 'test-only'])
    expect(init.code, init.stderr).toBe(0)
    fastVrrp(dir)
  })

  afterAll(() => {
    rmSync(dir, {recursive: true, force: true})
    console.log(measured.join('\n'))
  })

  async function failoverTest(fault: 'proxy' | 'link' | 'block-vrrp'): Promise<RunReport & {report: FailoverTestResult}> {
    const result = await runCli(['failover-test', '--local', dir, '--fault', fault, '--json', '--rate', '50', '--duration-before', '1s', '--max-gap', '2.5s'])
    expect(result.code, result.stderr + result.stdout).toBe(0)
    const report = JSON.parse(result.stdout) as FailoverTestResult
    expect(report).toMatchObject({type: 'failover-test', target: 'local', source: 'dir', fault, pass: true})
    const run = report.runs[0]!
    expect(run.fault.node).toBe('lb1')
    expect(run.theory).toMatchObject({version: 3, advertIntMs: 100, priority: 100, masterDownMs: 360})
    // Nothing left running once the report is out.
    for (const node of run.nodes) expect(alive(node.pid), `node ${node.name}`).toBe(false)
    expect(result.stderr).toContain('stopping the pair')
    // Failback: lb1 (110) is the only MASTER again soon after the recovery.
    const recovery = run.recovery!
    expect(recovery.node).toBe('lb1')
    expect(recovery.soleMasterAt, JSON.stringify({recovery, roles: run.timeline.roles})).not.toBeNull()
    expect(recovery.soleMasterAt! - recovery.restartedAt).toBeLessThan(fault === 'proxy' ? 6000 : 2000)
    measured.push(
      `${fault}: failover ${run.failoverMs} ms (theory ${run.expectedAfterFaultMs} ms, deviation ${run.deviationMs} ms), gap ${run.gapMs} ms, ${run.requests.failed}/${run.requests.total} failed, dual master ${run.dualMasterMs} ms; failback gap ${recovery.failbackGapMs} ms`,
    )
    return {...run, report}
  }

  const rolesBetween = (run: RunReport, from: number, to: number) => run.timeline.roles.filter((r) => r.atMs >= from && r.atMs < to).map((r) => `${r.node} ${r.from} -> ${r.to}`)

  it('proxy: lb1’s proxy soft-stops, its check drops it to 90 and lb2 takes over within check + Master_Down_Interval', async () => {
    const {report, ...run} = await failoverTest('proxy')
    expect(run.fault).toMatchObject({kind: 'proxy', signal: 'SIGUSR1'})
    expect(run.theory.expectedMs).toBe(1360)
    expect(run.newMaster?.node).toBe('lb2')
    // lb1's proxy is gone at once: requests fail until lb2 is MASTER and has the VIP's bind.
    expect(run.requests.failed).toBeGreaterThan(0)
    // At the soonest the check runs right after the fault, and lb2 waits Master_Down_Interval (360 ms) from lb1's last advert at 110.
    expect(run.failoverMs).toBeGreaterThan(250)
    expect(run.failoverMs).toBeLessThanOrEqual(1360 + 500)
    expect(run.newMaster!.afterMs).toBeGreaterThan(250)
    // lb1's runtime API went with its proxy (as HAProxy's stats socket does); its role comes from its own transition events:
    // MASTER at priority 90 until lb2's first advert (100) arrives.
    // (Both in one poll round at times: their order within it says nothing.)
    expect(rolesBetween(run, run.fault.atMs, run.recovery!.restartedAt).sort()).toEqual(['lb1 MASTER -> BACKUP', 'lb2 BACKUP -> MASTER'])
    expect(run.dualMasterMs).toBeLessThan(200)
    expect(report.notes).toContain("lb1's runtime API went with its soft-stopped proxy: until its restart, its role is the one it printed (its transition events)")
    // Restarted (a new process), lb1 preempts.
    expect(run.recovery!.pid).not.toBe(run.fault.pid)
  }, 40_000)

  it('link: lb1 goes FAULT without a word, lb2 takes over after Master_Down_Interval; link up, lb1 preempts', async () => {
    const run = await failoverTest('link')
    expect(run.fault).toMatchObject({kind: 'link', signal: null, action: 'set vrrp link down on node lb1'})
    expect(run.newMaster?.node).toBe('lb2')
    expect(run.requests.failed).toBeGreaterThan(0)
    // Not the skew of a priority-0 advert (60 ms): the whole Master_Down_Interval from the last advert heard.
    expect(run.newMaster!.afterMs).toBeGreaterThan(200)
    expect(Math.abs(run.deviationMs!)).toBeLessThan(500)
    expect(rolesBetween(run, run.fault.atMs, run.recovery!.restartedAt)).toEqual(['lb1 MASTER -> FAULT', 'lb2 BACKUP -> MASTER'])
    // The same process comes back from FAULT: no restart.
    expect(run.recovery!.pid).toBe(run.fault.pid)
    if (sniffs) {
      // On the wire: lb1 falls silent at the fault (its last advert within one interval before it), lb2's first advert as MASTER on time.
      expect(run.wire!.senders.map((x) => x.node).sort()).toEqual(['lb1', 'lb2'])
      expect(run.wire!.lastAdvertOfOldMasterMs!).toBeGreaterThanOrEqual(-150)
      expect(Math.abs(run.wire!.newMasterFirstAdvertMs! - run.expectedAfterFaultMs)).toBeLessThan(500)
    } else expect(run.wire).toBeNull()
    const after = rolesBetween(run, run.recovery!.restartedAt, Infinity)
    expect(after).toContain('lb1 FAULT -> BACKUP')
    expect(after).toContain('lb1 BACKUP -> MASTER')
    expect(after).toContain('lb2 MASTER -> BACKUP')
  }, 40_000)

  it('block-vrrp: lb2 becomes a second MASTER after Master_Down_Interval, a dual-master window until block off', async () => {
    const run = await failoverTest('block-vrrp')
    expect(run.fault).toMatchObject({kind: 'block-vrrp', signal: null})
    expect(run.newMaster?.node).toBe('lb2')
    // The split brain's onset is what the theory predicts here.
    expect(Math.abs(run.deviationMs!)).toBeLessThan(500)
    // lb1 never let go of the VIP: clients saw nothing.
    expect(run.requests.failed).toBe(0)
    const healedAtMs = run.recovery!.restartedAt
    expect(run.dualMasterMs).toBeGreaterThan((healedAtMs - run.fault.atMs - 360) / 2)
    expect(run.timeline.dualMaster[0]?.nodes).toEqual(['lb1', 'lb2'])
    if (sniffs) {
      // Both advertise as MASTER on lo, unheard by each other.
      expect(run.wire!.dualMaster[0]?.nodes).toEqual(['lb1', 'lb2'])
      expect(run.wire!.dualMasterMs).toBeGreaterThan((healedAtMs - run.fault.atMs - 360) / 2)
    }
    expect(run.recovery!.masterAgainAfterMs).toBe(0)
    expect(rolesBetween(run, healedAtMs, Infinity)).toEqual(['lb2 MASTER -> BACKUP'])
  }, 40_000)
})
