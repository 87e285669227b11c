/**
 * Unsolicited Neighbor Advertisements (IPv6's gratuitous ARP) from real captures, with tcpdump as the oracle.
 * test/observe/fixtures/keepalived-ipv6-na.pcap: real keepalived 2.2.7 (VRRPv3, native_ipv6, VIP fd12:c612:4f::100/64)
 *   becoming MASTER on a veth in a network namespace, captured by `tcpdump -i VETH -w` at its peer: MLD reports, router
 *   solicitations, adverts, keepalived's five NAs (from the VIP, Override set), then the peer's neighbour solicitation
 *   for the VIP and the solicited NA answering it, a UDP probe and its ICMPv6 unreachable.
 * test/observe/fixtures/lbctl-ipv6-na.pcap: the same from lbctl's own engine (src/engine/vrrp/vip/na.ts, VIP ::110).
 * Each *.tcpdump.txt is `tcpdump -n -r` (4.99.3) of its capture without the timestamps.
 */
import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {decodeFrame, type WireEvent} from '../../../src/observe/wire/decode.js'
import {ETHERTYPE} from '../../../src/observe/wire/link-layer.js'
import {icmpv6Checksum} from '../../../src/observe/wire/neighbor-advert.js'
import {LINKTYPE, PcapStreamParser, type PcapRecord} from '../../../src/observe/wire/pcap-stream.js'
import {SNIFF_FILTER} from '../../../src/observe/vrrp-sniffer.js'
import {hasBinary} from '../../helpers/oracles.js'
import {advertPacket, arpPacket, pcapFile, sll, sll2} from './frames.js'

const fixturePath = (name: string) => new URL(`../fixtures/${name}`, import.meta.url).pathname
const KEEPALIVED_MAC = 'da:d8:35:19:4d:74'
const LBCTL_MAC = '72:69:a3:aa:bf:9e'

function records(file: string): {linkType: number; records: PcapRecord[]} {
  const parser = new PcapStreamParser()
  const found = parser.push(readFileSync(fixturePath(file)))
  return {linkType: parser.header?.linkType ?? -1, records: found}
}

const tcpdump = hasBinary('tcpdump')
/** `tcpdump -n -r` without timestamps (what the *.tcpdump.txt files hold). */
function tcpdumpRead(file: string, options: {verbose?: boolean; filter?: string} = {}): string[] {
  const args = ['-n', ...(options.verbose ? ['-v'] : []), '-r', file, ...(options.filter ? [options.filter] : [])]
  const out = execFileSync('tcpdump', args, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']})
  return out
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.replace(/^[\d:.]+ /, ''))
}
const storedLines = (name: string) => readFileSync(fixturePath(name.replace('.pcap', '.tcpdump.txt')), 'utf8').trim().split('\n')

describe.each([
  {file: 'keepalived-ipv6-na.pcap', vip: 'fd12:c612:4f::100', src: 'fd12:c612:4f::100', mac: KEEPALIVED_MAC, adverts: 4},
  {file: 'lbctl-ipv6-na.pcap', vip: 'fd12:c612:4f::110', src: 'fe80::7069:a3ff:feaa:bf9e', mac: LBCTL_MAC, adverts: 4},
])('$file', ({file, vip, src, mac, adverts}) => {
  const capture = records(file)
  const decoded = capture.records.map((r) => decodeFrame(capture.linkType, r.data, r.at))
  const lines = storedLines(file)

  it.runIf(tcpdump)('the stored lines are what this tcpdump reads', () => {
    expect(tcpdumpRead(fixturePath(file))).toEqual(lines)
  })

  it('decodes the five unsolicited NAs as announcements whose text is tcpdump’s line, and the adverts', () => {
    expect(capture.linkType).toBe(LINKTYPE.ethernet)
    expect(decoded).toHaveLength(lines.length)
    decoded.forEach((event, index) => {
      if (event) expect(`IP6 ${event.text}`).toBe(lines[index])
    })
    const nas = decoded.filter((e): e is WireEvent & {kind: 'garp'} => e?.kind === 'garp')
    expect(nas).toHaveLength(5)
    for (const na of nas) {
      expect(na).toMatchObject({kind: 'garp', op: 'na', ip: vip, mac})
      expect(na.text).toBe(`${src} > ff02::1: ICMP6, neighbor advertisement, tgt is ${vip}, length 32`)
    }
    expect(nas.map((n) => n.at)).toEqual(capture.records.filter((_, i) => decoded[i]?.kind === 'garp').map((r) => r.at))
    const heard = decoded.filter((e) => e?.kind === 'vrrp-advert')
    expect(heard).toHaveLength(adverts)
    // The TLLA option names the same MAC the frames came from.
    expect(heard.every((a) => a?.kind === 'vrrp-advert' && a.sourceMac === mac)).toBe(true)
    // Nothing else is picked up: MLD reports, router and neighbour solicitations, UDP, unreachables.
    const picked = lines.filter((l) => /VRRPv3, Advertisement|neighbor advertisement/.test(l))
    const solicited = lines.filter((l) => /neighbor advertisement/.test(l) && !/ > ff02::1: /.test(l))
    expect(decoded.filter(Boolean)).toHaveLength(picked.length - solicited.length)
  })
})

