/**
 * `failover-test --local`: for each run, starts the bundled pair (`startUp`, built-in demo or an
 * init DIR), waits for settled roles, sends traffic to the VIP, breaks the MASTER, watches until the
 * VIP answers again (plus a short tail), then (unless --no-recover) restarts the old master and
 * watches the failback: until it is MASTER again when its priority should preempt (or BACKUP when
 * not) and the VIP answers, plus a tail. Then stops everything; each run gets a fresh pair.
 */
import {startUp, type UpSession} from '../engine/demo/up.js'
import {RuntimeApiClient} from '../observe/runtime-api.js'
import type {VrrpRow} from '../observe/show-vrrp.js'
import {UserError} from '../errors.js'
import {injectFault} from './faults.js'
import {defaultMaxGapMs, failoverTime, theory} from './figures.js'
import type {FaultKind, FaultRecord, RequestRecord, VrrpTiming} from './records.js'
import {buildRunReport, type FailoverTestResult, type RawRecovery, type RunReport, summarize} from './report.js'
import {startTimeline, type TimelinePoller} from './timeline.js'
import {startTraffic} from './traffic.js'

export interface LocalFailoverOptions {
  /** An `lbctl init` directory; undefined: the built-in demo. */
  dir?: string
  lbctl: {command: string; args: string[]}
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

/** How long after the restart the failback may take before the run ends without it. */
const FAILBACK_WAIT_MS = 8000
const TAIL_MS = 1000

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new UserError('failover.aborted', 'failover-test interrupted', {exitCode: 130}))
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(new UserError('failover.aborted', 'failover-test interrupted', {exitCode: 130}))
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

async function waitSettled(poller: TimelinePoller, nodes: number, ms: number, signal?: AbortSignal): Promise<Map<string, readonly VrrpRow[]>> {
  const end = Date.now() + ms
  for (;;) {
    await poller.nextRound()
    if (signal?.aborted) throw new UserError('failover.aborted', 'failover-test interrupted', {exitCode: 130})
    const latest = poller.recorder.latest()
    if (settled(latest, nodes)) return latest
    if (Date.now() > end) {
      const seen = [...latest].map(([node, rows]) => `${node}: ${rows.map((r) => `${r.instance} ${r.state}`).join(', ') || 'no instances'}`).join('; ')
      throw new UserError('failover.unsettled', `the pair did not settle on one MASTER within ${ms} ms (${seen || 'no node answered show vrrp'})`, {
        hint: 'check the node logs, or run lbctl up and watch it with lbctl top',
        exitCode: 1,
      })
    }
  }
}

