// Turns one captured frame into a VRRP advert or an announcement (a gratuitous ARP, or for IPv6 an
// unsolicited Neighbor Advertisement), worded as `tcpdump -n` prints them.
// The VRRP message itself is read by the engine's codec (src/engine/vrrp/packet.ts), checksum included.
import {AUTH_AH, AUTH_NONE, AUTH_PASS, VRRP_PROTOCOL, VRRP_TTL, VRRP_TYPE_ADVERTISEMENT, advertLength, computeChecksum, decodeRaw, formatAddress, type IpFamily} from '../../engine/vrrp/packet.js'
import type {GarpEvent, VrrpAdvertEvent} from '../events.js'
import {ETHERTYPE, formatMac, networkPacket} from './link-layer.js'
import {decodeNeighborAdvert, ICMPV6_PROTOCOL} from './neighbor-advert.js'

/** What the decoder makes of a frame: the wire events of the model, before they get the interface as `node`. */
export type WireAdvert = Omit<VrrpAdvertEvent, 'node'>
export type WireGarp = Omit<GarpEvent, 'node'>
export type WireEvent = WireAdvert | WireGarp

const u16 = (data: Uint8Array, at: number) => ((data[at] ?? 0) << 8) | (data[at + 1] ?? 0)

const AUTH_NAMES: Record<number, string> = {[AUTH_NONE]: 'none', [AUTH_PASS]: 'simple', [AUTH_AH]: 'ah'}

interface IpPacket {
  family: IpFamily
  src: string
  dst: string
  srcBytes: Uint8Array
  dstBytes: Uint8Array
  ttl: number
  protocol: number
  payload: Uint8Array
}

function ipv4(packet: Uint8Array): IpPacket | undefined {
  if (packet.length < 20 || (packet[0] ?? 0) >> 4 !== 4) return undefined
  const headerLength = ((packet[0] ?? 0) & 0x0f) * 4
  const total = u16(packet, 2)
  // Fragments other than the first carry no VRRP header; VRRP is never fragmented in practice.
  if ((u16(packet, 6) & 0x1fff) !== 0 || headerLength < 20 || total < headerLength) return undefined
  return {
    family: 4,
    ttl: packet[8] ?? 0,
    protocol: packet[9] ?? 0,
    src: formatAddress(packet.subarray(12, 16)),
    dst: formatAddress(packet.subarray(16, 20)),
    srcBytes: packet.subarray(12, 16),
    dstBytes: packet.subarray(16, 20),
    // Ethernet pads short frames: the IP total length says where the packet ends.
    payload: packet.subarray(headerLength, Math.min(total, packet.length)),
  }
}

function ipv6(packet: Uint8Array): IpPacket | undefined {
  if (packet.length < 40 || (packet[0] ?? 0) >> 4 !== 6) return undefined
  return {
    family: 6,
    ttl: packet[7] ?? 0,
    protocol: packet[6] ?? 0,
    src: formatAddress(packet.subarray(8, 24)),
    dst: formatAddress(packet.subarray(24, 40)),
    srcBytes: packet.subarray(8, 24),
    dstBytes: packet.subarray(24, 40),
    payload: packet.subarray(40, Math.min(40 + u16(packet, 4), packet.length)),
  }
}

function isMulticast(address: string, family: IpFamily): boolean {
  if (family === 6) return address.startsWith('ff')
  const first = Number(address.split('.')[0])
  return first >= 224 && first <= 239
}

/** A VRRP message in an IP packet, or undefined when the message is shorter than the 8-byte header. */
/**
 * lbctl's unprivileged local mode (`lbctl up`) carries the same VRRP bytes in UDP to the group 239.255.0.18,
 * from and to one port (11200 by default; `lbctl up` picks a free one) (src/engine/vrrp/transport/udp.ts).
 * The message was built for the real VRRP group, which its VRRPv3 checksum covers.
 * Shown as `127.0.0.11.11200 > 239.255.0.18.11200: VRRPv3, ...`.
 */
export const LOCAL_MODE = {group: '239.255.0.18', vrrpGroup: '224.0.0.18'} as const

function localModeAdvert(ip: IpPacket, at: number): WireAdvert | undefined {
  if (ip.family !== 4 || ip.payload.length < 8 + 8) return undefined
  const sourcePort = u16(ip.payload, 0)
  const destinationPort = u16(ip.payload, 2)
  if (ip.dst !== LOCAL_MODE.group || sourcePort !== destinationPort) return undefined
  const message = ip.payload.subarray(8, Math.min(ip.payload.length, u16(ip.payload, 4)))
  const version = (message[0] ?? 0) >> 4
  if ((version !== 2 && version !== 3) || ((message[0] ?? 0) & 0x0f) !== VRRP_TYPE_ADVERTISEMENT) return undefined
  // Nothing is routed on loopback: the transport reports TTL 255 to the engine, so no TTL check here either.
  const advert = decodeAdvert({...ip, ttl: VRRP_TTL, dst: LOCAL_MODE.vrrpGroup, payload: message}, at)
  if (!advert) return undefined
  advert.text = advert.text.replace(/^\S+ > \S+:/, `${ip.src}.${sourcePort} > ${ip.dst}.${destinationPort}:`)
  return advert
}

