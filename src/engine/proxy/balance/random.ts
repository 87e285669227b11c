/** `balance random[(draws)]`: draws random points on the consistent ring and keeps the least loaded server (2 draws by default). */
import {HashRing} from './chash.js'
import {type BalancerOptions, type LbServer, type PickContext, RebuiltBalancer} from './types.js'

export class RandomBalancer extends RebuiltBalancer {
  private readonly ring: HashRing

  constructor(
    servers: readonly LbServer[],
    options: BalancerOptions,
    private readonly draws: number,
    /** 32-bit unsigned random numbers; injected so tests are reproducible. */
    private readonly random32: () => number = () => Math.floor(Math.random() * 0x1_0000_0000),
  ) {
    super()
    this.ring = new HashRing(servers, options)
  }

  pick(context: PickContext): LbServer | undefined {
    let best: LbServer | undefined
    for (let i = 0; i < Math.max(1, this.draws); i++) {
      const current = this.ring.lookup(this.random32() >>> 0, context.avoid)
      if (!current) return undefined
      if (!best || (current !== best && best.served * current.weight > current.served * best.weight)) best = current
    }
    return best
  }

  protected rebuild(): void {
    this.ring.rebuild()
  }
}
