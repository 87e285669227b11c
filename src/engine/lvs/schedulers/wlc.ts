/** `wlc` (ip_vs_wlc.c): the smallest overhead (active × 256 + inactive) per unit of weight. */
import {connOverhead, leastByWeight, type LvsServer, StatelessScheduler} from './types.js'

export class WeightedLeastConnectionScheduler extends StatelessScheduler {
  pick(): LvsServer | undefined {
    return leastByWeight(this.servers, connOverhead)
  }
}
