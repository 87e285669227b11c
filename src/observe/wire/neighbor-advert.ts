// IPv6's gratuitous ARP: the unsolicited Neighbor Advertisement (RFC 4861 §4.4, §7.2.6) a new VRRP
// master sends for each IPv6 VIP (keepalived: from the VIP to ff02::1, Override set, Solicited clear,
// the master's MAC in a Target Link-Layer Address option). Worded as `tcpdump -n` prints it.
import {formatAddress, internetChecksum} from '../../engine/vrrp/packet.js'
import type {WireGarp} from './decode.js'
import {formatMac} from './link-layer.js'

export const ICMPV6_PROTOCOL = 58
export const ND_NEIGHBOR_ADVERT = 136
const NA_LENGTH = 24
const FLAG_SOLICITED = 0x40
const OPTION_TARGET_LINKADDR = 2
/** RFC 4861 §7.1.2: a node drops Neighbor Discovery messages that arrive with any other hop limit. */
const ND_HOP_LIMIT = 255

/** The IPv6 packet around an ICMPv6 message (the decoder's view of it). */
export interface Icmpv6Packet {
  src: string
  dst: string
  /** Hop limit. */
  ttl: number
  /** Source and destination as carried, for the checksum's pseudo-header. */
  srcBytes: Uint8Array
  dstBytes: Uint8Array
  payload: Uint8Array
}

/**
 * The checksum an ICMPv6 message should carry (its own checksum field is treated as zero): RFC 4443 §2.3,
 * over a pseudo-header of both addresses, the length and next header 58, then the message.
 */
export function icmpv6Checksum(srcBytes: Uint8Array, dstBytes: Uint8Array, message: Uint8Array): number {
  const data = new Uint8Array(40 + message.length)
  data.set(srcBytes, 0)
  data.set(dstBytes, 16)
  new DataView(data.buffer).setUint32(32, message.length)
  data[39] = ICMPV6_PROTOCOL
  data.set(message, 40)
  data[42] = 0
  data[43] = 0
  return internetChecksum(data)
}

/** The MAC in the first Target Link-Layer Address option, if any; undefined too for malformed options (§4.6: length 0). */
function targetLinkAddress(options: Uint8Array): {mac?: string; valid: boolean} {
  for (let at = 0; at + 2 <= options.length; ) {
    const units = options[at + 1] ?? 0
    if (units === 0 || at + units * 8 > options.length) return {valid: false}
    if (options[at] === OPTION_TARGET_LINKADDR && units === 1) return {mac: formatMac(options.subarray(at + 2, at + 8)), valid: true}
    at += units * 8
  }
  return {valid: true}
}

/**
 * An unsolicited Neighbor Advertisement as an announcement (`op: 'na'`): `ip` is the target, `mac` the
 * Target Link-Layer Address option, else the frame's sender (empty when the capture has neither).
 * Undefined for anything a neighbour would not take as one: solicited answers, bad checksums, a hop limit
 * other than 255, malformed options.
 */
export function decodeNeighborAdvert(packet: Icmpv6Packet, at: number, sourceMac?: string): WireGarp | undefined {
  const message = packet.payload
  if (message.length < NA_LENGTH || message[0] !== ND_NEIGHBOR_ADVERT || message[1] !== 0) return undefined
  const carried = ((message[2] ?? 0) << 8) | (message[3] ?? 0)
  if (packet.ttl !== ND_HOP_LIMIT || icmpv6Checksum(packet.srcBytes, packet.dstBytes, message) !== carried) return undefined
  if (((message[4] ?? 0) & FLAG_SOLICITED) !== 0) return undefined
  const target = message.subarray(8, 24)
  // §7.1.2: the target is never a multicast address.
  if (target[0] === 0xff) return undefined
  const option = targetLinkAddress(message.subarray(NA_LENGTH))
  if (!option.valid) return undefined
  const ip = formatAddress(target)
  return {
    kind: 'garp',
    at,
    ip,
    mac: option.mac ?? sourceMac ?? '',
    op: 'na',
    text: `${packet.src} > ${packet.dst}: ICMP6, neighbor advertisement, tgt is ${ip}, length ${message.length}`,
  }
}
