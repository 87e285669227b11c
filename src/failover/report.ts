/**
 * One run's report (the `--json` contract: every figure and the timeline, times in ms relative to
 * the start of the traffic) and the summary over `--repeat` runs.
 */
import {dualMasterMs, failoverTime, firstViaNode, longestGap, newMaster, spread, type Spread, theory, type Theory} from './figures.js'
import type {FaultKind, FaultRecord, RequestOutcome, RequestRecord, RoleChange, Timeline, VipChange, VrrpTiming} from './records.js'
import type {WireReport} from './wire.js'

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
  /** When the old master last sent an advert before the fault (from the wire, or its `show vrrp`), if known. */
  lastAdvertAt?: number
  /** The sniffed timeline, when the target could capture. */
  wire?: WireReport
  /** The VIP appearing on / leaving the nodes, when the target can see it. */
  vipChanges?: VipChange[]
}

/** `action`: what brought the node back, in words (restart, link up, filter removed). */
export type RawRecovery = {node: string; pid: number; restartedAt: number; action?: string} | {skipped: string}

/** The old master's return (times relative to the start of the traffic, like the timeline). */
export interface RecoveryReport {
  node: string
  /** The restarted process. */
  pid: number
  /** What brought the node back; restartedAt is when. */
  action: string | null
  restartedAt: number
  /** When a poll first saw the restarted node MASTER again (preemption); null: not seen before the run ended. */
  masterAgainAt: number | null
  /** restartedAt → masterAgainAt. */
  masterAgainAfterMs: number | null
  /** When the node was the only MASTER again (the other stepped down: the end of any split brain); null: not seen. */
  soleMasterAt: number | null
  /** The longest run of failed requests among those that ended after the recovery (0: none failed). */
  failbackGapMs: number
  failback: {startMs: number; endMs: number; failed: number; recovered: boolean} | null
  /** Requests that ended after the recovery, and how many of them failed. */
  requests: {total: number; failed: number}
}

export interface RunReport {
  nodes: {name: string; pid: number}[]
  fault: {kind: FaultKind; node: string; pid: number; signal: string | null; action: string | null; atMs: number}
  /**
   * Fault → first success via the new master when answers name their load balancer (`x-lb-node`,
   * the lab), else fault → first success after the first failure (see failoverBasis); null: never.
   */
  failoverMs: number | null
  failoverBasis: 'via-new-master' | 'after-failure'
  /** The longest run of failed requests before the old master's restart (the failover's), in ms. */
  gapMs: number
  gap: {startMs: number; endMs: number; failed: number; recovered: boolean} | null
  requests: {total: number; ok: number; failed: number}
  dualMasterMs: number
  /** Which node took over and when its poll first said MASTER (fault-relative). */
  newMaster: {node: string; afterMs: number} | null
  /** Fault → end of the first successful answer the new master forwarded (`x-lb-node`); null when unknown. */
  firstViaNewMasterMs: number | null
  theory: Theory
  /**
   * The theory counted from the fault: for kill the backup's Master_Down timer started at the old
   * master's last advert, before the fault, so it fires `masterDownMs - (fault - last advert)` after it.
   */
  expectedAfterFaultMs: number
  /** The old master's last advert before the fault, fault-relative (negative), if known. */
  lastAdvertBeforeFaultMs: number | null
  /** Measured failover minus expectedAfterFaultMs (block-vrrp: when the second MASTER appeared, the split brain's onset). */
  deviationMs: number | null
  maxGapMs: number
  pass: boolean
  /** null when the old master was not restarted: see recoveryReason. */
  recovery: RecoveryReport | null
  recoveryReason: string | null
  durationMs: number
  /** VRRP adverts and GARPs as captured on the wire (fault-relative); null when nothing was captured. */
  wire: WireReport | null
  /** The VIP added to / removed from each node during the run (run-relative); null when the target cannot see it. */
  vip: {atMs: number; node: string; change: 'added' | 'removed'}[] | null
  /** Fault → the VIP added on the new master; null when not seen. */
  vipOnNewMasterMs: number | null
  timeline: {
    roles: {atMs: number; node: string; instance: string; vrid: number | null; from: string | null; to: string}[]
    dualMaster: {vrid: number; startMs: number; endMs: number; nodes: string[]}[]
    requests: {startMs: number; endMs: number; outcome: RequestOutcome; servedBy?: string; lbNode?: string}[]
    polls: number
  }
}

function deviationOf(measuredMs: number | null, expectedMs: number): number | null {
  return measuredMs === null ? null : Math.round(measuredMs - expectedMs)
}

