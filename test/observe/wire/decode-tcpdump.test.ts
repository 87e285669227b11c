/**
 * The wire decoder against tcpdump as an oracle: the same frames, written as pcap files in each link
 * type the sniffer meets (Ethernet, Linux cooked v1 and v2 from `-i any`), read back by `tcpdump -n -r`;
 * every VRRP advert and gratuitous ARP must read the same, and nothing else may be picked up.
 */
import {execFileSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {encodeAdvert, type AdvertToEncode} from '../../../src/engine/vrrp/packet.js'
import {decodeFrame, type WireAdvert} from '../../../src/observe/wire/decode.js'
import {ETHERTYPE} from '../../../src/observe/wire/link-layer.js'
import {LINKTYPE, PcapStreamParser, type PcapRecord} from '../../../src/observe/wire/pcap-stream.js'
import {requireBinary} from '../../helpers/oracles.js'
import {advertPacket, arpPacket, ethernet, pcapFile, sll, sll2} from './frames.js'

const MAC_A = '02:00:c6:12:00:01'
const MAC_B = '02:00:c6:12:00:02'
const BROADCAST = 'ff:ff:ff:ff:ff:ff'

const v2pass: AdvertToEncode = {version: 2, family: 4, vrid: 51, priority: 110, advertIntervalCs: 100, addresses: ['198.18.0.100'], auth: {type: 'pass', password: 'secret12'}, source: '198.18.0.1'}
const v2none: AdvertToEncode = {version: 2, family: 4, vrid: 7, priority: 255, advertIntervalCs: 300, addresses: ['198.18.0.100', '198.18.0.101'], source: '198.18.0.2'}
const v3: AdvertToEncode = {version: 3, family: 4, vrid: 52, priority: 150, advertIntervalCs: 10, addresses: ['198.18.0.110'], source: '198.18.0.1'}
const v3six: AdvertToEncode = {version: 3, family: 6, vrid: 60, priority: 100, advertIntervalCs: 100, addresses: ['2001:db8::100'], source: 'fe80::1'}
const unicast: AdvertToEncode = {version: 2, family: 4, vrid: 99, priority: 120, advertIntervalCs: 100, addresses: ['198.18.0.199'], source: '198.18.0.1', destination: '198.18.0.2'}

interface Packet {
  ethertype: number
  payload: Uint8Array
  /** What the decoder must make of it: text, or undefined when it must be ignored. */
  expect: 'advert' | 'garp' | 'ignored'
}

const packets: Packet[] = [
  {ethertype: ETHERTYPE.ipv4, payload: advertPacket(v2pass), expect: 'advert'},
  {ethertype: ETHERTYPE.ipv4, payload: advertPacket(v2none), expect: 'advert'},
  {ethertype: ETHERTYPE.ipv4, payload: advertPacket(v3), expect: 'advert'},
  {ethertype: ETHERTYPE.ipv6, payload: advertPacket(v3six), expect: 'advert'},
  {ethertype: ETHERTYPE.ipv4, payload: advertPacket(unicast, {ttl: 64}), expect: 'advert'},
  {ethertype: ETHERTYPE.ipv4, payload: advertPacket(v2pass, {corrupt: true}), expect: 'advert'},
  {ethertype: ETHERTYPE.ipv4, payload: advertPacket(v3, {ttl: 1}), expect: 'advert'},
  {ethertype: ETHERTYPE.arp, payload: arpPacket(1, MAC_A, '198.18.0.100', '00:00:00:00:00:00', '198.18.0.100'), expect: 'garp'},
  {ethertype: ETHERTYPE.arp, payload: arpPacket(1, MAC_B, '198.18.0.100', BROADCAST, '198.18.0.100'), expect: 'garp'},
  {ethertype: ETHERTYPE.arp, payload: arpPacket(2, MAC_A, '198.18.0.110', BROADCAST, '198.18.0.110'), expect: 'garp'},
  // An ordinary ARP question is not gratuitous.
  {ethertype: ETHERTYPE.arp, payload: arpPacket(1, MAC_A, '198.18.0.1', '00:00:00:00:00:00', '198.18.0.2'), expect: 'ignored'},
]

const framings = [
  {name: 'Ethernet', linkType: LINKTYPE.ethernet, frame: (p: Packet) => ethernet(BROADCAST, MAC_A, p.ethertype, p.payload)},
  {name: 'Ethernet padded to 60 bytes', linkType: LINKTYPE.ethernet, frame: (p: Packet) => ethernet(BROADCAST, MAC_A, p.ethertype, p.payload, true)},
  {name: 'Linux cooked v1', linkType: LINKTYPE.linuxSll, frame: (p: Packet) => sll(MAC_A, p.ethertype, p.payload)},
  {name: 'Linux cooked v2 (-i any)', linkType: LINKTYPE.linuxSll2, frame: (p: Packet) => sll2(MAC_A, p.ethertype, p.payload)},
]

/** tcpdump's line without its timestamp, link prefix and `IP `/`IP6 `, from the address or `ARP,` on. */
function tcpdumpBody(line: string): string {
  const arp = line.indexOf('ARP, ')
  if (arp >= 0) return line.slice(arp)
  return line.replace(/^.*?\bIP6? /, '')
}

/** Our text in the same shape: VRRP lines are already tcpdump's; ARP lines drop the `mac > mac: ` prefix. */
function ourBody(text: string): string {
  const arp = text.indexOf('ARP, ')
  return arp >= 0 ? text.slice(arp) : text
}

describe.skipIf(!requireBinary('tcpdump'))('wire decoder reads what tcpdump reads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lbctl-wire-'))
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  it.each(framings)('$name', ({linkType, frame}) => {
    const file = join(dir, `${linkType}-${Math.random().toString(36).slice(2)}.pcap`)
    const frames = packets.map(frame)
    const pcap = pcapFile(linkType, frames)
    writeFileSync(file, pcap)
    const lines = execFileSync('tcpdump', ['-n', '-r', file], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']}).trim().split('\n')
    expect(lines).toHaveLength(packets.length)

    // Fed in 7-byte chunks, as a pipe may deliver it.
    const parser = new PcapStreamParser()
    const records: PcapRecord[] = []
    for (let at = 0; at < pcap.length; at += 7) records.push(...parser.push(pcap.subarray(at, at + 7)))
    expect(parser.header?.linkType).toBe(linkType)
    expect(records).toHaveLength(packets.length)

    packets.forEach((packet, index) => {
      const decoded = decodeFrame(linkType, records[index]!.data, records[index]!.at)
      if (packet.expect === 'ignored') {
        expect(decoded).toBeUndefined()
        return
      }
      expect(decoded?.kind).toBe(packet.expect === 'advert' ? 'vrrp-advert' : 'garp')
      expect(ourBody(decoded!.text)).toBe(tcpdumpBody(lines[index]!))
      expect(decoded!.at).toBe((1_767_355_200 + index) * 1000 + 123.456)
    })
  })

  it('reports what a router would drop, as tcpdump -v does', () => {
    const file = join(dir, 'problems.pcap')
    const frames = [advertPacket(v2pass), advertPacket(v2pass, {corrupt: true}), advertPacket(v3, {ttl: 1}), advertPacket(unicast, {ttl: 64})]
    writeFileSync(file, pcapFile(LINKTYPE.raw, frames))
    const verbose = execFileSync('tcpdump', ['-v', '-n', '-r', file], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']})
    const badSum = /bad vrrp cksum (\w+)/.exec(verbose)?.[1]
    expect(badSum).toBeDefined()
    const adverts = frames.map((f) => decodeFrame(LINKTYPE.raw, f, 0) as WireAdvert)
    expect(adverts.map((a) => a.problems)).toEqual([[], [`bad vrrp cksum ${badSum}`], ['TTL 1; should be 255'], []])
    expect(adverts[3]).toMatchObject({unicast: true, vrid: 99, ttl: 64, dst: '198.18.0.2'})
    expect(adverts[0]).toMatchObject({version: 2, vrid: 51, priority: 110, authType: 'simple', intervalMs: 1000, addresses: ['198.18.0.100'], family: 4, length: 20})
  })
})

