/** `balance source`: a hash of the client's address, on the static map (hash-type map-based) or the consistent ring. */
import {HashRing} from './chash.js'
import {fullHash, sourceHash} from './hash.js'
import {buildMap} from './map-table.js'
import {type BalancerOptions, eligibleGroup, type LbServer, type PickContext, RebuiltBalancer} from './types.js'

export interface HashOptions extends BalancerOptions {
  hashType: 'map-based' | 'consistent'
  /** `hash-type ... avalanche`: mix the key with fullHash first. */
  avalanche: boolean
}

export class SourceHash extends RebuiltBalancer {
  private table: LbServer[] = []
  private readonly ring: HashRing | undefined

  constructor(
    private readonly servers: readonly LbServer[],
    private readonly options: HashOptions,
  ) {
    super()
    if (options.hashType === 'consistent') this.ring = new HashRing(servers, options)
    this.rebuild()
  }

  protected rebuild(): void {
    if (this.ring) this.ring.rebuild()
    else this.table = buildMap(eligibleGroup(this.servers, this.options).servers)
  }

  pick(context: PickContext): LbServer | undefined {
    const group = eligibleGroup(this.servers, this.options).servers
    if (group.length === 0) return undefined
    // HAProxy does not hash when only one server is left.
    let hash = group.length === 1 ? 0 : sourceHash(context.clientAddress ?? '')
    if (this.options.avalanche) hash = fullHash(hash)
    if (this.ring) return this.ring.lookup(hash, context.avoid)
    return this.table.length === 0 ? undefined : this.table[hash % this.table.length]
  }

}
