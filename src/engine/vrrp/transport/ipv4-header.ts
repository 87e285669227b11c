/** Reads the IPv4 header a raw socket hands over in front of the payload. */
import {formatAddress} from '../packet.js'

export interface Ipv4Packet {
  src: string
  dst: string
  ttl: number
  protocol: number
  /** The payload, as much of it as the total length says and the buffer holds. */
  payload: Uint8Array
}

/** undefined when the buffer is not an IPv4 packet with a complete header. */
export function parseIpv4Packet(buffer: Uint8Array): Ipv4Packet | undefined {
  if (buffer.length < 20) return undefined
  const first = buffer[0] ?? 0
  if (first >> 4 !== 4) return undefined
  const headerLength = (first & 0x0f) * 4
  if (headerLength < 20 || headerLength > buffer.length) return undefined
  const totalLength = ((buffer[2] ?? 0) << 8) | (buffer[3] ?? 0)
  // The kernel may report the total length in host order or with the header excluded on some
  // systems; trust it only when it fits.
  const end = totalLength >= headerLength && totalLength <= buffer.length ? totalLength : buffer.length
  return {
    src: formatAddress(buffer.subarray(12, 16)),
    dst: formatAddress(buffer.subarray(16, 20)),
    ttl: buffer[8] ?? 0,
    protocol: buffer[9] ?? 0,
    payload: buffer.subarray(headerLength, end),
  }
}
