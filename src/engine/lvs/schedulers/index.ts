/** The IPVS scheduler for a virtual_server's `lb_algo` (keepalived's default is wlc). */
import {DestinationHashScheduler} from './dh.js'
import {LeastConnectionScheduler} from './lc.js'
import {LocalityLeastConnectionScheduler} from './lblc.js'
import {LocalityReplicationScheduler} from './lblcr.js'
import {NeverQueueScheduler} from './nq.js'
import {RoundRobinScheduler} from './rr.js'
import {ShortestExpectedDelayScheduler} from './sed.js'
import {SourceHashScheduler} from './sh.js'
import type {LvsScheduler, LvsServer} from './types.js'
import {WeightedLeastConnectionScheduler} from './wlc.js'
import {WeightedRoundRobinScheduler} from './wrr.js'

export type {LvsPickContext, LvsScheduler, LvsServer} from './types.js'

export const LVS_SCHEDULERS = ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq'] as const
export type LvsAlgorithm = (typeof LVS_SCHEDULERS)[number]

export const isLvsAlgorithm = (name: string): name is LvsAlgorithm => (LVS_SCHEDULERS as readonly string[]).includes(name)

export function createScheduler(algorithm: LvsAlgorithm, servers: readonly LvsServer[]): LvsScheduler {
  switch (algorithm) {
    case 'rr':
      return new RoundRobinScheduler(servers)
    case 'wrr':
      return new WeightedRoundRobinScheduler(servers)
    case 'lc':
      return new LeastConnectionScheduler(servers)
    case 'wlc':
      return new WeightedLeastConnectionScheduler(servers)
    case 'lblc':
      return new LocalityLeastConnectionScheduler(servers)
    case 'lblcr':
      return new LocalityReplicationScheduler(servers)
    case 'dh':
      return new DestinationHashScheduler(servers)
    case 'sh':
      return new SourceHashScheduler(servers)
    case 'sed':
      return new ShortestExpectedDelayScheduler(servers)
    case 'nq':
      return new NeverQueueScheduler(servers)
  }
}
