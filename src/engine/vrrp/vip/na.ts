/**
 * Unsolicited Neighbor Advertisements (RFC 4861 §7.2.6) for IPv6 VIPs after becoming MASTER, as
 * keepalived sends them (ndisc.c): to all-nodes ff02::1 with hop limit 255 (receivers drop ND
 * messages with any other), Override flag set, the VIP as target and our MAC in a Target
 * Link-Layer Address option, so neighbours that cached the VIP at the old master's MAC move it.
 * The socket is a raw ICMPv6 one; the kernel computes the ICMPv6 checksum (pseudo-header
 * included) and picks the interface's link-local address as the source.
 */
import raw from 'raw-socket'
import {parseIPv6} from '../packet.js'
import {hostInt, interfaceIndex, interfaceMac} from '../transport/link-info.js'
import type {VipSpec} from '../settings.js'
import type {Announcer} from './garp.js'

const IPPROTO_ICMPV6 = 58
const IPV6_MULTICAST_IF = 17
const IPV6_MULTICAST_HOPS = 18
const IPV6_MULTICAST_LOOP = 19
const ALL_NODES = 'ff02::1'
const ND_NEIGHBOR_ADVERT = 136
const ND_NA_FLAG_OVERRIDE = 0x20
const ND_OPT_TARGET_LINKADDR = 2

/** The ICMPv6 message (checksum left 0 for the kernel). */
export function neighborAdvertisement(target: string, mac: Uint8Array): Uint8Array {
  const address = parseIPv6(target)
  if (!address) throw new Error(`${target} is not an IPv6 address`)
  const message = new Uint8Array(32)
  message[0] = ND_NEIGHBOR_ADVERT
  // code 0, checksum 0, flags: Override (R and S clear: unsolicited, not a router advertisement)
  message[4] = ND_NA_FLAG_OVERRIDE
  message.set(address, 8)
  message[24] = ND_OPT_TARGET_LINKADDR
  message[25] = 1 // length in units of 8 bytes
  message.set(mac.subarray(0, 6), 26)
  return message
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export class NeighborAdvertAnnouncer implements Announcer {
  constructor(private readonly notice: (message: string) => void = () => {}) {}

  async announce(vip: VipSpec & {dev: string}, count: number, intervalMs: number): Promise<void> {
    if (count < 1) return
    let socket: ReturnType<typeof raw.createSocket> | undefined
    try {
      const message = Buffer.from(neighborAdvertisement(vip.address, interfaceMac(vip.dev)))
      const ifindex = interfaceIndex(vip.dev)
      socket = raw.createSocket({addressFamily: raw.AddressFamily.IPv6, protocol: IPPROTO_ICMPV6})
      const level = raw.SocketLevel.IPPROTO_IPV6
      socket.setOption(level, IPV6_MULTICAST_HOPS, 255)
      socket.setOption(level, IPV6_MULTICAST_LOOP, 0)
      socket.setOption(level, IPV6_MULTICAST_IF, hostInt(ifindex), 4)
      const open = socket
      for (let sent = 0; sent < count; sent++) {
        if (sent > 0 && intervalMs > 0) await delay(intervalMs)
        await new Promise<void>((resolve, reject) => open.send(message, 0, message.length, ALL_NODES, undefined, (error) => (error ? reject(error) : resolve())))
      }
    } catch (error) {
      this.notice(`unsolicited neighbour advertisement for ${vip.address} on ${vip.dev} failed: ${(error as Error).message}`)
    } finally {
      socket?.close()
    }
  }
}
