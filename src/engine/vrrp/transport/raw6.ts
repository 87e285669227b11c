/**
 * Real VRRPv3 over IPv6 (RFC 5798): a raw IPv6 socket for protocol 112 (root or CAP_NET_RAW), as
 * keepalived opens it. Adverts go to ff02::12 (or the unicast peers) out of the instance's
 * interface with hop limit 255, from the interface's link-local address (the kernel picks it for a
 * link-local destination). IPV6_CHECKSUM makes the kernel fill in the checksum with the IPv6
 * pseudo-header on send and drop packets whose checksum is wrong on receive.
 *
 * What raw-socket cannot do: it receives with recvfrom(), so neither the hop limit
 * (IPV6_RECVHOPLIMIT needs recvmsg) nor the destination address of a packet is known. The hop
 * limit check is skipped (keepalived does the same when the kernel does not report it), and the
 * destination is taken to be the group for a multicast transport, our address for a unicast one.
 */
import raw from 'raw-socket'
import {parseIPv6, VRRP_PROTOCOL, VRRP_TTL} from '../packet.js'
import {hostInt, interfaceIndex} from './link-info.js'
import {rawSocketTransport} from './raw-transport.js'
import type {TransportSpec, VrrpTransport} from './types.js'

// Linux <linux/in6.h> / <asm-generic/socket.h>.
const SOL_SOCKET = 1
const SO_BINDTODEVICE = 25
const IPV6_CHECKSUM = 7
const IPV6_UNICAST_HOPS = 16
const IPV6_MULTICAST_IF = 17
const IPV6_MULTICAST_HOPS = 18
const IPV6_MULTICAST_LOOP = 19
const IPV6_ADD_MEMBERSHIP = 20
/** Offset of the checksum in the VRRP header. */
const CHECKSUM_OFFSET = 6

export async function openRaw6Transport(spec: TransportSpec): Promise<VrrpTransport> {
  if (!parseIPv6(spec.sourceAddress)) throw new Error(`raw VRRP transport: ${spec.sourceAddress} is not an IPv6 address`)
  if (spec.interface === undefined) throw new Error('raw VRRPv3 over IPv6 needs the instance `interface` (adverts go out from its link-local address)')
  const iface = spec.interface
  const ifindex = interfaceIndex(iface)
  const socket = raw.createSocket({addressFamily: raw.AddressFamily.IPv6, protocol: VRRP_PROTOCOL})
  const level = raw.SocketLevel.IPPROTO_IPV6
  try {
    const name = Buffer.from(`${iface}\0`)
    socket.setOption(SOL_SOCKET, SO_BINDTODEVICE, name, name.length)
    socket.setOption(level, IPV6_CHECKSUM, CHECKSUM_OFFSET)
    socket.setOption(level, IPV6_UNICAST_HOPS, VRRP_TTL)
    socket.setOption(level, IPV6_MULTICAST_HOPS, VRRP_TTL)
    socket.setOption(level, IPV6_MULTICAST_LOOP, 0)
    socket.setOption(level, IPV6_MULTICAST_IF, ifindex)
    if (spec.multicastGroup !== undefined) {
      const group = parseIPv6(spec.multicastGroup)
      if (!group) throw new Error(`${spec.multicastGroup} is not an IPv6 multicast group`)
      // struct ipv6_mreq {struct in6_addr ipv6mr_multiaddr; int ipv6mr_interface}
      const mreq = Buffer.concat([Buffer.from(group), hostInt(ifindex)])
      socket.setOption(level, IPV6_ADD_MEMBERSHIP, mreq, mreq.length)
    }
  } catch (error) {
    socket.close()
    throw new Error(`raw VRRP transport on ${iface} (${spec.sourceAddress}): ${(error as Error).message}`)
  }

  const own = spec.sourceAddress.toLowerCase()
  const destination = spec.multicastGroup ?? spec.sourceAddress
  return rawSocketTransport(socket, {
    receive(buffer, source) {
      const src = source.replace(/%.*$/, '').toLowerCase()
      if (src === own) return undefined
      return {message: new Uint8Array(buffer), info: {src, dst: destination, ttl: undefined}}
    },
    // A link-local peer needs its scope (the interface) to be reachable.
    target: (dest) => (/^fe[89ab]/i.test(dest) && !dest.includes('%') ? `${dest}%${iface}` : dest),
  })
}
