/**
 * Where a MASTER's virtual addresses live. ip.ts changes the system (`ip addr`, gratuitous ARP);
 * loopback.ts only records them for the local proxy.
 */
import type {VipSpec} from '../settings.js'

export interface VipManager {
  /** Adds the addresses; one already present is not an error (keepalived does the same). */
  add(vips: readonly VipSpec[]): Promise<void>
  /** Removes the addresses; one already gone is not an error. */
  remove(vips: readonly VipSpec[]): Promise<void>
  /** Announces the addresses: gratuitous ARP (IPv4) / unsolicited NA (IPv6), `repeat` times each, `intervalMs` apart (default 0: back to back). */
  garp(vips: readonly VipSpec[], repeat: number, intervalMs?: number): Promise<void>
}

/** What a VIP manager tells the runner about work it could not do, or chose to skip. */
export type VipNotice = (message: string) => void
