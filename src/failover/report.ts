/**
 * One run's report (the `--json` contract: every figure and the timeline, times in ms relative to
 * the start of the traffic) and the summary over `--repeat` runs.
 */
import {dualMasterMs, failoverTime, longestGap, newMaster, spread, type Spread, theory, type Theory} from './figures.js'
import type {FaultKind, FaultRecord, RequestOutcome, RequestRecord, Timeline, VrrpTiming} from './records.js'

export interface RawRun {
  /** When the traffic started: time 0 of the report. */
  startedAt: number
  endedAt: number
  requests: RequestRecord[]
  timeline: Timeline
  fault: FaultRecord
  /** The pair's node processes (all stopped when the run ends). */
  nodes: {name: string; pid: number}[]
  timing: VrrpTiming
  maxGapMs: number
  /** The old master's restart, or why there was none. */
  recovery: RawRecovery
  /** When the old master last sent an advert before the fault (from its `show vrrp`), if known. */
  lastAdvertAt?: number
}

export type RawRecovery = {node: string; pid: number; restartedAt: number} | {skipped: string}

/** The old master's return (times relative to the start of the traffic, like the timeline). */
export interface RecoveryReport {
  node: string
  /** The restarted process. */
  pid: number
  restartedAt: number
  /** When a poll first saw the restarted node MASTER again (preemption); null: not seen before the run ended. */
  masterAgainAt: number | null
  /** restartedAt → masterAgainAt. */
  masterAgainAfterMs: number | null
  /** The longest run of failed requests from the restart on (0: none failed). */
  failbackGapMs: number
  failback: {startMs: number; endMs: number; failed: number; recovered: boolean} | null
  /** Requests sent from the restart on, and how many of them failed. */
  requests: {total: number; failed: number}
}

export interface RunReport {
  nodes: {name: string; pid: number}[]
  fault: {kind: FaultKind; node: string; pid: number; signal: string; atMs: number}
  /** Fault → first success after it (null: the VIP never answered again). */
  failoverMs: number | null
  /** The longest run of failed requests before the old master's restart (the failover's), in ms. */
  gapMs: number
  gap: {startMs: number; endMs: number; failed: number; recovered: boolean} | null
  requests: {total: number; ok: number; failed: number}
  dualMasterMs: number
  /** Which node took over and when its poll first said MASTER (fault-relative). */
  newMaster: {node: string; afterMs: number} | null
  theory: Theory
  /**
   * The theory counted from the fault: for kill the backup's Master_Down timer started at the old
   * master's last advert, before the fault, so it fires `masterDownMs - (fault - last advert)` after it.
   */
  expectedAfterFaultMs: number
  /** The old master's last advert before the fault, fault-relative (negative), if known. */
  lastAdvertBeforeFaultMs: number | null
  /** Measured failover minus expectedAfterFaultMs. */
  deviationMs: number | null
  maxGapMs: number
  pass: boolean
  /** null when the old master was not restarted: see recoveryReason. */
  recovery: RecoveryReport | null
  recoveryReason: string | null
  durationMs: number
  timeline: {
    roles: {atMs: number; node: string; instance: string; vrid: number | null; from: string | null; to: string}[]
    dualMaster: {vrid: number; startMs: number; endMs: number; nodes: string[]}[]
    requests: {startMs: number; endMs: number; outcome: RequestOutcome; servedBy?: string}[]
    polls: number
  }
}

