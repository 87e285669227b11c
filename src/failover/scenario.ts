/**
 * One failover experiment, whatever the target (the bundled pair, the lab, real hosts): for each run,
 * open the target, wait for settled roles, send traffic to the VIP, break the MASTER, watch until the
 * VIP answers again (plus a short tail), then (unless --no-recover) bring the old master back and
 * watch the failback: until it is MASTER again when its priority should preempt (or BACKUP when not)
 * and the VIP answers, plus a tail. Then close the target; each run gets a fresh one.
 */
import type {VrrpRow} from '../observe/show-vrrp.js'
import {UserError} from '../errors.js'
import {defaultMaxGapMs, failoverTime, theory} from './figures.js'
import type {FaultKind, FaultRecord, RequestRecord, VipChange, VrrpTiming} from './records.js'
import {buildRunReport, type FailoverTarget, type FailoverTestResult, type RawRecovery, type RunReport, summarize} from './report.js'
import {startTimeline, type TimelinePoller, type VrrpSource} from './timeline.js'
import type {Traffic, TrafficOptions} from './traffic.js'
import {foldWire, lastAdvertBefore, type WireWatch} from './wire.js'

/** A pair (or more) of nodes under test, opened for one run. */
export interface TargetSession {
  /** What traffic goes to. */
  url: string
  source: FailoverTestResult['source']
  /** Each node's VRRP state, polled into the timeline. */
  sources: VrrpSource[]
  /** The node processes now (after a recovery: the new ones). */
  nodes(): {name: string; pid: number}[]
  startTraffic(options: Omit<TrafficOptions, 'url' | 'now' | 'onRecord'>): Traffic
  /** Adds the target's knowledge to the settled rows' timing (e.g. the track script interval). */
  timing?(timing: VrrpTiming): VrrpTiming
  inject(kind: FaultKind, node: string): Promise<FaultRecord>
  /** Undoes the fault on the node (restart, link up, filter removed) and says what it did. */
  recover(fault: FaultRecord): Promise<{pid: number; action: string}>
  /** Sniffs VRRP adverts and GARPs on the wire, when the target can. */
  watchWire?(): Promise<WireWatch>
  /** The VIP changes seen so far (lab: `ip monitor address` on each node). */
  vipChanges?(): VipChange[]
  /** The VRID under test and each node's address on the wire (to name the adverts' senders). */
  wireInfo?: {vrid: number; addresses: Record<string, string>}
  notes: string[]
  close(): Promise<void>
}

export interface ScenarioOptions {
  target: FailoverTarget
  open(progress: (text: string) => void): Promise<TargetSession>
  fault: FaultKind
  rate: number
  keepalive: boolean
  durationBeforeMs: number
  /** undefined: the default for the fault and the pair's advert interval. */
  maxGapMs?: number
  recover: boolean
  repeat: number
  requestTimeoutMs?: number
  pollIntervalMs?: number
  /** Progress lines (for stderr). */
  onProgress?: (text: string) => void
  /** Aborts the run (Ctrl-C): everything started is stopped before the promise rejects. */
  signal?: AbortSignal
}

/** What an experiment takes on every target (fault, traffic, pass mark, progress); each target adds where to run it. */
export type ExperimentOptions = Omit<ScenarioOptions, 'target' | 'open'>

/** How long after the recovery the failback may take before the run ends without it. */
const FAILBACK_WAIT_MS = 8000
const TAIL_MS = 1000

const aborted = () => new UserError('failover.aborted', 'failover-test interrupted', {exitCode: 130})

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(aborted())
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(aborted())
    }
    signal?.addEventListener('abort', onAbort, {once: true})
  })
}

/** One MASTER per VRID and every other instance BACKUP, on every node. */
function settled(latest: Map<string, readonly VrrpRow[]>, nodes: number): boolean {
  if (latest.size < nodes) return false
  const rows = [...latest.values()].flat()
  if (rows.length === 0 || rows.some((r) => r.state !== 'MASTER' && r.state !== 'BACKUP')) return false
  const vrids = new Set(rows.map((r) => r.vrid))
  return [...vrids].every((vrid) => rows.filter((r) => r.vrid === vrid && r.state === 'MASTER').length === 1)
}

/** The MASTER is the node with the highest priority: nothing will preempt it. */
function masterOutranks(latest: Map<string, readonly VrrpRow[]>): boolean {
  const rows = [...latest.values()].flat()
  const master = rows.find((r) => r.state === 'MASTER')
  const priority = (r: VrrpRow) => r.effectivePriority ?? r.priority ?? 0
  return master !== undefined && rows.every((r) => r === master || priority(r) < priority(master))
}

/**
 * Until one MASTER and the rest BACKUP, and either the MASTER outranks the others or that has held for
 * 4 advert intervals (a higher-priority node still starting would have preempted by then).
 */
