// Strips the link-layer header of a captured frame: Ethernet (with 802.1Q/802.1ad tags), Linux
// cooked captures v1/v2 (`tcpdump -i any`) and raw IP. What is left is an IPv4, IPv6 or ARP packet.
import {LINKTYPE} from './pcap-stream.js'

export const ETHERTYPE = {ipv4: 0x0800, arp: 0x0806, ipv6: 0x86dd} as const
const VLAN_TAGS = new Set([0x8100, 0x88a8, 0x9100])

export interface NetworkPacket {
  ethertype: number
  payload: Uint8Array
  /** The sender's link-layer address when the header carries it (`02:00:c6:12:00:01`). */
  sourceMac?: string
}

export function formatMac(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(':')
}

const u16 = (data: Uint8Array, at: number) => ((data[at] ?? 0) << 8) | (data[at + 1] ?? 0)

/** The network-layer packet of one frame, or undefined for link types and frames it does not handle. */
export function networkPacket(linkType: number, frame: Uint8Array): NetworkPacket | undefined {
  switch (linkType) {
    case LINKTYPE.ethernet: {
      if (frame.length < 14) return undefined
      let offset = 12
      let ethertype = u16(frame, offset)
      while (VLAN_TAGS.has(ethertype) && frame.length >= offset + 6) {
        offset += 4
        ethertype = u16(frame, offset)
      }
      return {ethertype, payload: frame.subarray(offset + 2), sourceMac: formatMac(frame.subarray(6, 12))}
    }
    case LINKTYPE.linuxSll: {
      if (frame.length < 16) return undefined
      return cooked(u16(frame, 14), frame.subarray(16), u16(frame, 4), frame.subarray(6, 14))
    }
    case LINKTYPE.linuxSll2: {
      if (frame.length < 20) return undefined
      return cooked(u16(frame, 0), frame.subarray(20), frame[11] ?? 0, frame.subarray(12, 20))
    }
    case LINKTYPE.raw: {
      const version = (frame[0] ?? 0) >> 4
      if (version === 4) return {ethertype: ETHERTYPE.ipv4, payload: frame}
      if (version === 6) return {ethertype: ETHERTYPE.ipv6, payload: frame}
      return undefined
    }
    case LINKTYPE.ipv4:
      return {ethertype: ETHERTYPE.ipv4, payload: frame}
    case LINKTYPE.ipv6:
      return {ethertype: ETHERTYPE.ipv6, payload: frame}
    default:
      return undefined
  }
}

function cooked(protocol: number, payload: Uint8Array, addressLength: number, address: Uint8Array): NetworkPacket {
  const packet: NetworkPacket = {ethertype: protocol, payload}
  if (addressLength === 6) packet.sourceMac = formatMac(address.subarray(0, 6))
  return packet
}