it('skips the solicited NA keepalived’s host sent (an answer to a neighbour lookup, not an announcement)', () => {
  const capture = records('keepalived-ipv6-na.pcap')
  const lines = storedLines('keepalived-ipv6-na.pcap')
  const index = lines.findIndex((l) => /neighbor advertisement/.test(l) && !/ > ff02::1: /.test(l))
  expect(lines[index]).toBe('IP6 fd12:c612:4f::100 > fd12:c612:4f::2: ICMP6, neighbor advertisement, tgt is fd12:c612:4f::100, length 32')
  const record = capture.records[index]!
  // The real frame carries Solicited|Override; cleared, the same message (checksum fixed) is an announcement.
  expect(record.data[14 + 40 + 4]).toBe(0x60)
  expect(decodeFrame(capture.linkType, record.data, record.at)).toBeUndefined()
  const unsolicited = record.data.slice(14)
  unsolicited[44] = 0x20
  expect(decodeFrame(LINKTYPE.raw, fixChecksum(unsolicited), 0)).toMatchObject({op: 'na', ip: 'fd12:c612:4f::100', mac: KEEPALIVED_MAC})
})

/** The first unsolicited NA of the keepalived capture, as an IPv6 packet (Ethernet header stripped). */
function keepalivedNa(): Uint8Array {
  const capture = records('keepalived-ipv6-na.pcap')
  const frame = capture.records.find((r) => decodeFrame(capture.linkType, r.data, r.at)?.kind === 'garp')!.data
  return frame.slice(14)
}

/** Sets the ICMPv6 checksum the message should carry. */
function fixChecksum(packet: Uint8Array): Uint8Array {
  const sum = icmpv6Checksum(packet.subarray(8, 24), packet.subarray(24, 40), packet.subarray(40))
  packet[42] = sum >> 8
  packet[43] = sum & 0xff
  return packet
}

