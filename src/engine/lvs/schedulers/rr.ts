/** `rr` (ip_vs_rr.c): the next available server after the last one picked, in declaration order. */
import {available, type LvsServer, StatelessScheduler} from './types.js'

export class RoundRobinScheduler extends StatelessScheduler {
  private last = -1

  pick(): LvsServer | undefined {
    const n = this.servers.length
    for (let step = 1; step <= n; step++) {
      const i = (this.last + step) % n
      const s = this.servers[i]!
      if (available(s)) {
        this.last = i
        return s
      }
    }
    return undefined
  }
}
