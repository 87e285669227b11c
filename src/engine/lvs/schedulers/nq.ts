/** `nq` (ip_vs_nq.c): never queue: the first idle server (no active connection), else as sed. */
import {expectedDelayOverhead} from './sed.js'
import {available, leastByWeight, type LvsServer, StatelessScheduler} from './types.js'

export class NeverQueueScheduler extends StatelessScheduler {
  pick(): LvsServer | undefined {
    const idle = this.servers.find((s) => available(s) && s.served === 0)
    return idle ?? leastByWeight(this.servers, expectedDelayOverhead)
  }
}