async function waitSettled(poller: TimelinePoller, nodes: number, ms: number, signal?: AbortSignal): Promise<Map<string, readonly VrrpRow[]>> {
  const end = Date.now() + ms
  let since: {at: number; key: string} | undefined
  for (;;) {
    await poller.nextRound()
    if (signal?.aborted) throw aborted()
    const latest = poller.recorder.latest()
    if (settled(latest, nodes)) {
      if (masterOutranks(latest)) return latest
      const key = [...latest].map(([node, rows]) => `${node}:${rows.map((r) => r.state).join()}`).join(';')
      if (since?.key !== key) since = {at: Date.now(), key}
      const advertMs = Math.max(...[...latest.values()].flat().map((r) => r.advertIntMs ?? 1000))
      if (Date.now() - since.at >= 4 * advertMs) return latest
    } else since = undefined
    if (Date.now() > end) {
      const seen = [...latest].map(([node, rows]) => `${node}: ${rows.map((r) => `${r.instance} ${r.state}`).join(', ') || 'no instances'}`).join('; ')
      throw new UserError('failover.unsettled', `the pair did not settle on one MASTER within ${ms} ms (${seen || 'no node answered'})`, {
        hint: 'check the node logs, or watch the pair with lbctl top',
        exitCode: 1,
      })
    }
  }
}

/**
 * After the recovery: until the node is MASTER again (preempts) or BACKUP (does not) and a request
 * started after that succeeded, then a tail; at most FAILBACK_WAIT_MS after the recovery.
 */
async function waitFailback(
  poller: TimelinePoller,
  traffic: {records: readonly RequestRecord[]},
  expect: {node: string; preempts: boolean; restartedAt: number},
  signal?: AbortSignal,
): Promise<void> {
  const want = expect.preempts ? 'MASTER' : 'BACKUP'
  let settledAt: number | undefined
  let doneAt: number | undefined
  while (Date.now() < expect.restartedAt + FAILBACK_WAIT_MS) {
    await sleep(50, signal)
    const latest = poller.recorder.latest()
    // Preemption is done when the node is MASTER and nobody else is (after a split brain both were).
    const othersMaster = [...latest].some(([node, rows]) => node !== expect.node && rows.some((r) => r.state === 'MASTER'))
    if (settledAt === undefined && latest.get(expect.node)?.some((r) => r.state === want) && !(expect.preempts && othersMaster)) settledAt = Date.now()
    if (settledAt !== undefined && doneAt === undefined && traffic.records.some((r) => r.start >= settledAt! && r.outcome.kind === 'ok')) doneAt = Date.now()
    if (doneAt !== undefined && Date.now() - doneAt >= TAIL_MS) return
  }
}

function timingOf(rows: readonly VrrpRow[], node: string): VrrpTiming {
  const row = rows[0]
  return {
    node,
    version: row?.version === 3 ? 3 : 2,
    advertIntMs: row?.advertIntMs ?? 1000,
    priority: row?.effectivePriority ?? row?.priority ?? 100,
  }
}