/**
 * After the restart: until the node is MASTER again (preempts) or BACKUP (does not) and a request
 * started after that succeeded, then a tail; at most FAILBACK_WAIT_MS after the restart.
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
    if (settledAt === undefined && poller.recorder.latest().get(expect.node)?.some((r) => r.state === want)) settledAt = Date.now()
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

async function oneRun(options: LocalFailoverOptions, index: number): Promise<{report: RunReport; source: 'demo' | 'dir'; notes: string[]}> {
  const progress = (text: string) => options.onProgress?.(options.repeat > 1 ? `run ${index + 1}/${options.repeat}: ${text}` : text)
  progress(`starting the ${options.dir === undefined ? 'built-in demo pair' : `pair from ${options.dir}`}`)
  const session: UpSession = await startUp({...(options.dir === undefined ? {} : {dir: options.dir}), lbctl: options.lbctl})
  let poller: TimelinePoller | undefined
  let traffic: ReturnType<typeof startTraffic> | undefined
  try {
    const endpoints = session.endpoints()
    if (!endpoints.vipAnswering) throw new UserError('failover.no-vip', `nothing answers on ${endpoints.url}`, {hint: 'see the node logs: ' + endpoints.nodes.map((n) => n.log).join(', '), exitCode: 1})
    const sources = endpoints.nodes.map((n) => {
      const client = RuntimeApiClient.connect(n.statsSocket, {timeoutMs: 250})
      return {node: n.name, showVrrp: () => client.showVrrp()}
    })
    poller = startTimeline(sources, {intervalMs: options.pollIntervalMs ?? 50})
    const latest = await waitSettled(poller, sources.length, 15_000, options.signal)
    const master = [...latest].find(([, rows]) => rows.some((r) => r.state === 'MASTER'))![0]
    const masterNode = endpoints.nodes.find((n) => n.name === master)!
    // The survivor that should take over: the highest-priority other node.
    const survivors = [...latest].filter(([node]) => node !== master)
    survivors.sort(([, x], [, y]) => (y[0]?.effectivePriority ?? 0) - (x[0]?.effectivePriority ?? 0))
    const [heir, heirRows] = survivors[0] ?? [master, latest.get(master) ?? []]
    const timing = timingOf(heirRows, heir)
    const maxGapMs = options.maxGapMs ?? defaultMaxGapMs(options.fault, timing)
    const expected = theory(options.fault, timing).expectedMs

    progress(`${master} is MASTER; ${options.rate} req/s to ${endpoints.url} for ${options.durationBeforeMs} ms before the fault`)
    const startedAt = Date.now()
    const maxRunMs = options.durationBeforeMs + Math.max(2 * maxGapMs, expected + 3000) + 5000 + (options.recover ? FAILBACK_WAIT_MS + TAIL_MS + 6000 : 0)
    traffic = startTraffic({url: endpoints.url, rate: options.rate, keepalive: options.keepalive, timeoutMs: options.requestTimeoutMs ?? 1000, maxRequests: Math.ceil((options.rate * maxRunMs) / 1000)})
    await sleep(options.durationBeforeMs, options.signal)

    // A fresh poll just before the fault: when the old master last advertised.
    await poller.nextRound()
    const masterRow = poller.recorder.latest().get(master)?.find((r) => r.state === 'MASTER')
    const lastAdvertAt = masterRow?.lastAdvertMsAgo === null || masterRow === undefined ? undefined : Date.now() - masterRow.lastAdvertMsAgo
    const fault: FaultRecord = injectFault(options.fault, {name: master, pid: masterNode.pid})
    progress(`${fault.signal} to node ${master} (pid ${masterNode.pid}); expecting ~${expected} ms (${options.fault === 'kill' ? '3 x advert + skew' : 'skew'})`)
    // Until the VIP answers again after failing (then a 1 s tail), or the deadline.
    const deadline = fault.at + Math.max(2 * maxGapMs, expected + 3000)
    let recoveredAt: number | undefined
    while (Date.now() < deadline) {
      await sleep(50, options.signal)
      const records = traffic.records
      const failed = records.some((r) => r.start >= fault.at && r.outcome.kind !== 'ok')
      if (failed && failoverTime(records, fault.at) !== null) {
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
      progress(`restarting node ${master}; expecting it to ${preempts ? 'take MASTER back (preemption)' : 'rejoin as BACKUP'}`)
      const restartedAt = Date.now()
      const restarted = await session.cluster.restartNode(master)
      recovery = {node: master, pid: restarted.pid, restartedAt}
      await waitFailback(poller, traffic, {node: master, preempts, restartedAt}, options.signal)
    }
    const requests = await traffic.stop()
    traffic = undefined
    const timeline = await poller.stop()
    poller = undefined
    const endedAt = Date.now()
    const report = buildRunReport({
      startedAt,
      endedAt,
      requests,
      timeline,
      fault,
      // After a restart: the new process (the old one is fault.pid).
      nodes: session.endpoints().nodes.map((n) => ({name: n.name, pid: n.pid})),
      timing,
      maxGapMs,
      ...(lastAdvertAt === undefined ? {} : {lastAdvertAt}),
      recovery,
    })
    progress(`failover ${report.failoverMs ?? 'never'} ms, gap ${report.gapMs} ms, ${report.requests.failed}/${report.requests.total} failed: ${report.pass ? 'pass' : 'FAIL'}`)
    if (report.recovery) {
      const r = report.recovery
      progress(`failback: ${r.node} ${r.masterAgainAfterMs === null ? 'not MASTER again' : `MASTER again ${r.masterAgainAfterMs} ms after the restart`}, gap ${r.failbackGapMs} ms`)
    }
    return {report, source: endpoints.source, notes: endpoints.notes}
  } finally {
    await traffic?.stop()
    await poller?.stop()
    progress('stopping the pair')
    await session.stop()
  }
}

export async function runLocalFailover(options: LocalFailoverOptions): Promise<FailoverTestResult> {
  const runs: RunReport[] = []
  const notes = new Set<string>()
  let source: 'demo' | 'dir' = options.dir === undefined ? 'demo' : 'dir'
  for (let i = 0; i < options.repeat; i++) {
    const run = await oneRun(options, i)
    runs.push(run.report)
    source = run.source
    for (const note of run.notes) notes.add(note)
  }
  return {
    type: 'failover-test',
    target: 'local',
    source,
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