describe("lbctl's local mode (VRRP in UDP on loopback, from lbctl up)", () => {
  function udpPacket(source: string, destination: string, port: number, payload: Uint8Array): Uint8Array {
    const udp = new Uint8Array(8 + payload.length)
    udp.set([port >> 8, port & 0xff, port >> 8, port & 0xff, udp.length >> 8, udp.length & 0xff, 0, 0])
    udp.set(payload, 8)
    const header = new Uint8Array(20)
    const length = 20 + udp.length
    header.set([0x45, 0, length >> 8, length & 0xff, 0, 0, 0x40, 0, 1, 17])
    header.set(source.split('.').map(Number), 12)
    header.set(destination.split('.').map(Number), 16)
    return Uint8Array.from([...header, ...udp])
  }

  it.each([2, 3] as const)('decodes VRRPv%i to 239.255.0.18 with its checksum for 224.0.0.18, TTL not checked', (version) => {
    const advert: AdvertToEncode = {version, family: 4, vrid: 51, priority: 110, advertIntervalCs: 100, addresses: ['127.0.0.100'], source: '127.0.0.11'}
    const decoded = decodeFrame(LINKTYPE.raw, udpPacket('127.0.0.11', '239.255.0.18', 41234, encodeAdvert(advert)), 0) as WireAdvert
    expect(decoded).toMatchObject({vrid: 51, priority: 110, version, src: '127.0.0.11', dst: '224.0.0.18', problems: []})
    expect(decoded.text).toMatch(new RegExp(`^127\\.0\\.0\\.11\\.41234 > 239\\.255\\.0\\.18\\.41234: VRRPv${version}, Advertisement, vrid 51, prio 110, `))
  })

  it('ignores other UDP to that group, and other ports', () => {
    const advert = encodeAdvert({version: 2, family: 4, vrid: 51, priority: 110, advertIntervalCs: 100, addresses: ['127.0.0.100']})
    expect(decodeFrame(LINKTYPE.raw, udpPacket('127.0.0.11', '239.255.0.19', 41234, advert), 0)).toBeUndefined()
    expect(decodeFrame(LINKTYPE.raw, udpPacket('127.0.0.11', '239.255.0.18', 41234, Uint8Array.from([0x47, 0x45, 0x54, 0x20, 1, 2, 3, 4])), 0)).toBeUndefined()
  })
})

describe('pcap stream', () => {
  it('reads big-endian and nanosecond captures', () => {
    const frame = ethernet(BROADCAST, MAC_A, ETHERTYPE.ipv4, advertPacket(v3))
    for (const options of [{bigEndian: true}, {nano: true}, {bigEndian: true, nano: true}]) {
      const parser = new PcapStreamParser()
      const [record] = parser.push(pcapFile(LINKTYPE.ethernet, [frame], 1_767_355_200, options))
      expect(record?.at).toBeCloseTo(1_767_355_200_000 + (options.nano ? 123.456789 : 123.456), 6)
      expect(decodeFrame(LINKTYPE.ethernet, record!.data, record!.at)).toMatchObject({vrid: 52, version: 3, intervalMs: 100, sourceMac: MAC_A})
    }
  })

  it('refuses a stream that is not pcap', () => {
    expect(() => new PcapStreamParser().push(Buffer.from('tcpdump: syntax error in filter expression'))).toThrow(/not a pcap stream/)
  })
})
