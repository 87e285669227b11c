// Builders of captured frames for the wire decoder tests: IP packets carrying VRRP, ARP packets,
// the link-layer headers tcpdump writes (Ethernet, Linux cooked v1/v2) and pcap files around them.
import {encodeAdvert, internetChecksum, parseAddress, type AdvertToEncode} from '../../../src/engine/vrrp/packet.js'

export function ipPacket(advert: AdvertToEncode, message: Uint8Array, ttl = 255): Uint8Array {
  const source = parseAddress(advert.source ?? '', advert.family) ?? new Uint8Array(advert.family === 4 ? 4 : 16)
  const destination = parseAddress(advert.destination ?? (advert.family === 4 ? '224.0.0.18' : 'ff02::12'), advert.family)
  if (!destination) throw new Error('bad destination')
  if (advert.family === 4) {
    const header = new Uint8Array(20)
    const length = 20 + message.length
    header.set([0x45, 0xc0, length >> 8, length & 0xff, 0, 0, 0, 0, ttl, 112])
    header.set(source, 12)
    header.set(destination, 16)
    const sum = internetChecksum(header)
    header[10] = sum >> 8
    header[11] = sum & 0xff
    return Uint8Array.from([...header, ...message])
  }
  const header = new Uint8Array(40)
  header.set([0x60, 0, 0, 0, message.length >> 8, message.length & 0xff, 112, ttl])
  header.set(source, 8)
  header.set(destination, 24)
  return Uint8Array.from([...header, ...message])
}

export function advertPacket(advert: AdvertToEncode, options: {ttl?: number; corrupt?: boolean} = {}): Uint8Array {
  const message = encodeAdvert(advert)
  if (options.corrupt) message[7] = (message[7] ?? 0) ^ 0x5a
  return ipPacket(advert, message, options.ttl)
}

const mac = (text: string) => Uint8Array.from(text.split(':').map((h) => Number.parseInt(h, 16)))

export function arpPacket(op: 1 | 2, senderMac: string, senderIp: string, targetMac: string, targetIp: string): Uint8Array {
  const packet = new Uint8Array(28)
  packet.set([0, 1, 0x08, 0x00, 6, 4, 0, op])
  packet.set(mac(senderMac), 8)
  packet.set(parseAddress(senderIp, 4)!, 14)
  packet.set(mac(targetMac), 18)
  packet.set(parseAddress(targetIp, 4)!, 24)
  return packet
}

export function ethernet(destination: string, source: string, ethertype: number, payload: Uint8Array, padTo60 = false): Uint8Array {
  const frame = Uint8Array.from([...mac(destination), ...mac(source), ethertype >> 8, ethertype & 0xff, ...payload])
  if (!padTo60 || frame.length >= 60) return frame
  const padded = new Uint8Array(60)
  padded.set(frame)
  return padded
}

/** LINKTYPE_LINUX_SLL (113): packet type, ARPHRD_ETHER, address length 6, address, protocol. */
export function sll(source: string, ethertype: number, payload: Uint8Array): Uint8Array {
  const header = new Uint8Array(16)
  header.set([0, 4, 0, 1, 0, 6])
  header.set(mac(source), 6)
  header.set([ethertype >> 8, ethertype & 0xff], 14)
  return Uint8Array.from([...header, ...payload])
}

/** LINKTYPE_LINUX_SLL2 (276): protocol, reserved, ifindex, ARPHRD_ETHER, packet type, address length, address. */
export function sll2(source: string, ethertype: number, payload: Uint8Array): Uint8Array {
  const header = new Uint8Array(20)
  header.set([ethertype >> 8, ethertype & 0xff, 0, 0, 0, 0, 0, 2, 0, 1, 4, 6])
  header.set(mac(source), 12)
  return Uint8Array.from([...header, ...payload])
}

/** A pcap file (microsecond timestamps, little endian) of these frames, one per second from `start`. */
export function pcapFile(linkType: number, frames: Uint8Array[], start = 1_767_355_200, options: {bigEndian?: boolean; nano?: boolean} = {}): Buffer {
  const w32 = (buffer: Buffer, value: number, at: number) => (options.bigEndian ? buffer.writeUInt32BE(value, at) : buffer.writeUInt32LE(value, at))
  const w16 = (buffer: Buffer, value: number, at: number) => (options.bigEndian ? buffer.writeUInt16BE(value, at) : buffer.writeUInt16LE(value, at))
  const global = Buffer.alloc(24)
  w32(global, options.nano ? 0xa1b23c4d : 0xa1b2c3d4, 0)
  w16(global, 2, 4)
  w16(global, 4, 6)
  w32(global, 262144, 16)
  w32(global, linkType, 20)
  const parts = [global]
  frames.forEach((frame, index) => {
    const record = Buffer.alloc(16)
    w32(record, start + index, 0)
    w32(record, options.nano ? 123_456_789 : 123_456, 4)
    w32(record, frame.length, 8)
    w32(record, frame.length, 12)
    parts.push(record, Buffer.from(frame))
  })
  return Buffer.concat(parts)
}
