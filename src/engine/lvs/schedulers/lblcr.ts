/**
 * `lblcr` (ip_vs_lblcr.c): locality-based least-connection with replication. Each destination
 * address keeps a set of servers; the least loaded of the set serves unless it is overloaded, in
 * which case the wlc choice joins the set. A set not changed for `expirationMs` (lblcr_expiration,
 * 24 h) drops its most loaded member at the next pick; entries unused that long are forgotten.
 */
import {overloaded, LBLC_EXPIRATION_MS} from './lblc.js'
import {available, connOverhead, leastByWeight, type LvsPickContext, type LvsScheduler, type LvsServer} from './types.js'

interface ServerSet {
  members: LvsServer[]
  lastMod: number
  lastUse: number
}

/** ip_vs_dest_set_max: the most loaded member with a weight above 0, the first among equals. */
function mostLoaded(members: readonly LvsServer[]): LvsServer | undefined {
  let most: LvsServer | undefined
  let moh = 0
  for (const s of members) {
    if (s.weight <= 0) continue
    const doh = connOverhead(s)
    if (!most || moh * s.weight < doh * most.weight) {
      most = s
      moh = doh
    }
  }
  return most
}

export class LocalityReplicationScheduler implements LvsScheduler {
  private readonly cache = new Map<string, ServerSet>()

  constructor(
    private readonly servers: readonly LvsServer[],
    private readonly expirationMs = LBLC_EXPIRATION_MS,
  ) {}

  /** The servers of the set kept for a destination address (tests, `show` output). */
  setOf(destAddress: string): readonly LvsServer[] {
    return this.cache.get(destAddress)?.members ?? []
  }

  pick(context: LvsPickContext): LvsServer | undefined {
    const now = context.now ?? Date.now()
    const key = context.destAddress ?? ''
    for (const [k, set] of this.cache) if (now - set.lastUse > this.expirationMs) this.cache.delete(k)
    const set = this.cache.get(key)
    if (!set) {
      const server = leastByWeight(this.servers, connOverhead)
      if (server) this.cache.set(key, {members: [server], lastMod: now, lastUse: now})
      return server
    }
    set.lastUse = now
    const least = leastByWeight(set.members, connOverhead)
    if (set.members.length > 1 && now - set.lastMod > this.expirationMs) {
      const most = mostLoaded(set.members)
      if (most) {
        set.members = set.members.filter((s) => s !== most)
        set.lastMod = now
      }
    }
    if (least && available(least) && !overloaded(least, this.servers)) return least
    const server = leastByWeight(this.servers, connOverhead)
    if (!server) return undefined
    if (!set.members.includes(server)) {
      set.members.push(server)
      set.lastMod = now
    }
    return server
  }

  serverUp(): void {}
  serverDown(): void {}
  weightChanged(): void {}
  connTaken(): void {}
  connReleased(): void {}
}