export function buildRunReport(run: RawRun): RunReport {
  const t = (at: number) => at - run.startedAt
  const restartedAt = 'restartedAt' in run.recovery ? run.recovery.restartedAt : undefined
  // A request still in flight at the recovery belongs to the failback: the recovery may be what broke it.
  const failoverPhase = restartedAt === undefined ? run.requests : run.requests.filter((r) => r.end < restartedAt)
  const gap = longestGap(failoverPhase)
  const ok = run.requests.filter((r) => r.outcome.kind === 'ok').length
  const expected = theory(run.fault.kind, run.timing)
  const gapMs = gap?.ms ?? 0
  const sinceAdvert = run.lastAdvertAt === undefined ? undefined : Math.max(0, run.fault.at - run.lastAdvertAt)
  const heir = newMaster(run.timeline.roles, run.fault)
  // Only while traffic ran: an election at startup, before the pair settled, is not the experiment's.
  const dualMaster = run.timeline.dualMaster.filter((w) => w.end > run.startedAt).map((w) => ({...w, start: Math.max(w.start, run.startedAt)}))
  const viaNewMaster = heir ? firstViaNode(run.requests, run.fault.at, heir.node) : null
  const named = run.requests.some((r) => r.lbNode !== undefined)
  const failoverMs = named ? viaNewMaster : failoverTime(run.requests, run.fault.at)
  const expectedAfterFaultMs = (run.fault.kind === 'kill' || run.fault.kind === 'link' || run.fault.kind === 'block-vrrp') && sinceAdvert !== undefined ? Math.max(0, expected.expectedMs - sinceAdvert) : expected.expectedMs
  return {
    nodes: run.nodes,
    fault: {kind: run.fault.kind, node: run.fault.node, pid: run.fault.pid, signal: run.fault.signal, action: run.fault.action ?? null, atMs: t(run.fault.at)},
    failoverMs,
    failoverBasis: named ? 'via-new-master' : 'after-failure',
    gapMs,
    gap: gap ? {startMs: t(gap.start), endMs: t(gap.end), failed: gap.failed, recovered: gap.recovered} : null,
    requests: {total: run.requests.length, ok, failed: run.requests.length - ok},
    dualMasterMs: dualMasterMs(dualMaster),
    newMaster: heir ?? null,
    firstViaNewMasterMs: viaNewMaster,
    theory: expected,
    expectedAfterFaultMs: Math.round(expectedAfterFaultMs),
    lastAdvertBeforeFaultMs: sinceAdvert === undefined ? null : -Math.round(sinceAdvert),
    deviationMs: deviationOf(run.fault.kind === 'block-vrrp' && heir ? heir.afterMs : failoverMs, expectedAfterFaultMs),
    maxGapMs: run.maxGapMs,
    pass: failoverMs !== null && gapMs <= run.maxGapMs && (gap?.recovered ?? true),
    recovery: 'skipped' in run.recovery ? null : recoveryReport(run, run.recovery),
    recoveryReason: 'skipped' in run.recovery ? run.recovery.skipped : null,
    durationMs: run.endedAt - run.startedAt,
    wire: run.wire ?? null,
    vip: run.vipChanges ? run.vipChanges.filter((c) => c.at >= run.startedAt).map((c) => ({atMs: t(c.at), node: c.node, change: c.change})) : null,
    vipOnNewMasterMs: (() => {
      const added = heir ? run.vipChanges?.find((c) => c.at >= run.fault.at && c.node === heir.node && c.change === 'added') : undefined
      return added ? added.at - run.fault.at : null
    })(),
    timeline: {
      roles: run.timeline.roles.map((r) => ({atMs: t(r.at), node: r.node, instance: r.instance, vrid: r.vrid, from: r.from, to: r.to})),
      dualMaster: dualMaster.map((w) => ({vrid: w.vrid, startMs: t(w.start), endMs: t(w.end), nodes: w.nodes})),
      requests: run.requests.map((r) => ({
        startMs: t(r.start),
        endMs: t(r.end),
        outcome: r.outcome,
        ...(r.servedBy === undefined ? {} : {servedBy: r.servedBy}),
        ...(r.lbNode === undefined ? {} : {lbNode: r.lbNode}),
      })),
      polls: run.timeline.polls,
    },
  }
}

/**
 * The first moment at or after `from` when `node` is MASTER (and, with `alone`, no other node is):
 * already at `from` (a node that never lost MASTER, as in block-vrrp), or at a later role change.
 */
function masterAt(roles: readonly RoleChange[], node: string, from: number, alone: boolean): {at: number} | undefined {
  const state = new Map<string, string>()
  const holds = () => state.get(node) === 'MASTER' && (!alone || [...state].every(([other, role]) => other === node || role !== 'MASTER'))
  const sorted = [...roles].sort((x, y) => x.at - y.at)
  let i = 0
  for (; i < sorted.length && sorted[i]!.at < from; i++) state.set(sorted[i]!.node, sorted[i]!.to)
  if (holds()) return {at: from}
  for (; i < sorted.length; i++) {
    state.set(sorted[i]!.node, sorted[i]!.to)
    if (holds()) return {at: sorted[i]!.at}
  }
  return undefined
}

function recoveryReport(run: RawRun, recovery: Exclude<RawRecovery, {skipped: string}>): RecoveryReport {
  const t = (at: number) => at - run.startedAt
  const back = masterAt(run.timeline.roles, recovery.node, recovery.restartedAt, false)
  const sole = masterAt(run.timeline.roles, recovery.node, recovery.restartedAt, true)
  const after = run.requests.filter((r) => r.end >= recovery.restartedAt)
  const gap = longestGap(after)
  return {
    node: recovery.node,
    pid: recovery.pid,
    action: recovery.action ?? null,
    restartedAt: t(recovery.restartedAt),
    masterAgainAt: back ? t(back.at) : null,
    masterAgainAfterMs: back ? back.at - recovery.restartedAt : null,
    soleMasterAt: sole ? t(sole.at) : null,
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

export type FailoverTarget = 'local' | 'lab' | 'hosts'

export interface FailoverTestResult {
  type: 'failover-test'
  target: FailoverTarget
  /** demo: lbctl up's built-in pair; dir: an init directory; scaffold: the lab's init scaffold; inventory: lbctl.yaml hosts. */
  source: 'demo' | 'dir' | 'scaffold' | 'inventory'
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
