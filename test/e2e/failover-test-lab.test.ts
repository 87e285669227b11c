/**
 * `lbctl failover-test --lab --json` end to end on the built bin/run.js, as root: each run builds a
 * lab (real haproxy 2.6 + keepalived 2.2 on lba/lbb, VRRPv3 adverts every 100 ms), breaks lba under
 * 100 req/s from the client namespace and removes the lab. The figures sit on the RFC 5798 theory:
 * kill ≈ 3 × advert + skew (counted from the last advert on the wire) within 0.5 s, stop ≈ skew,
 * proxy = track script + Master_Down_Interval at most; block-vrrp shows a dual-master window on the
 * polls and on the wire. The same checks as the --local e2e (test/e2e/failover-test.test.ts), whose
 * VRRPv2 1 s pair lands on its own theory within the same 0.5 s.
 */
import {execFileSync, spawn} from 'node:child_process'
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import type {FailoverTestResult, RunReport} from '../../src/failover/report.js'
import {cliPath, runCli} from '../helpers/cli.js'
import {requireBinary, requireRoot} from '../helpers/oracles.js'
import {freePort} from '../helpers/ports.js'
import {alive} from '../helpers/process.js'

const cli = process.env.LBCTL_E2E_CLI ?? cliPath
const measured: string[] = []
/** Failover figures of the lab runs, to compare with the bundled pair on the same scaffold. */
const labFigures = new Map<string, RunReport>()

/** `sloHolds: false`: the run may miss the SLO (exit 1) — what the fault does to clients is not the point. */
async function labTest(fault: string, extra: string[] = [], sloHolds = true): Promise<RunReport> {
  const result = await runCli(['failover-test', '--lab', '--fault', fault, '--json', '--rate', '100', '--duration-before', '1s', ...extra])
  expect(result.stdout.trim().startsWith('{'), `exit ${result.code}\n${result.stderr}`).toBe(true)
  const report = JSON.parse(result.stdout) as FailoverTestResult
  expect(result.code, result.stderr + result.stdout).toBe(sloHolds || report.pass ? 0 : 1)
  expect(report).toMatchObject({type: 'failover-test', target: 'lab', source: 'scaffold', fault})
  if (sloHolds) expect(report.pass).toBe(true)
  const run = report.runs[0]!
  // The lab is gone: no namespace of it, no daemon left.
  const id = /building lab (\S+):/.exec(result.stderr)?.[1]
  expect(id).toBeDefined()
  expect(execFileSync('ip', ['netns', 'list']).toString()).not.toContain(id!)
  for (const node of run.nodes) expect(alive(node.pid), `keepalived of ${node.name}`).toBe(false)
  expect(run.fault.node).toBe('lba')
  expect(run.newMaster?.node).toBe('lbb')
  expect(run.failoverBasis).toBe('via-new-master')
  expect(run.wire).not.toBeNull()
  expect(run.wire!.senders.map((s) => s.node).sort()).toEqual(['lba', 'lbb'])
  labFigures.set(fault, run)
  measured.push(
    `${fault}: failover ${run.failoverMs} ms (theory ${run.expectedAfterFaultMs} ms after the fault, ${run.theory.formula}), gap ${run.gapMs} ms, ${run.requests.failed}/${run.requests.total} failed, dual master ${run.dualMasterMs} ms (wire ${run.wire!.dualMasterMs} ms)` +
      (run.recovery ? `; failback: lba MASTER again ${run.recovery.masterAgainAfterMs} ms after the recovery, gap ${run.recovery.failbackGapMs} ms` : ''),
  )
  return run
}

