/**
 * Local mode: no system change. The VIPs (loopback addresses such as 127.0.0.100, which every
 * Linux host already answers on) are only recorded, so the node's proxy binds the ones this
 * node holds and a client connecting to the VIP reaches whichever node is MASTER.
 */
import {EventEmitter} from 'node:events'
import type {VipSpec} from '../settings.js'
import type {VipManager} from './types.js'

export class LoopbackVipManager extends EventEmitter<{change: [held: string[]]}> implements VipManager {
  private readonly holding = new Set<string>()

  /** The addresses this node holds now, in the order they were added. */
  held(): string[] {
    return [...this.holding]
  }

  async add(vips: readonly VipSpec[]): Promise<void> {
    const before = this.holding.size
    for (const vip of vips) this.holding.add(vip.address)
    if (this.holding.size !== before) this.emit('change', this.held())
  }

  async remove(vips: readonly VipSpec[]): Promise<void> {
    let changed = false
    for (const vip of vips) changed = this.holding.delete(vip.address) || changed
    if (changed) this.emit('change', this.held())
  }

  async garp(): Promise<void> {
    // Nothing to announce on loopback.
  }
}