describe('unsolicited NA: other framings and what is not an announcement', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lbctl-na-'))
  afterAll(() => rmSync(dir, {recursive: true, force: true}))
  const source = '02:00:c6:12:00:01'

  it.each([
    {name: 'Linux cooked v1', linkType: LINKTYPE.linuxSll, frame: (p: Uint8Array) => sll(source, ETHERTYPE.ipv6, p)},
    {name: 'Linux cooked v2 (-i any)', linkType: LINKTYPE.linuxSll2, frame: (p: Uint8Array) => sll2(source, ETHERTYPE.ipv6, p)},
    {name: 'raw IP', linkType: LINKTYPE.raw, frame: (p: Uint8Array) => p},
  ])('$name', ({linkType, frame}) => {
    const data = frame(keepalivedNa())
    const event = decodeFrame(linkType, data, 5)
    expect(event).toMatchObject({kind: 'garp', op: 'na', ip: 'fd12:c612:4f::100', mac: KEEPALIVED_MAC, at: 5})
    if (!tcpdump) return
    const file = join(dir, `${linkType}.pcap`)
    writeFileSync(file, pcapFile(linkType, [data]))
    expect(tcpdumpRead(file).map((l) => l.replace(/^.*?\bIP6 /, ''))).toEqual([event!.text])
  })

  it('computes the checksum tcpdump -v computes, and drops an NA whose checksum is bad', () => {
    const bad = keepalivedNa()
    bad[40 + 8 + 15] = (bad[40 + 8 + 15] ?? 0) ^ 1
    expect(decodeFrame(LINKTYPE.raw, bad, 0)).toBeUndefined()
    const good = icmpv6Checksum(bad.subarray(8, 24), bad.subarray(24, 40), bad.subarray(40))
    if (tcpdump) {
      const file = join(dir, 'bad.pcap')
      writeFileSync(file, pcapFile(LINKTYPE.raw, [bad]))
      expect(tcpdumpRead(file, {verbose: true}).join('\n')).toContain(`[bad icmp6 cksum 0x${(((bad[42] ?? 0) << 8) | (bad[43] ?? 0)).toString(16)} -> 0x${good.toString(16)}!]`)
    }
    expect(decodeFrame(LINKTYPE.raw, fixChecksum(bad), 0)).toMatchObject({op: 'na', ip: 'fd12:c612:4f::101'})
  })

  it('drops a hop limit other than 255, the Solicited flag, a code other than 0, a multicast target, an option of length 0', () => {
    const variants: [string, (p: Uint8Array) => void][] = [
      ['hop limit 64', (p) => (p[7] = 64)],
      ['solicited', (p) => (p[44] = 0x60)],
      ['code 1', (p) => (p[41] = 1)],
      ['multicast target', (p) => (p[48] = 0xff)],
      ['option length 0', (p) => (p[40 + 25] = 0)],
    ]
    for (const [name, change] of variants) {
      const packet = keepalivedNa()
      change(packet)
      expect(decodeFrame(LINKTYPE.raw, fixChecksum(packet), 0), name).toBeUndefined()
    }
  })

  it('without a Target Link-Layer Address option the frame’s sender is the claimed MAC', () => {
    const full = keepalivedNa()
    const bare = full.slice(0, 40 + 24)
    bare[5] = 24
    const event = decodeFrame(LINKTYPE.linuxSll, sll(source, ETHERTYPE.ipv6, fixChecksum(bare)), 0)
    expect(event).toMatchObject({op: 'na', ip: 'fd12:c612:4f::100', mac: source})
    expect(event?.text).toBe('fd12:c612:4f::100 > ff02::1: ICMP6, neighbor advertisement, tgt is fd12:c612:4f::100, length 24')
  })
})

describe.runIf(tcpdump)('the capture filter', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lbctl-na-filter-'))
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  it('keeps adverts and unsolicited NAs of an IPv6 segment, not MLD, solicitations or solicited NAs', () => {
    const lines = storedLines('keepalived-ipv6-na.pcap')
    const kept = tcpdumpRead(fixturePath('keepalived-ipv6-na.pcap'), {filter: SNIFF_FILTER})
    expect(kept).toEqual(lines.filter((l) => / > ff02::12: VRRPv3| > ff02::1: ICMP6, neighbor advertisement/.test(l)))
  })

  it('keeps on IPv4 exactly what the filter before NAs kept', () => {
    const before = 'ip proto 112 or ip6 proto 112 or arp or (udp and dst host 239.255.0.18)'
    const frames = [
      advertPacket({version: 2, family: 4, vrid: 51, priority: 110, advertIntervalCs: 100, addresses: ['198.18.0.100'], source: '198.18.0.1'}),
      advertPacket({version: 3, family: 6, vrid: 60, priority: 100, advertIntervalCs: 100, addresses: ['fd12::100'], source: 'fe80::1'}),
      arpPacket(1, '02:00:c6:12:00:01', '198.18.0.100', '00:00:00:00:00:00', '198.18.0.100'),
      arpPacket(1, '02:00:c6:12:00:01', '198.18.0.1', '00:00:00:00:00:00', '198.18.0.2'),
    ]
    const file = join(dir, 'v4.pcap')
    writeFileSync(
      file,
      pcapFile(
        LINKTYPE.linuxSll2,
        frames.map((p, i) => sll2('02:00:c6:12:00:01', i === 2 || i === 3 ? ETHERTYPE.arp : i === 1 ? ETHERTYPE.ipv6 : ETHERTYPE.ipv4, p)),
      ),
    )
    const kept = tcpdumpRead(file, {filter: SNIFF_FILTER})
    expect(kept).toHaveLength(4)
    expect(kept).toEqual(tcpdumpRead(file, {filter: before}))
  })
})
