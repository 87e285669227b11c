/** Chooses the balance algorithm for a backend from its `balance` and `hash-type` lines. */
import {First} from './first.js'
import {LeastConn} from './leastconn.js'
import {RandomBalancer} from './random.js'
import {RoundRobin} from './roundrobin.js'
import {SourceHash} from './source.js'
import {StaticRoundRobin} from './static-rr.js'
import type {Balancer, LbServer} from './types.js'

export type {Balancer, LbServer, PickContext} from './types.js'

export type Algorithm = 'roundrobin' | 'static-rr' | 'leastconn' | 'first' | 'source' | 'random'
export const SUPPORTED_ALGORITHMS: readonly string[] = ['roundrobin', 'static-rr', 'leastconn', 'first', 'source', 'random']

export interface BalanceSettings {
  algorithm: Algorithm
  hashType: 'map-based' | 'consistent'
  avalanche: boolean
  allBackups: boolean
  /** `random(N)`. */
  draws: number
  random32?: () => number
}

export function createBalancer(settings: BalanceSettings, servers: readonly LbServer[]): Balancer {
  const options = {allBackups: settings.allBackups}
  switch (settings.algorithm) {
    case 'roundrobin':
      return new RoundRobin(servers, options)
    case 'static-rr':
      return new StaticRoundRobin(servers, options)
    case 'leastconn':
      return new LeastConn(servers, options)
    case 'first':
      return new First(servers, options)
    case 'source':
      return new SourceHash(servers, {...options, hashType: settings.hashType, avalanche: settings.avalanche})
    case 'random':
      return new RandomBalancer(servers, options, settings.draws, settings.random32)
  }
}