export function buildRunReport(run: RawRun): RunReport {
  const t = (at: number) => at - run.startedAt
  const restartedAt = 'restartedAt' in run.recovery ? run.recovery.restartedAt : undefined
  const failoverPhase = restartedAt === undefined ? run.requests : run.requests.filter((r) => r.start < restartedAt)
  const gap = longestGap(failoverPhase)
  const failoverMs = failoverTime(run.requests, run.fault.at)
  const ok = run.requests.filter((r) => r.outcome.kind === 'ok').length
  const expected = theory(run.fault.kind, run.timing)
  const gapMs = gap?.ms ?? 0
  const sinceAdvert = run.lastAdvertAt === undefined ? undefined : Math.max(0, run.fault.at - run.lastAdvertAt)
  const expectedAfterFaultMs = run.fault.kind === 'kill' && sinceAdvert !== undefined ? Math.max(0, expected.expectedMs - sinceAdvert) : expected.expectedMs
  return {
    nodes: run.nodes,
    fault: {kind: run.fault.kind, node: run.fault.node, pid: run.fault.pid, signal: run.fault.signal, atMs: t(run.fault.at)},
    failoverMs,
    gapMs,
    gap: gap ? {startMs: t(gap.start), endMs: t(gap.end), failed: gap.failed, recovered: gap.recovered} : null,
    requests: {total: run.requests.length, ok, failed: run.requests.length - ok},
    dualMasterMs: dualMasterMs(run.timeline.dualMaster),
    newMaster: newMaster(run.timeline.roles, run.fault) ?? null,
    theory: expected,
    expectedAfterFaultMs,
    lastAdvertBeforeFaultMs: sinceAdvert === undefined ? null : -sinceAdvert,
    deviationMs: failoverMs === null ? null : failoverMs - expectedAfterFaultMs,
    maxGapMs: run.maxGapMs,
    pass: failoverMs !== null && gapMs <= run.maxGapMs && (gap?.recovered ?? true),
    recovery: 'skipped' in run.recovery ? null : recoveryReport(run, run.recovery),
    recoveryReason: 'skipped' in run.recovery ? run.recovery.skipped : null,
    durationMs: run.endedAt - run.startedAt,
    timeline: {
      roles: run.timeline.roles.map((r) => ({atMs: t(r.at), node: r.node, instance: r.instance, vrid: r.vrid, from: r.from, to: r.to})),
      dualMaster: run.timeline.dualMaster.map((w) => ({vrid: w.vrid, startMs: t(w.start), endMs: t(w.end), nodes: w.nodes})),
      requests: run.requests.map((r) => ({startMs: t(r.start), endMs: t(r.end), outcome: r.outcome, ...(r.servedBy === undefined ? {} : {servedBy: r.servedBy})})),
      polls: run.timeline.polls,
    },
  }
}

function recoveryReport(run: RawRun, recovery: {node: string; pid: number; restartedAt: number}): RecoveryReport {
  const t = (at: number) => at - run.startedAt
  const back = run.timeline.roles.find((r) => r.at >= recovery.restartedAt && r.node === recovery.node && r.to === 'MASTER')
  const after = run.requests.filter((r) => r.start >= recovery.restartedAt)
  const gap = longestGap(after)
  return {
    node: recovery.node,
    pid: recovery.pid,
    restartedAt: t(recovery.restartedAt),
    masterAgainAt: back ? t(back.at) : null,
    masterAgainAfterMs: back ? back.at - recovery.restartedAt : null,
    failbackGapMs: gap?.ms ?? 0,
    failback: gap ? {startMs: t(gap.start), endMs: t(gap.end), failed: gap.failed, recovered: gap.recovered} : null,
    requests: {total: after.length, failed: after.filter((r) => r.outcome.kind !== 'ok').length},
  }
}

export interface FailoverSummary {
  runs: number
  passed: number
  failoverMs: Spread | null
  gapMs: Spread | null
  failedRequests: Spread | null
  dualMasterMs: Spread | null
  /** Over the runs that restarted the old master. */
  masterAgainAfterMs: Spread | null
  failbackGapMs: Spread | null
}

export interface FailoverTestResult {
  type: 'failover-test'
  target: 'local'
  source: 'demo' | 'dir'
  fault: FaultKind
  rate: number
  keepalive: boolean
  maxGapMs: number
  pass: boolean
  summary: FailoverSummary
  runs: RunReport[]
  notes: string[]
}

export function summarize(runs: readonly RunReport[]): FailoverSummary {
  return {
    runs: runs.length,
    passed: runs.filter((r) => r.pass).length,
    failoverMs: spread(runs.map((r) => r.failoverMs)) ?? null,
    gapMs: spread(runs.map((r) => r.gapMs)) ?? null,
    failedRequests: spread(runs.map((r) => r.requests.failed)) ?? null,
    dualMasterMs: spread(runs.map((r) => r.dualMasterMs)) ?? null,
    masterAgainAfterMs: spread(runs.map((r) => r.recovery?.masterAgainAfterMs ?? null)) ?? null,
    failbackGapMs: spread(runs.map((r) => r.recovery?.failbackGapMs ?? null)) ?? null,
  }
}
