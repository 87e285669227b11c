/**
 * HAProxy's static map (lb_map): a table with one slot per unit of weight, filled so that servers
 * interleave and, for equal weights, the first declared comes first. Used by static-rr and by
 * map-based hashing.
 */
import type {LbServer} from './types.js'

export function buildMap(servers: readonly LbServer[]): LbServer[] {
  const total = servers.reduce((sum, s) => sum + s.weight, 0)
  const table: LbServer[] = []
  if (total === 0) return table
  const score = new Map<LbServer, number>(servers.map((s) => [s, 0]))
  for (let slot = 0; slot < total; slot++) {
    let best: LbServer | undefined
    let max = 0
    for (const s of servers) {
      if (total === 1) {
        best = s
        break
      }
      const value = score.get(s)! + s.weight
      score.set(s, value)
      const level = Math.floor((value + total) / total)
      if (best === undefined || level > max) {
        max = level
        best = s
      }
    }
    if (!best) break
    table.push(best)
    score.set(best, score.get(best)! - total)
  }
  return table
}
