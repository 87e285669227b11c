/**
 * How VRRP messages leave and arrive. The runner only sees this interface; raw.ts speaks real
 * IP protocol 112, udp.ts simulates it over UDP multicast on loopback for unprivileged runs.
 */

/** What the IP layer said about a received message. */
export interface PacketInfo {
  src: string
  dst: string
  /** IPv4 TTL; undefined when the transport cannot tell (the TTL check is then skipped). */
  ttl: number | undefined
}

export type PacketHandler = (message: Uint8Array, info: PacketInfo) => void

export interface VrrpTransport {
  /** Sends one VRRP message (the IP payload) to `dest`: the VRRP multicast group or a unicast peer. */
  send(message: Uint8Array, dest: string): Promise<void>
  /** Registers the handler for received VRRP messages (one handler; a second call replaces it). */
  onPacket(handler: PacketHandler): void
  /** Errors that happen while receiving (sends report theirs through their promise). */
  onError(handler: (error: Error) => void): void
  close(): Promise<void>
}

/** What a transport is opened for: one interface and source address, shared by the instances on it. */
export interface TransportSpec {
  /** The interface adverts go out on (raw mode); undefined lets routing pick. */
  interface: string | undefined
  /** Our primary address: the source of our adverts. */
  sourceAddress: string
  /** The multicast group to join (vrrp_mcast_group4); undefined for unicast-only instances. */
  multicastGroup: string | undefined
}

export type TransportFactory = (spec: TransportSpec) => Promise<VrrpTransport>
