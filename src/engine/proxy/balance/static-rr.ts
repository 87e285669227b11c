/** `balance static-rr`: walks HAProxy's static weight map; weight changes apply only when the map is rebuilt. */
import {buildMap} from './map-table.js'
import {type BalancerOptions, eligibleGroup, type LbServer, type PickContext, saturated, RebuiltBalancer} from './types.js'

export class StaticRoundRobin extends RebuiltBalancer {
  private table: LbServer[] = []
  private index = 0

  constructor(
    private readonly servers: readonly LbServer[],
    private readonly options: BalancerOptions,
  ) {
    super()
    this.rebuild()
  }

  protected rebuild(): void {
    this.table = buildMap(eligibleGroup(this.servers, this.options).servers)
  }

  pick(context: PickContext): LbServer | undefined {
    const total = this.table.length
    if (total === 0) return undefined
    if (this.index < 0 || this.index >= total) this.index = 0
    const start = this.index
    let next = start
    let avoided: {server: LbServer; next: number} | undefined
    do {
      const s = this.table[next++]!
      if (!saturated(s)) {
        if (s !== context.avoid) {
          this.index = next
          return s
        }
        avoided = {server: s, next}
      }
      if (next === total) next = 0
    } while (next !== start)
    if (avoided) this.index = avoided.next
    return avoided?.server
  }

}
