/**
 * `dh` (ip_vs_dh.c): a 256-bucket table filled round-robin (weights ignored), looked up by a hash
 * of the destination address. Behind one virtual address every connection has the same
 * destination, so a plain virtual server sends everything to one server; dh is meant for fwmark services.
 */
import {RebuiltBalancer} from '../../proxy/balance/types.js'
import {fillWeightedTable} from './sh.js'
import {available, foldAddress, type LvsPickContext, type LvsScheduler, type LvsServer} from './types.js'

const BITS = 8
const SIZE = 1 << BITS

export class DestinationHashScheduler extends RebuiltBalancer implements LvsScheduler {
  private table: (LvsServer | undefined)[] = []

  constructor(private readonly servers: readonly LvsServer[]) {
    super()
    this.rebuild()
  }

  protected rebuild(): void {
    this.table = fillWeightedTable(this.servers.filter((s) => s.running), SIZE, false)
  }

  /** ip_vs_dh_hashkey: address × 2654435761, low bits (the older multiplicative hash, kept by dh). */
  bucketOf(address: string): number {
    return Number((BigInt(foldAddress(address)) * 2654435761n) & BigInt(SIZE - 1))
  }

  pick(context: LvsPickContext): LvsServer | undefined {
    const s = this.table[this.bucketOf(context.destAddress ?? '0.0.0.0')]
    return s && available(s) ? s : undefined
  }
}
