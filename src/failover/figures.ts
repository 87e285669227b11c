/**
 * The report's arithmetic on recorded requests and roles: pure functions, no clock, no I/O.
 *
 * Definitions (all in ms):
 * - client-visible gap: the longest run of consecutive failed requests (ordered by start), from the
 *   start of its first failed request to the start of the first successful request after it (or to
 *   the end of its last failed request when none succeeded afterwards);
 * - failover time: from the fault to the end of the first successful request that started after
 *   the first failure following the fault; 0 when no request failed after the fault, null when
 *   none succeeded again;
 * - dual-master time: the total length of the windows in which two nodes said MASTER for one VRID.
 */
import {skewTimeMs, masterDownIntervalMs} from '../engine/vrrp/timing.js'
import type {DualMasterWindow, FaultKind, FaultRecord, RequestRecord, RoleChange, VrrpTiming} from './records.js'

export function isOk(record: RequestRecord): boolean {
  return record.outcome.kind === 'ok'
}

export interface Gap {
  start: number
  end: number
  ms: number
  failed: number
  /** Whether a request succeeded after the run (false: the run lasted until the end of the traffic). */
  recovered: boolean
}

/** The longest run of failed requests, or undefined when every request succeeded. */
export function longestGap(requests: readonly RequestRecord[]): Gap | undefined {
  const sorted = [...requests].sort((x, y) => x.start - y.start)
  let best: Gap | undefined
  let i = 0
  while (i < sorted.length) {
    if (isOk(sorted[i]!)) {
      i++
      continue
    }
    const first = sorted[i]!
    let j = i
    let lastEnd = first.end
    while (j < sorted.length && !isOk(sorted[j]!)) lastEnd = Math.max(lastEnd, sorted[j++]!.end)
    const next = sorted[j]
    const end = next ? next.start : lastEnd
    const gap: Gap = {start: first.start, end, ms: end - first.start, failed: j - i, recovered: next !== undefined}
    if (!best || gap.ms > best.ms) best = gap
    i = j
  }
  return best
}

/** Fault → end of the first success after the first failure following the fault (see the file comment). */
export function failoverTime(requests: readonly RequestRecord[], faultAt: number): number | null {
  const after = requests.filter((r) => r.start >= faultAt).sort((x, y) => x.start - y.start)
  const firstFailure = after.find((r) => !isOk(r))
  if (!firstFailure) return 0
  const success = after.filter((r) => r.start > firstFailure.start && isOk(r)).sort((x, y) => x.end - y.end)[0]
  return success ? success.end - faultAt : null
}

export function dualMasterMs(windows: readonly DualMasterWindow[]): number {
  return windows.reduce((sum, w) => sum + (w.end - w.start), 0)
}

/** The first node other than the faulted one that became MASTER after the fault. */
export function newMaster(roles: readonly RoleChange[], fault: FaultRecord): {node: string; afterMs: number} | undefined {
  const change = roles.find((r) => r.at >= fault.at && r.node !== fault.node && r.to === 'MASTER')
  return change ? {node: change.node, afterMs: change.at - fault.at} : undefined
}

export interface Theory {
  /** What the formula says for this fault. */
  expectedMs: number
  formula: string
  masterDownMs: number
  skewMs: number
  advertIntMs: number
  priority: number
  version: 2 | 3
}

/**
 * What RFC 5798 says the takeover costs, per fault:
 * - kill, link: the old master falls silent; the backup waits Master_Down_Interval (3 × advert + skew)
 *   from the last advert it heard;
 * - stop: the old master's priority-0 advert makes the backup wait only Skew_Time (§6.4.2);
 * - proxy: the track script needs up to interval × fall to see the dead proxy; then the master
 *   advertises a priority below the backup's, which a preempting backup discards (§6.4.2), so it
 *   takes over after Master_Down_Interval from the last higher-priority advert;
 * - block-vrrp: the backup hears nothing, so after Master_Down_Interval it becomes a second MASTER.
 */
export function theory(kind: FaultKind, timing: VrrpTiming): Theory {
  const advertCs = Math.round(timing.advertIntMs / 10)
  const skewMs = skewTimeMs(timing.version, timing.priority, advertCs)
  const masterDownMs = masterDownIntervalMs(timing.version, timing.priority, advertCs)
  const skewText = timing.version === 2 ? `(256-${timing.priority})/256 s` : `(256-${timing.priority})*${timing.advertIntMs}/256 ms`
  const base = {masterDownMs, skewMs, advertIntMs: timing.advertIntMs, priority: timing.priority, version: timing.version}
  const masterDown = `3 x ${timing.advertIntMs} ms + skew ${skewText} = ${masterDownMs} ms`
  switch (kind) {
    case 'stop':
      return {...base, expectedMs: skewMs, formula: `skew ${skewText} = ${skewMs} ms`}
    case 'proxy': {
      const detect = timing.trackDetectMs ?? 0
      return {...base, expectedMs: detect + masterDownMs, formula: `up to track script ${detect} ms + 3 x ${timing.advertIntMs} ms + skew = ${detect + masterDownMs} ms`}
    }
    case 'block-vrrp':
      return {...base, expectedMs: masterDownMs, formula: `second MASTER after ${masterDown}`}
    default:
      return {...base, expectedMs: masterDownMs, formula: masterDown}
  }
}

/** The default SLO: 4 adverts (4 s with VRRPv2's 1 s) plus the track script for proxy; stop 1.5 adverts; never under 1 s. */
export function defaultMaxGapMs(kind: FaultKind, timing: VrrpTiming): number {
  const adverts = kind === 'stop' ? 1.5 : 4
  const detect = kind === 'proxy' ? (timing.trackDetectMs ?? 0) : 0
  return Math.max(1000, Math.round(adverts * timing.advertIntMs + detect))
}

/**
 * Fault → end of the first successful request that the new master forwarded (the `x-lb-node` header
 * names it), among requests started after the fault; null when no answer named it.
 */
export function firstViaNode(requests: readonly RequestRecord[], faultAt: number, node: string): number | null {
  const via = requests.filter((r) => r.start >= faultAt && isOk(r) && r.lbNode === node).sort((x, y) => x.end - y.end)[0]
  return via ? via.end - faultAt : null
}

export interface Spread {
  min: number
  median: number
  max: number
}

/** min/median/max of the numbers given (null entries are left out); undefined when none. */
export function spread(values: ReadonlyArray<number | null>): Spread | undefined {
  const numbers = values.filter((v): v is number => v !== null).sort((x, y) => x - y)
  if (numbers.length === 0) return undefined
  const mid = Math.floor(numbers.length / 2)
  const median = numbers.length % 2 === 1 ? numbers[mid]! : (numbers[mid - 1]! + numbers[mid]!) / 2
  return {min: numbers[0]!, median, max: numbers.at(-1)!}
}
