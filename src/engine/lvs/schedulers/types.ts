/**
 * IPVS schedulers (the Linux kernel's ip_vs_*.c) behind the proxy's balancer seam
 * (../../proxy/balance/types.ts): the same pick/serverUp/serverDown/weightChanged/conn* calls.
 */
import type {Balancer, LbServer, PickContext} from '../../proxy/balance/types.js'

/** A real server as a scheduler reads it. `served` is IPVS's activeconns. */
export interface LvsServer extends LbServer {
  /** IPVS's inactconns: connections closing (half-closed by one side). */
  readonly inactive: number
  /** IPVS's OVERLOAD flag: at its uthreshold of connections, the schedulers pass it over. */
  readonly overloaded?: boolean
}

export interface LvsPickContext extends PickContext {
  /** The address the client connected to (dh, lblc, lblcr hash it). */
  destAddress?: string
  /** Milliseconds, for lblc/lblcr expiry (default Date.now()). */
  now?: number
}

export interface LvsScheduler extends Balancer {
  pick(context: LvsPickContext): LvsServer | undefined
}

/** Available for new connections: health up, weight above 0 (weight 0 = quiesced) and not over its uthreshold. */
export const available = (s: LvsServer): boolean => s.running && s.weight > 0 && s.overloaded !== true

/** ip_vs_dest_conn_overhead: active connections weigh 256 inactive ones. */
export const connOverhead = (s: LvsServer): number => s.served * 256 + s.inactive

/**
 * The least loaded of `servers` by overhead/weight, the first among equals (the kernel's
 * `loh * dw > doh * lw` comparison, which never divides).
 */
export function leastByWeight(servers: Iterable<LvsServer>, overhead: (s: LvsServer) => number): LvsServer | undefined {
  let least: LvsServer | undefined
  let loh = 0
  for (const s of servers) {
    if (!available(s)) continue
    const doh = overhead(s)
    if (!least || loh * s.weight > doh * least.weight) {
      least = s
      loh = doh
    }
  }
  return least
}

/** Schedulers that read the live server list at every pick and keep no table. */
export abstract class StatelessScheduler implements LvsScheduler {
  constructor(protected readonly servers: readonly LvsServer[]) {}
  abstract pick(context: LvsPickContext): LvsServer | undefined
  serverUp(): void {}
  serverDown(): void {}
  weightChanged(): void {}
  connTaken(): void {}
  connReleased(): void {}
}

/** The kernel's hash_32(): multiply by the 32-bit golden ratio, keep the top `bits`. */
export function hash32(value: number, bits: number): number {
  return Math.imul(value >>> 0, 0x61c88647) >>> (32 - bits)
}

/** An address folded to 32 bits as IPVS does (IPv4 as a number, IPv6 as the XOR of its four words). */
export function foldAddress(address: string): number {
  const v4 = address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address
  if (v4.includes('.') && !v4.includes(':')) {
    const parts = v4.split('.').map(Number)
    return (((parts[0] ?? 0) << 24) | ((parts[1] ?? 0) << 16) | ((parts[2] ?? 0) << 8) | (parts[3] ?? 0)) >>> 0
  }
  const words = expandIpv6(address)
  let fold = 0
  for (let i = 0; i < 4; i++) fold ^= ((words[i * 2] ?? 0) << 16) | (words[i * 2 + 1] ?? 0)
  return fold >>> 0
}

function expandIpv6(address: string): number[] {
  const [head = '', tail] = address.split('::')
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((w) => Number.parseInt(w, 16) || 0))
  const h = parse(head)
  const t = tail === undefined ? [] : parse(tail)
  return [...h, ...Array<number>(Math.max(0, 8 - h.length - t.length)).fill(0), ...t]
}
