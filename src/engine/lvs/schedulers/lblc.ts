/**
 * `lblc` (ip_vs_lblc.c): locality-based least-connection. Each destination address keeps the server
 * it was last given; a new or unusable one (down, weight 0, or overloaded: more active connections
 * than its weight while some server is under half its weight) is replaced by the wlc choice.
 * Entries unused for `expirationMs` (the kernel's lblc_expiration, 24 h) are forgotten.
 */
import {connOverhead, leastByWeight, type LvsPickContext, type LvsScheduler, type LvsServer} from './types.js'

export const LBLC_EXPIRATION_MS = 24 * 60 * 60 * 1000

/** The kernel's is_overloaded(): busier than its weight while another server is under half of its own. */
export function overloaded(s: LvsServer, servers: readonly LvsServer[]): boolean {
  if (s.served <= s.weight) return false
  return servers.some((d) => d.served * 2 < d.weight)
}

export class LocalityLeastConnectionScheduler implements LvsScheduler {
  private readonly cache = new Map<string, {server: LvsServer; lastUse: number}>()

  constructor(
    private readonly servers: readonly LvsServer[],
    private readonly expirationMs = LBLC_EXPIRATION_MS,
  ) {}

  pick(context: LvsPickContext): LvsServer | undefined {
    const now = context.now ?? Date.now()
    const key = context.destAddress ?? ''
    this.expire(now)
    const entry = this.cache.get(key)
    if (entry) {
      entry.lastUse = now
      // The kernel's cache check reads weight and its own overload test, not the uthreshold flag.
      if (entry.server.running && entry.server.weight > 0 && !overloaded(entry.server, this.servers)) return entry.server
    }
    const server = leastByWeight(this.servers, connOverhead)
    if (!server) return undefined
    this.cache.set(key, {server, lastUse: now})
    return server
  }

  private expire(now: number): void {
    for (const [key, entry] of this.cache) if (now - entry.lastUse > this.expirationMs) this.cache.delete(key)
  }

  serverUp(): void {}
  serverDown(): void {}
  weightChanged(): void {}
  connTaken(): void {}
  connReleased(): void {}
}
