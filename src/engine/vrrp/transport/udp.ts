/**
 * Unprivileged local mode: the same VRRP bytes over UDP on loopback.
 *
 * Multicast adverts go to a UDP multicast group (default 239.255.0.18:11200) with multicast
 * loopback on, so every local node hears every other one. Each node sends from its own loopback
 * address (its primary address, e.g. 127.0.0.11) on the same port, which also receives unicast
 * adverts for `unicast_peer` setups. What a real IP header would say is simulated: the source is
 * the sender's address, the destination is the VRRP group (or our address for unicast), and the
 * TTL is reported as 255 since nothing is routed.
 */
import dgram from 'node:dgram'
import type {PacketHandler, TransportSpec, VrrpTransport} from './types.js'

export const LOCAL_VRRP_GROUP = '239.255.0.18'
export const LOCAL_VRRP_PORT = 11200

export interface UdpOptions {
  /** UDP multicast group standing in for the VRRP group. */
  group?: string
  port?: number
}

export async function openUdpTransport(spec: TransportSpec, options: UdpOptions = {}): Promise<VrrpTransport> {
  const group = options.group ?? LOCAL_VRRP_GROUP
  const port = options.port ?? LOCAL_VRRP_PORT
  const vrrpGroup = spec.multicastGroup
  const own = dgram.createSocket({type: 'udp4', reuseAddr: true})
  const multicast = vrrpGroup === undefined ? undefined : dgram.createSocket({type: 'udp4', reuseAddr: true})

  let handler: PacketHandler = () => {}
  let errorHandler: (error: Error) => void = () => {}
  const deliver = (dst: string) => (message: Buffer, remote: dgram.RemoteInfo) => {
    // Multicast loopback brings our own adverts back: a real network would not.
    if (remote.address === spec.sourceAddress && remote.port === port) return
    handler(new Uint8Array(message), {src: remote.address, dst, ttl: 255})
  }
  own.on('message', deliver(spec.sourceAddress))
  own.on('error', (error) => errorHandler(error))
  if (multicast && vrrpGroup !== undefined) {
    multicast.on('message', deliver(vrrpGroup))
    multicast.on('error', (error) => errorHandler(error))
  }

  try {
    await bind(own, port, spec.sourceAddress)
    own.setMulticastInterface('127.0.0.1')
    own.setMulticastLoopback(true)
    own.setMulticastTTL(1)
    if (multicast) {
      // Bound to the group address, so it gets the group's datagrams and nothing else.
      await bind(multicast, port, group)
      multicast.addMembership(group, '127.0.0.1')
      multicast.setMulticastLoopback(true)
    }
  } catch (error) {
    own.close()
    multicast?.close()
    throw new Error(`local VRRP transport on ${spec.sourceAddress}:${port}: ${(error as Error).message}`)
  }

  let closed = false
  return {
    send(message, dest) {
      return new Promise((resolve, reject) => {
        if (closed) {
          reject(new Error('local VRRP transport is closed'))
          return
        }
        const target = dest === vrrpGroup || isMulticast(dest) ? group : dest
        own.send(message, port, target, (error) => (error ? reject(error) : resolve()))
      })
    },
    onPacket(next) {
      handler = next
    },
    onError(next) {
      errorHandler = next
    },
    async close() {
      if (closed) return
      closed = true
      await Promise.all([closeSocket(own), multicast ? closeSocket(multicast) : Promise.resolve()])
    },
  }
}

function bind(socket: dgram.Socket, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject)
    socket.bind(port, address, () => {
      socket.off('error', reject)
      resolve()
    })
  })
}

function closeSocket(socket: dgram.Socket): Promise<void> {
  return new Promise((resolve) => socket.close(() => resolve()))
}

function isMulticast(address: string): boolean {
  const first = Number(address.split('.')[0])
  return first >= 224 && first <= 239
}
