/**
 * HAProxy's consistent-hash ring (lb_chash): each usable server has weight × 16 points at
 * fullHash(id × 4096 + n); a hash goes to the nearest point, ties to the one before.
 */
import {fullHash} from './hash.js'
import {type BalancerOptions, eligibleGroup, EWEIGHT_MAX, KeyedQueue, type LbServer, WEIGHT_SCALE} from './types.js'

export class HashRing {
  private ring = new KeyedQueue<LbServer>()

  constructor(
    private readonly servers: readonly LbServer[],
    private readonly options: BalancerOptions,
  ) {
    this.rebuild()
  }

  rebuild(): void {
    this.ring.clear()
    const points: {key: number; server: LbServer}[] = []
    for (const s of eligibleGroup(this.servers, this.options).servers) {
      for (let n = 0; n < s.weight * WEIGHT_SCALE; n++) points.push({key: fullHash(s.id * EWEIGHT_MAX + n), server: s})
    }
    points.sort((a, b) => a.key - b.key)
    for (const p of points) this.ring.insert(p.key, p.server)
  }

  lookup(hash: number, avoid?: LbServer): LbServer | undefined {
    const size = this.ring.size
    if (size === 0) return undefined
    let nextIndex = this.ring.lowerBound(hash)
    if (nextIndex >= size) nextIndex = 0
    const prevIndex = nextIndex === 0 ? size - 1 : nextIndex - 1
    const dp = (hash - this.ring.keyAt(prevIndex)!) >>> 0
    const dn = (this.ring.keyAt(nextIndex)! - hash) >>> 0
    let index = dp <= dn ? prevIndex : nextIndex
    const server = this.ring.valueAt(index)!
    if (avoid && server === avoid) {
      // Walk the ring to the next different server, as HAProxy does for a server to avoid.
      for (let step = 1; step < size; step++) {
        index = (index + 1) % size
        const candidate = this.ring.valueAt(index)!
        if (candidate !== avoid) return candidate
      }
    }
    return server
  }
}
