/** `sed` (ip_vs_sed.c): shortest expected delay, (active + 1) / weight; inactive connections do not count. */
import {leastByWeight, type LvsServer, StatelessScheduler} from './types.js'

export const expectedDelayOverhead = (s: LvsServer): number => s.served + 1

export class ShortestExpectedDelayScheduler extends StatelessScheduler {
  pick(): LvsServer | undefined {
    return leastByWeight(this.servers, expectedDelayOverhead)
  }
}
