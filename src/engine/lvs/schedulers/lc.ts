/** `lc` (ip_vs_lc.c): the fewest connections by overhead (active × 256 + inactive), weights ignored except 0. */
import {available, connOverhead, type LvsServer, StatelessScheduler} from './types.js'

export class LeastConnectionScheduler extends StatelessScheduler {
  pick(): LvsServer | undefined {
    let least: LvsServer | undefined
    let loh = 0
    for (const s of this.servers) {
      if (!available(s)) continue
      const doh = connOverhead(s)
      if (!least || doh < loh) {
        least = s
        loh = doh
      }
    }
    return least
  }
}
