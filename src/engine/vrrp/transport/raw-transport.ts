/** The VrrpTransport over an opened raw socket, shared by the IPv4 and IPv6 raw transports. */
import type {Socket} from 'raw-socket'
import type {PacketInfo, VrrpTransport} from './types.js'

export interface RawSocketAdapter {
  /** What a received datagram holds, or undefined to drop it (not VRRP, or our own advert). */
  receive(buffer: Buffer, source: string): {message: Uint8Array; info: PacketInfo} | undefined
  /** The address a destination is sent to (e.g. a link-local peer with its scope). */
  target?(dest: string): string
}

export function rawSocketTransport(socket: Socket, adapter: RawSocketAdapter): VrrpTransport {
  let handler: (message: Uint8Array, info: PacketInfo) => void = () => {}
  let errorHandler: (error: Error) => void = () => {}
  socket.on('message', (buffer, source) => {
    const packet = adapter.receive(buffer, source)
    if (packet) handler(packet.message, packet.info)
  })
  socket.on('error', (error) => errorHandler(error))

  let closed = false
  return {
    send(message, dest) {
      return new Promise((resolve, reject) => {
        if (closed) {
          reject(new Error('raw VRRP transport is closed'))
          return
        }
        const buffer = Buffer.from(message)
        socket.send(buffer, 0, buffer.length, adapter.target ? adapter.target(dest) : dest, undefined, (error) => (error ? reject(error) : resolve()))
      })
    },
    onPacket(next) {
      handler = next
    },
    onError(next) {
      errorHandler = next
    },
    close() {
      if (closed) return Promise.resolve()
      closed = true
      socket.close()
      return Promise.resolve()
    },
  }
}
