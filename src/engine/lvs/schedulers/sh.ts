/**
 * `sh` (ip_vs_sh.c): a 256-bucket table filled round-robin with every server repeated `weight`
 * times (a server of weight 0 still takes one bucket), looked up by a hash of the client's address.
 * A bucket whose server is unavailable answers nothing (no fallback, like the kernel without sh-fallback).
 */
import {RebuiltBalancer} from '../../proxy/balance/types.js'
import {available, foldAddress, hash32, type LvsPickContext, type LvsScheduler, type LvsServer} from './types.js'

export const SH_TABLE_BITS = 8
const SIZE = 1 << SH_TABLE_BITS

/** The kernel's table fill: walk the list, each server for max(1, weight) consecutive buckets, wrapping. */
export function fillWeightedTable(servers: readonly LvsServer[], size: number, weighted: boolean): (LvsServer | undefined)[] {
  const table: (LvsServer | undefined)[] = []
  if (servers.length === 0) return Array<LvsServer | undefined>(size).fill(undefined)
  let index = 0
  let count = 0
  for (let i = 0; i < size; i++) {
    const s = servers[index]!
    table.push(s)
    if (!weighted || ++count >= s.weight) {
      index = (index + 1) % servers.length
      count = 0
    }
  }
  return table
}

export class SourceHashScheduler extends RebuiltBalancer implements LvsScheduler {
  private table: (LvsServer | undefined)[] = []

  constructor(private readonly servers: readonly LvsServer[]) {
    super()
    this.rebuild()
  }

  /** Down servers leave the table, as keepalived removes them from the service. */
  protected rebuild(): void {
    this.table = fillWeightedTable(this.servers.filter((s) => s.running), SIZE, true)
  }

  bucketOf(address: string): number {
    return hash32(foldAddress(address), SH_TABLE_BITS)
  }

  pick(context: LvsPickContext): LvsServer | undefined {
    const s = this.table[this.bucketOf(context.clientAddress ?? '0.0.0.0')]
    return s && available(s) ? s : undefined
  }
}
