/**
 * Real VRRP over IPv4: a raw socket for IP protocol 112 (needs root or CAP_NET_RAW).
 * Adverts go to the multicast group with TTL 255 out of the instance's interface, or to each
 * unicast peer; received packets carry their IPv4 header, which gives src, dst and TTL.
 */
import raw from 'raw-socket'
import {parseIPv4, VRRP_PROTOCOL, VRRP_TTL} from '../packet.js'
import {parseIpv4Packet} from './ipv4-header.js'
import {rawSocketTransport} from './raw-transport.js'
import type {TransportSpec, VrrpTransport} from './types.js'

// Linux <linux/in.h> / <asm-generic/socket.h>; raw-socket exports only a few of them.
const SOL_SOCKET = 1
const SO_BINDTODEVICE = 25
const IP_TOS = 1
const IP_TTL = 2
const IP_MULTICAST_IF = 32
const IP_MULTICAST_TTL = 33
const IP_MULTICAST_LOOP = 34
const IP_ADD_MEMBERSHIP = 35
/** keepalived sends adverts with IPTOS_PREC_INTERNETCONTROL. */
const TOS_INTERNETCONTROL = 0xc0

export async function openRawTransport(spec: TransportSpec): Promise<VrrpTransport> {
  const source = parseIPv4(spec.sourceAddress)
  if (!source) throw new Error(`raw VRRP transport: ${spec.sourceAddress} is not an IPv4 address (IPv6 is not supported yet)`)
  const socket = raw.createSocket({addressFamily: raw.AddressFamily.IPv4, protocol: VRRP_PROTOCOL})
  const level = raw.SocketLevel.IPPROTO_IP
  try {
    if (spec.interface !== undefined) {
      const name = Buffer.from(`${spec.interface}\0`)
      socket.setOption(SOL_SOCKET, SO_BINDTODEVICE, name, name.length)
    }
    socket.setOption(level, IP_TTL, VRRP_TTL)
    socket.setOption(level, IP_TOS, TOS_INTERNETCONTROL)
    socket.setOption(level, IP_MULTICAST_TTL, VRRP_TTL)
    // Like keepalived: our own multicast adverts must not come back to us.
    socket.setOption(level, IP_MULTICAST_LOOP, 0)
    socket.setOption(level, IP_MULTICAST_IF, Buffer.from(source), 4)
    if (spec.multicastGroup !== undefined) {
      const group = parseIPv4(spec.multicastGroup)
      if (!group) throw new Error(`raw VRRP transport: ${spec.multicastGroup} is not an IPv4 multicast group`)
      // struct ip_mreq {imr_multiaddr, imr_interface}
      const mreq = Buffer.concat([Buffer.from(group), Buffer.from(source)])
      socket.setOption(level, IP_ADD_MEMBERSHIP, mreq, mreq.length)
    }
  } catch (error) {
    socket.close()
    throw new Error(`raw VRRP transport on ${spec.interface ?? 'any interface'} (${spec.sourceAddress}): ${(error as Error).message}`)
  }

  return rawSocketTransport(socket, {
    receive(buffer) {
      const packet = parseIpv4Packet(buffer)
      if (!packet || packet.protocol !== VRRP_PROTOCOL || packet.src === spec.sourceAddress) return undefined
      return {message: packet.payload, info: {src: packet.src, dst: packet.dst, ttl: packet.ttl}}
    },
  })
}
