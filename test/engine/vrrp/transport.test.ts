import {afterEach, describe, expect, it} from 'vitest'
import {encodeAdvert} from '../../../src/engine/vrrp/packet.js'
import {parseIpv4Packet} from '../../../src/engine/vrrp/transport/ipv4-header.js'
import type {PacketInfo, VrrpTransport} from '../../../src/engine/vrrp/transport/types.js'
import {openUdpTransport} from '../../../src/engine/vrrp/transport/udp.js'

describe('parseIpv4Packet', () => {
  const payload = encodeAdvert({version: 2, family: 4, vrid: 51, priority: 100, advertIntervalCs: 100, addresses: ['198.18.0.100']})
  const header = (ihl = 5, total = 20 + payload.length) => {
    const bytes = new Uint8Array(ihl * 4)
    bytes[0] = 0x40 | ihl
    bytes[2] = total >> 8
    bytes[3] = total & 0xff
    bytes[8] = 255
    bytes[9] = 112
    bytes.set([198, 18, 0, 1], 12)
    bytes.set([224, 0, 0, 18], 16)
    return bytes
  }

  it('reads src, dst, TTL and protocol and returns the payload', () => {
    const packet = parseIpv4Packet(new Uint8Array([...header(), ...payload]))
    expect(packet).toMatchObject({src: '198.18.0.1', dst: '224.0.0.18', ttl: 255, protocol: 112})
    expect([...(packet?.payload ?? [])]).toEqual([...payload])
  })

  it('skips IP options and trailing padding', () => {
    const packet = parseIpv4Packet(new Uint8Array([...header(6, 24 + payload.length), ...payload, 0, 0]))
    expect(packet?.payload.length).toBe(payload.length)
  })

  it('rejects what is not a complete IPv4 header', () => {
    expect(parseIpv4Packet(new Uint8Array(10))).toBeUndefined()
    expect(parseIpv4Packet(new Uint8Array([0x60, ...new Uint8Array(39)]))).toBeUndefined()
    expect(parseIpv4Packet(new Uint8Array([0x4f, ...new Uint8Array(30)]))).toBeUndefined()
  })
})

describe('UDP loopback transport (local mode)', () => {
  const opened: VrrpTransport[] = []
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((t) => t.close()))
  })
  // A port of our own so parallel test runs do not hear each other.
  const port = 20000 + (process.pid % 10000)
  const open = async (address: string) => {
    const transport = await openUdpTransport({interface: undefined, sourceAddress: address, multicastGroup: '224.0.0.18'}, {port})
    opened.push(transport)
    const received: {bytes: number[]; info: PacketInfo}[] = []
    transport.onPacket((message, info) => received.push({bytes: [...message], info}))
    return {transport, received}
  }
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 100 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10))
  }

  it('delivers multicast adverts to the other nodes, not back to the sender, as if over IP', async () => {
    const a = await open('127.0.0.11')
    const b = await open('127.0.0.12')
    const c = await open('127.0.0.13')
    const message = encodeAdvert({version: 2, family: 4, vrid: 51, priority: 150, advertIntervalCs: 100, addresses: ['127.0.0.100']})
    await a.transport.send(message, '224.0.0.18')
    await until(() => b.received.length > 0 && c.received.length > 0)
    expect(b.received).toEqual([{bytes: [...message], info: {src: '127.0.0.11', dst: '224.0.0.18', ttl: 255}}])
    expect(c.received).toEqual(b.received)
    expect(a.received).toEqual([])
  })

  it('delivers unicast adverts to that peer only', async () => {
    const a = await open('127.0.0.21')
    const b = await open('127.0.0.22')
    const c = await open('127.0.0.23')
    await a.transport.send(new Uint8Array([0x21, 51, 1, 0, 0, 1, 0, 0]), '127.0.0.22')
    await until(() => b.received.length > 0)
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(b.received.map((r) => r.info)).toEqual([{src: '127.0.0.21', dst: '127.0.0.22', ttl: 255}])
    expect(c.received).toEqual([])
  })
})