describe.skipIf(!(existsSync(cli) && requireRoot() && requireBinary('haproxy') && requireBinary('keepalived') && requireBinary('tcpdump')))('lbctl failover-test --lab', () => {
  afterAll(() => {
    if (measured.length > 0) console.log(`lab failover figures:\n  ${measured.join('\n  ')}`)
  })

  it('kill: lbb takes over 3 x advert + skew after lba’s last advert; lba preempts back after its restart', async () => {
    const run = await labTest('kill')
    expect(run.theory).toMatchObject({expectedMs: 360, masterDownMs: 360, skewMs: 60, version: 3, advertIntMs: 100, priority: 100})
    expect(run.fault.signal).toBe('SIGKILL')
    // The last advert came from the wire, at most one interval (+ jitter) before the fault.
    expect(run.wire!.lastAdvertOfOldMasterMs).toBeLessThanOrEqual(0)
    expect(run.wire!.lastAdvertOfOldMasterMs).toBeGreaterThan(-150)
    expect(run.lastAdvertBeforeFaultMs).toBe(run.wire!.lastAdvertOfOldMasterMs)
    // On the wire (kernel timestamps) lbb's first advert and GARP come Master_Down_Interval after lba's last
    // advert: within 0.5 s of the theory. Alone on this machine it is within ±30 ms, and so is the first answer
    // via lbb; with the whole suite on two cores the clients see it later, so that one is bounded looser.
    expect(Math.abs(run.wire!.newMasterFirstAdvertMs! - run.expectedAfterFaultMs)).toBeLessThan(500)
    expect(Math.abs(run.deviationMs!)).toBeLessThan(1000)
    expect(run.wire!.firstGarpMs).toBeGreaterThanOrEqual(run.wire!.newMasterFirstAdvertMs! - 5)
    // lbb adds the VIP as it takes over (ip monitor), within 0.5 s of the theory; lba's stays until its restart.
    expect(Math.abs(run.vipOnNewMasterMs! - run.expectedAfterFaultMs)).toBeLessThan(500)
    const recovery = run.recovery!
    expect(recovery.action).toBe('keepalived restarted on lba')
    expect(recovery.masterAgainAfterMs).not.toBeNull()
    expect(recovery.masterAgainAfterMs!).toBeLessThan(3000)
    expect(recovery.failbackGapMs).toBeLessThan(1000)
  }, 40_000)

  it('stop: the priority-0 advert makes lbb take over after its skew', async () => {
    const run = await labTest('stop', ['--no-recover'])
    expect(run.theory.expectedMs).toBe(60)
    expect(run.fault.signal).toBe('SIGTERM')
    expect(run.failoverMs!).toBeLessThan(60 + 500)
    expect(run.dualMasterMs).toBe(0)
    expect(run.recovery).toBeNull()
  }, 40_000)

  it('proxy: the track script lowers lba to 90, lbb (100) takes over within script interval + Master_Down_Interval', async () => {
    const run = await labTest('proxy', ['--no-recover'])
    expect(run.theory).toMatchObject({expectedMs: 1360})
    // At least Master_Down_Interval after the script noticed; at most a whole script interval more.
    expect(run.failoverMs!).toBeGreaterThan(300)
    expect(run.failoverMs!).toBeLessThan(1360 + 500)
    expect(run.requests.failed).toBeGreaterThan(0)
    // lba (90 now) stays MASTER until lbb's first advert (100) reaches it: on the wire about one advert of
    // both; the notify scripts behind the polls can lag more on a loaded machine.
    expect(run.wire!.dualMasterMs).toBeLessThan(300)
    expect(run.dualMasterMs).toBeLessThan(1000)
  }, 40_000)

  it('block-vrrp: both nodes are MASTER until VRRP passes again, then lba (110) is the only MASTER', async () => {
    // After the split brain heals, lba (MASTER throughout) sends no GARP: clients whose ARP entry points at lbb
    // fail until it is refreshed, which can exceed the SLO.
    const run = await labTest('block-vrrp', [], false)
    expect(run.fault.action).toContain('drops IP protocol 112')
    expect(Math.abs(run.wire!.newMasterFirstAdvertMs! - run.expectedAfterFaultMs)).toBeLessThan(500)
    expect(Math.abs(run.deviationMs!)).toBeLessThan(1000)
    // The polls and the wire both see the split brain, for most of the time between fault and recovery.
    const recoveredAtMs = run.recovery!.restartedAt
    expect(run.dualMasterMs).toBeGreaterThan((recoveredAtMs - run.fault.atMs - 360) / 2)
    expect(run.wire!.dualMasterMs).toBeGreaterThan((recoveredAtMs - run.fault.atMs - 360) / 2)
    expect(run.wire!.dualMaster[0]!.nodes).toEqual(['lba', 'lbb'])
    // lba never stopped being MASTER; it is the only one again soon after the filter goes.
    expect(run.recovery!.masterAgainAfterMs).toBe(0)
    expect(run.recovery!.soleMasterAt).not.toBeNull()
    expect(run.recovery!.soleMasterAt! - recoveredAtMs).toBeLessThan(2000)
  }, 40_000)

  it('Ctrl-C during the run: exit 130, the lab is removed (namespaces, daemons)', async () => {
    const child = spawn(process.execPath, [cli, 'failover-test', '--lab', '--fault', 'kill', '--duration-before', '10s', '--rate', '20'], {stdio: ['ignore', 'pipe', 'pipe']})
    let stderr = ''
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no traffic phase within 20 s: ${stderr}`)), 20_000)
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString()
        if (stderr.includes('before the fault')) {
          clearTimeout(timer)
          resolve()
        }
      })
    })
    const id = /building lab (\S+):/.exec(stderr)![1]!
    expect(execFileSync('ip', ['netns', 'list']).toString()).toContain(id)
    child.kill('SIGINT')
    expect(await exit).toBe(130)
    expect(stderr).toContain('failover-test interrupted')
    expect(stderr).toContain(`removing lab ${id}`)
    expect(execFileSync('ip', ['netns', 'list']).toString()).not.toContain(id)
    expect(execFileSync('ps', ['-eo', 'args']).toString()).not.toContain(`lbctl-lab-${id}`)
  }, 40_000)

  it('link: lba’s eth0 down, lba goes FAULT; lbb takes over after Master_Down_Interval', async () => {
    const run = await labTest('link', ['--no-recover'])
    expect(Math.abs(run.wire!.newMasterFirstAdvertMs! - run.expectedAfterFaultMs)).toBeLessThan(500)
    // A client whose connection attempt went to lba's MAC retries its SYN after 1 s, by then towards lbb:
    // the first answer via lbb can come that much later than lbb's takeover (seen: 1424 ms, no request failed).
    expect(Math.abs(run.deviationMs!)).toBeLessThan(1500)
    expect(run.timeline.roles.some((r) => r.node === 'lba' && r.to === 'FAULT')).toBe(true)
    // lba drops the VIP as its link goes (FAULT), lbb adds it at the takeover.
    const afterFault = run.vip!.filter((c) => c.atMs >= run.fault.atMs).map((c) => `${c.node} ${c.change}`)
    expect(afterFault.slice(0, 2)).toEqual(['lba removed', 'lbb added'])
  }, 40_000)

  it('the bundled pair (--local) on the same init scaffold with the same VRRPv3 timing gives comparable figures', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lbctl-fo-compare-'))
    try {
      // Its own port and VRID: other local pairs (the demo on 8080, VRID 51) may run at the same time.
      const init = await runCli(['init', dir, '--yes', '--stats-password', 'compare-only', '--port', String(await freePort()), '--vrid', '174'])
      expect(init.code, init.stderr).toBe(0)
      // The lab's own edits to the scaffold's VRRP timing (src/lab/configs.ts).
      for (const file of readdirSync(dir).filter((f) => /^keepalived-.*\.conf$/.test(f))) {
        const text = readFileSync(join(dir, file), 'utf8')
        writeFileSync(
          join(dir, file),
          text
            .replace(/^(\s*)router_id (.*)$/m, '$1router_id $2\n$1vrrp_version 3')
            .replace(/^\s*authentication \{\n[^}]*\}\n/m, '')
            .replace(/^(\s*)advert_int 1$/m, '$1advert_int 0.1')
            .replace(/^(\s*)interval 2$/m, '$1interval 1')
            .replace(/^(\s*)fall 2$/m, '$1fall 1')
            .replace(/^(\s*)rise 2$/m, '$1rise 1'),
        )
      }
      // link and block-vrrp on the bundled pair are the runtime API's set vrrp link down / set vrrp block in.
      for (const fault of ['link', 'block-vrrp'] as const) {
        const result = await runCli(['failover-test', '--local', dir, '--fault', fault, '--json', '--rate', '100', '--duration-before', '1s', '--no-recover'])
        expect([0, 1], result.stderr + result.stdout).toContain(result.code)
        const local = (JSON.parse(result.stdout) as FailoverTestResult).runs[0]!
        expect(local.newMaster?.node).toBe('lb2')
        expect(Math.abs(local.deviationMs!)).toBeLessThan(500)
        if (fault === 'block-vrrp') expect(local.dualMasterMs).toBeGreaterThan(0)
        // When the backup said MASTER: keepalived's notify in the lab, show vrrp polls locally.
        const lab = labFigures.get(fault)
        measured.push(`--local ${fault} on the same scaffold: new MASTER after ${local.newMaster!.afterMs} ms (theory ${local.expectedAfterFaultMs} ms), lab ${lab?.newMaster?.afterMs ?? 'not run'} ms; dual master ${local.dualMasterMs} ms`)
        if (lab) expect(Math.abs(local.newMaster!.afterMs - lab.newMaster!.afterMs)).toBeLessThan(500)
      }
      for (const fault of ['kill'] as const) {
        const result = await runCli(['failover-test', '--local', dir, '--fault', fault, '--json', '--rate', '100', '--duration-before', '1s', '--no-recover'])
        // The failover figure is compared; whether the bundled pair met the SLO (exit 0 or 1) is not the point here.
        expect([0, 1], result.stderr + result.stdout).toContain(result.code)
        const local = (JSON.parse(result.stdout) as FailoverTestResult).runs[0]!
        expect(local.theory).toMatchObject({version: 3, advertIntMs: 100, expectedMs: 360})
        expect(Math.abs(local.deviationMs!)).toBeLessThan(500)
        const lab = labFigures.get(fault)
        measured.push(`--local ${fault} on the same scaffold: failover ${local.failoverMs} ms (theory ${local.expectedAfterFaultMs} ms), lab ${lab?.failoverMs ?? 'not run'} ms`)
        if (lab) expect(Math.abs(local.failoverMs! - lab.failoverMs!)).toBeLessThan(500)
      }
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  }, 60_000)
})