export function decodeAdvert(ip: IpPacket, at: number): WireAdvert | undefined {
  const message = ip.payload
  const raw = decodeRaw(message, ip.family)
  if (!raw) return undefined
  const unicast = !isMulticast(ip.dst, ip.family)
  const problems: string[] = []
  const known = raw.version === 2 || raw.version === 3
  if (!known) problems.push(`unknown VRRP version ${raw.version}`)
  if (raw.type !== VRRP_TYPE_ADVERTISEMENT) problems.push(`unknown type (${raw.type})`)
  if (known) {
    const version = raw.version as 2 | 3
    const expected = advertLength(version, ip.family, raw.count)
    if (message.length !== expected) problems.push(`length ${message.length}; should be ${expected} for ${raw.count} address${raw.count === 1 ? '' : 'es'}`)
    else {
      const checksum = computeChecksum(message, version, ip.family, ip.src, ip.dst)
      // tcpdump -v prints `bad vrrp cksum 1a2b` (the checksum carried) for the same fault.
      if (checksum !== raw.checksum) problems.push(`bad vrrp cksum ${raw.checksum.toString(16)}`)
    }
  }
  // RFC 5798 §7.1: TTL/Hop Limit 255; keepalived skips the check for unicast peers.
  if (!unicast && ip.ttl !== VRRP_TTL) problems.push(`TTL ${ip.ttl}; should be ${VRRP_TTL}`)
  const authType = raw.version === 2 ? (AUTH_NAMES[raw.authType] ?? `#${raw.authType}`) : 'none'
  const intervalMs = raw.advertIntervalCs * 10
  let detail = `VRRPv${raw.version}, ${raw.type === VRRP_TYPE_ADVERTISEMENT ? 'Advertisement' : `unknown type (${raw.type})`}`
  // tcpdump flags a TTL other than 255 right after the type, unicast or not.
  if (ip.ttl !== VRRP_TTL) detail += `, (ttl ${ip.ttl})`
  if (known && raw.type === VRRP_TYPE_ADVERTISEMENT) {
    detail += `, vrid ${raw.vrid}, prio ${raw.priority}`
    detail += raw.version === 2 ? `, authtype ${authType}, intvl ${raw.advertIntervalCs / 100}s` : `, intvl ${raw.advertIntervalCs}cs`
    detail += `, length ${message.length}`
  }
  return {
    kind: 'vrrp-advert',
    at,
    src: ip.src,
    dst: ip.dst,
    family: ip.family,
    version: raw.version,
    vrid: raw.vrid,
    priority: raw.priority,
    authType,
    intervalMs,
    addresses: raw.addresses,
    length: message.length,
    ttl: ip.ttl,
    unicast,
    problems,
    text: `${ip.src} > ${ip.dst}: ${detail}`,
  }
}

/** A gratuitous ARP (sender IP = target IP) for IPv4 over Ethernet; undefined for any other ARP. */
export function decodeGarp(packet: Uint8Array, at: number, destinationMac = 'ff:ff:ff:ff:ff:ff'): WireGarp | undefined {
  if (packet.length < 28 || u16(packet, 0) !== 1 || u16(packet, 2) !== ETHERTYPE.ipv4 || packet[4] !== 6 || packet[5] !== 4) return undefined
  const operation = u16(packet, 6)
  if (operation !== 1 && operation !== 2) return undefined
  const sha = formatMac(packet.subarray(8, 14))
  const spa = formatAddress(packet.subarray(14, 18))
  const tha = packet.subarray(18, 24)
  const tpa = formatAddress(packet.subarray(24, 28))
  if (spa !== tpa) return undefined
  // tcpdump prints the target MAC of a request only when it is not all zeros.
  const target = tha.some((b) => b !== 0) ? ` (${formatMac(tha)})` : ''
  const arp = operation === 1 ? `Request who-has ${tpa}${target} tell ${spa}` : `Reply ${spa} is-at ${sha}`
  return {kind: 'garp', at, ip: spa, mac: sha, op: operation === 1 ? 'request' : 'reply', text: `${sha} > ${destinationMac}: ARP, ${arp}, length ${packet.length}`}
}

/**
 * The VRRP advert, gratuitous ARP or unsolicited Neighbor Advertisement in one captured frame; undefined
 * for anything else. IPv6 extension headers are not followed: VRRP and Neighbor Discovery carry none.
 */
export function decodeFrame(linkType: number, frame: Uint8Array, at: number): WireEvent | undefined {
  const packet = networkPacket(linkType, frame)
  if (!packet) return undefined
  if (packet.ethertype === ETHERTYPE.arp) {
    const destination = linkType === 1 && frame.length >= 6 ? formatMac(frame.subarray(0, 6)) : undefined
    return decodeGarp(packet.payload, at, destination)
  }
  const ip = packet.ethertype === ETHERTYPE.ipv4 ? ipv4(packet.payload) : packet.ethertype === ETHERTYPE.ipv6 ? ipv6(packet.payload) : undefined
  if (!ip) return undefined
  if (ip.family === 6 && ip.protocol === ICMPV6_PROTOCOL) return decodeNeighborAdvert(ip, at, packet.sourceMac)
  const advert = ip.protocol === VRRP_PROTOCOL ? decodeAdvert(ip, at) : ip.protocol === 17 ? localModeAdvert(ip, at) : undefined
  if (advert && packet.sourceMac) advert.sourceMac = packet.sourceMac
  return advert
}
