/**
 * `balance leastconn` (HAProxy's lb_fwlc): the server with the fewest connections per unit of weight;
 * among equals, the one that changed least recently, so short sequential connections rotate.
 */
import {type Balancer, type BalancerOptions, EWEIGHT_MAX, isUsable, KeyedQueue, type LbServer, type PickContext, saturated, WEIGHT_SCALE} from './types.js'

export class LeastConn implements Balancer {
  private readonly act = new KeyedQueue<LbServer>()
  private readonly bck = new KeyedQueue<LbServer>()

  constructor(
    private readonly servers: readonly LbServer[],
    private readonly options: BalancerOptions,
  ) {
    for (const s of servers) if (isUsable(s)) this.tree(s).insert(this.key(s), s)
  }

  private tree(s: LbServer): KeyedQueue<LbServer> {
    return s.backup ? this.bck : this.act
  }

  private key(s: LbServer): number {
    const inflight = s.served + s.queued
    return inflight ? Math.floor(((inflight + 1) * EWEIGHT_MAX) / (s.weight * WEIGHT_SCALE)) : 0
  }

  pick(context: PickContext): LbServer | undefined {
    let tree = this.act
    if (tree.size === 0) {
      if (!this.options.allBackups) return this.servers.find((s) => s.backup && isUsable(s))
      tree = this.bck
    }
    let avoided: LbServer | undefined
    for (const s of tree.values()) {
      if (saturated(s)) continue
      if (s !== context.avoid) return s
      avoided ??= s
    }
    return avoided
  }

  private reposition(s: LbServer): void {
    const tree = this.tree(s)
    const current = tree.keyOf(s)
    if (!isUsable(s)) {
      tree.remove(s)
      return
    }
    const key = this.key(s)
    if (current === key) return
    tree.remove(s)
    tree.insert(key, s)
  }

  serverUp(s: LbServer): void {
    this.reposition(s)
  }

  serverDown(s: LbServer): void {
    this.reposition(s)
  }

  weightChanged(s: LbServer): void {
    this.reposition(s)
  }

  connTaken(s: LbServer): void {
    this.reposition(s)
  }

  connReleased(s: LbServer): void {
    this.reposition(s)
  }
}
