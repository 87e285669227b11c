// Health flap timeline: per server, one cell per time bucket holding the worst state seen in it.
import type {Status} from '../../observe/stat-csv.js'

export type CellState = 'up' | 'down' | 'going-down' | 'going-up' | 'maint' | 'drain' | 'nolb' | 'nocheck' | 'unknown'

export interface TimelineCell {
  bucket: number
  state: CellState
}

export interface TimelineConfig {
  bucketMs: number
  buckets: number
}

/** Higher wins when several states fall in one bucket: a short DOWN must stay visible. */
const severity: Record<CellState, number> = {down: 8, 'going-down': 7, 'going-up': 6, maint: 5, drain: 4, nolb: 3, unknown: 2, nocheck: 1, up: 0}

export function cellState(status: Status): CellState {
  switch (status.state) {
    case 'UP':
      return status.transition ? 'going-down' : 'up'
    case 'DOWN':
      return status.transition ? 'going-up' : 'down'
    case 'NOLB':
      return 'nolb'
    case 'MAINT':
      return 'maint'
    case 'DRAIN':
      return 'drain'
    case 'no check':
      return 'nocheck'
    default:
      return 'unknown'
  }
}

export function bucketOf(at: number, config: TimelineConfig): number {
  return Math.floor(at / config.bucketMs)
}

/** Records a state at a time, keeping only the last `buckets` buckets. */
export function recordCell(cells: readonly TimelineCell[], at: number, state: CellState, config: TimelineConfig): TimelineCell[] {
  const bucket = bucketOf(at, config)
  const oldest = bucket - config.buckets + 1
  const kept = cells.filter((c) => c.bucket >= oldest)
  const last = kept[kept.length - 1]
  if (last && last.bucket === bucket) {
    if (severity[state] > severity[last.state]) kept[kept.length - 1] = {bucket, state}
    return kept
  }
  if (last && last.bucket > bucket) return kept
  kept.push({bucket, state})
  return kept
}

/** The last `count` buckets ending at `now`, oldest first; undefined where nothing was seen. */
export function cellsUntil(cells: readonly TimelineCell[], now: number, count: number, config: TimelineConfig): (CellState | undefined)[] {
  const current = bucketOf(now, config)
  const byBucket = new Map(cells.map((c) => [c.bucket, c.state]))
  const out: (CellState | undefined)[] = []
  for (let b = current - count + 1; b <= current; b++) out.push(byBucket.get(b))
  return out
}
