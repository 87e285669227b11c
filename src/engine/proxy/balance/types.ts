/**
 * The seam between a backend and its balance algorithm (house style 8, after HAProxy's lb_ops):
 * one file per algorithm, each told about state changes and connection counts, each asked to `pick`.
 */

/** What a balance algorithm may read about a server. The backend owns these values; algorithms never write them. */
export interface LbServer {
  /** HAProxy's server id (`puid`): 1-based declaration order within the backend. Hashes use it. */
  readonly id: number
  readonly name: string
  readonly backup: boolean
  /** Current user weight, 0-256 (changed by `set weight`). */
  readonly weight: number
  /** Can take new traffic: UP by health, not in MAINT or DRAIN (weight may still be 0). */
  readonly running: boolean
  /** Connections being served now. */
  readonly served: number
  /** Connections waiting in this server's own queue. */
  readonly queued: number
  /** 0: no limit. */
  readonly maxconn: number
}

export interface PickContext {
  /** The client's address (for `balance source`). */
  clientAddress?: string
  /** A server to avoid if another one is possible (redispatch after a failed connect). */
  avoid?: LbServer
}

export interface Balancer {
  /** The server for the next connection, or undefined when none is usable or all are saturated. */
  pick(context: PickContext): LbServer | undefined
  serverUp(server: LbServer): void
  serverDown(server: LbServer): void
  weightChanged(server: LbServer): void
  connTaken(server: LbServer): void
  connReleased(server: LbServer): void
}

/**
 * A balancer whose whole state is recomputed from the server list when a server goes up or down or changes
 * weight, and which ignores connection counts (static-rr, source, random).
 */
export abstract class RebuiltBalancer implements Balancer {
  abstract pick(context: PickContext): LbServer | undefined
  /** Recomputes the algorithm's table or ring from the servers as they are now. */
  protected abstract rebuild(): void

  serverUp(): void {
    this.rebuild()
  }

  serverDown(): void {
    this.rebuild()
  }

  weightChanged(): void {
    this.rebuild()
  }

  connTaken(): void {}

  connReleased(): void {}
}

/** HAProxy's weight scale: effective weights are user weights × 16 for dynamic algorithms. */
export const WEIGHT_SCALE = 16
export const UWEIGHT_RANGE = 256
export const EWEIGHT_MAX = UWEIGHT_RANGE * WEIGHT_SCALE

/** Usable for new traffic: running with a weight above 0 (HAProxy's srv_is_usable). */
export const isUsable = (s: LbServer): boolean => s.running && s.weight > 0

export const saturated = (s: LbServer): boolean => s.maxconn > 0 && (s.queued > 0 || s.served >= s.maxconn)

export interface BalancerOptions {
  /** `option allbackups`: spread over every backup, not only the first usable one. */
  allBackups: boolean
}

/**
 * The servers a request may go to: the usable active ones; when there are none, the first usable
 * backup (declaration order) or, with allbackups, every usable backup.
 */
export function eligibleGroup(servers: readonly LbServer[], options: BalancerOptions): {backup: boolean; servers: LbServer[]} {
  const active = servers.filter((s) => !s.backup && isUsable(s))
  if (active.length > 0) return {backup: false, servers: active}
  const backups = servers.filter((s) => s.backup && isUsable(s))
  return {backup: true, servers: options.allBackups ? backups : backups.slice(0, 1)}
}

/** An ordered list keyed by number, equal keys kept in insertion order (like HAProxy's eb32 trees). */
export class KeyedQueue<T> {
  // Parallel arrays, shifted by hand: no entry object and no splice per insert/remove (a pick does both).
  private keys: number[] = []
  private items: T[] = []

  insert(key: number, value: T): void {
    const keys = this.keys
    const items = this.items
    let i = keys.length
    keys.push(key)
    items.push(value)
    while (i > 0 && keys[i - 1]! > key) {
      keys[i] = keys[i - 1]!
      items[i] = items[i - 1]!
      i--
    }
    keys[i] = key
    items[i] = value
  }

  remove(value: T): boolean {
    const items = this.items
    const i = items.indexOf(value)
    if (i < 0) return false
    const keys = this.keys
    const last = items.length - 1
    for (let k = i; k < last; k++) {
      keys[k] = keys[k + 1]!
      items[k] = items[k + 1]!
    }
    keys.pop()
    items.pop()
    return true
  }

  first(): T | undefined {
    return this.items[0]
  }

  keyOf(value: T): number | undefined {
    const i = this.items.indexOf(value)
    return i < 0 ? undefined : this.keys[i]
  }

  values(): T[] {
    return this.items.slice()
  }

  /** The first entry with key >= `key` (index), for ring lookups. */
  lowerBound(key: number): number {
    let lo = 0
    let hi = this.keys.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.keys[mid]! < key) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  at(index: number): {key: number; value: T} | undefined {
    return index >= 0 && index < this.items.length ? {key: this.keys[index]!, value: this.items[index]!} : undefined
  }

  keyAt(index: number): number | undefined {
    return this.keys[index]
  }

  valueAt(index: number): T | undefined {
    return this.items[index]
  }

  get size(): number {
    return this.items.length
  }

  clear(): void {
    this.keys = []
    this.items = []
  }
}