async function oneRun(options: ScenarioOptions, index: number): Promise<{report: RunReport; source: FailoverTestResult['source']; notes: string[]}> {
  const progress = (text: string) => options.onProgress?.(options.repeat > 1 ? `run ${index + 1}/${options.repeat}: ${text}` : text)
  const session = await options.open(progress)
  let poller: TimelinePoller | undefined
  let traffic: Traffic | undefined
  let wire: WireWatch | undefined
  try {
    poller = startTimeline(session.sources, {intervalMs: options.pollIntervalMs ?? 50})
    const latest = await waitSettled(poller, session.sources.length, 15_000, options.signal)
    const master = [...latest].find(([, rows]) => rows.some((r) => r.state === 'MASTER'))![0]
    // The survivor that should take over: the highest-priority other node.
    const survivors = [...latest].filter(([node]) => node !== master)
    survivors.sort(([, x], [, y]) => (y[0]?.effectivePriority ?? 0) - (x[0]?.effectivePriority ?? 0))
    const [heir, heirRows] = survivors[0] ?? [master, latest.get(master) ?? []]
    const timing = session.timing ? session.timing(timingOf(heirRows, heir)) : timingOf(heirRows, heir)
    const maxGapMs = options.maxGapMs ?? defaultMaxGapMs(options.fault, timing)
    const expected = theory(options.fault, timing).expectedMs
    wire = session.watchWire ? await session.watchWire() : undefined

    progress(`${master} is MASTER; ${options.rate} req/s to ${session.url} for ${options.durationBeforeMs} ms before the fault`)
    const startedAt = Date.now()
    const maxRunMs = options.durationBeforeMs + Math.max(2 * maxGapMs, expected + 3000) + 5000 + (options.recover ? FAILBACK_WAIT_MS + TAIL_MS + 6000 : 0)
    traffic = session.startTraffic({rate: options.rate, keepalive: options.keepalive, timeoutMs: options.requestTimeoutMs ?? 1000, maxRequests: Math.ceil((options.rate * maxRunMs) / 1000)})
    await sleep(options.durationBeforeMs, options.signal)

    // A fresh poll just before the fault: when the old master last advertised.
    await poller.nextRound()
    const masterRow = poller.recorder.latest().get(master)?.find((r) => r.state === 'MASTER')
    const polledAdvertAt = masterRow?.lastAdvertMsAgo === null || masterRow === undefined ? undefined : Date.now() - masterRow.lastAdvertMsAgo
    const fault = await session.inject(options.fault, master)
    progress(`${fault.action ?? `${fault.signal} to node ${master}`}; expecting ~${expected} ms (${theory(options.fault, timing).formula})`)
    // Until the VIP answers again after failing (then a tail), or the deadline.
    const deadline = fault.at + Math.max(2 * maxGapMs, expected + 3000)
    let recoveredAt: number | undefined
    while (Date.now() < deadline) {
      await sleep(50, options.signal)
      const records = traffic.records
      const failed = records.some((r) => r.start >= fault.at && r.outcome.kind !== 'ok')
      // Answers that name their load balancer show the switch even when no request failed.
      const viaOther = records.some((r) => r.start >= fault.at && r.outcome.kind === 'ok' && r.lbNode !== undefined && r.lbNode !== master)
      if ((failed && failoverTime(records, fault.at) !== null) || viaOther) {
        recoveredAt ??= Date.now()
        if (Date.now() - recoveredAt >= TAIL_MS) break
      }
      // Nothing failed at all long after the theory says the switch happened: a seamless failover.
      if (!failed && Date.now() - fault.at > expected + 2000) break
    }
    let recovery: RawRecovery = {skipped: 'skipped (--no-recover)'}
    if (options.recover) {
      // Preemption should give the old master its role back when it outranks the node that took over.
      const preempts = (latest.get(master)?.[0]?.effectivePriority ?? 0) > timing.priority
      const restartedAt = Date.now()
      const back = await session.recover(fault)
      progress(`${back.action}; expecting ${master} to ${preempts ? 'take MASTER back (preemption)' : 'rejoin as BACKUP'}`)
      recovery = {node: master, pid: back.pid, restartedAt, action: back.action}
      await waitFailback(poller, traffic, {node: master, preempts, restartedAt}, options.signal)
    }
    const requests = await traffic.stop()
    traffic = undefined
    const timeline = await poller.stop()
    poller = undefined
    const wireEvents = wire ? await wire.stop() : undefined
    wire = undefined
    const endedAt = Date.now()
    const info = session.wireInfo
    const masterAddress = info?.addresses[master]
    const wiredAdvertAt = wireEvents && info && masterAddress ? lastAdvertBefore(wireEvents, info.vrid, masterAddress, fault.at) : undefined
    const lastAdvertAt = wiredAdvertAt ?? polledAdvertAt
    const nodeOf = (address: string) => Object.entries(info?.addresses ?? {}).find(([, a]) => a === address)?.[0] ?? address
    const wireReport = wireEvents && info ? foldWire(wireEvents, {vrid: info.vrid, faultAt: fault.at, oldMasterAddress: masterAddress, nodeOf}) : undefined
    const report = buildRunReport({
      startedAt,
      endedAt,
      requests,
      timeline,
      fault,
      // After a restart: the new process (the old one is fault.pid).
      nodes: session.nodes(),
      timing,
      maxGapMs,
      ...(lastAdvertAt === undefined ? {} : {lastAdvertAt}),
      recovery,
      ...(wireReport === undefined ? {} : {wire: wireReport}),
      ...(session.vipChanges ? {vipChanges: session.vipChanges()} : {}),
    })
    progress(`failover ${report.failoverMs ?? 'never'} ms, gap ${report.gapMs} ms, ${report.requests.failed}/${report.requests.total} failed, dual master ${report.dualMasterMs} ms: ${report.pass ? 'pass' : 'FAIL'}`)
    if (report.recovery) {
      const r = report.recovery
      progress(`failback: ${r.node} ${r.masterAgainAfterMs === null ? 'not MASTER again' : `MASTER again ${r.masterAgainAfterMs} ms after the recovery`}, gap ${r.failbackGapMs} ms`)
    }
    return {report, source: session.source, notes: session.notes}
  } finally {
    await traffic?.stop().catch(() => [])
    await poller?.stop()
    await wire?.stop().catch(() => undefined)
    await session.close()
  }
}

export async function runScenario(options: ScenarioOptions): Promise<FailoverTestResult> {
  const runs: RunReport[] = []
  const notes = new Set<string>()
  let source: FailoverTestResult['source'] | undefined
  for (let i = 0; i < options.repeat; i++) {
    const run = await oneRun(options, i)
    runs.push(run.report)
    source = run.source
    for (const note of run.notes) notes.add(note)
  }
  return {
    type: 'failover-test',
    target: options.target,
    source: source ?? 'demo',
    fault: options.fault,
    rate: options.rate,
    keepalive: options.keepalive,
    maxGapMs: runs[0]?.maxGapMs ?? options.maxGapMs ?? 0,
    pass: runs.every((r) => r.pass),
    summary: summarize(runs),
    runs,
    notes: [...notes],
  }
}
