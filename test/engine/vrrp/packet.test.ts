import {describe, expect, it} from 'vitest'
import {
  checkAdvert,
  compareAddresses,
  computeChecksum,
  decodeRaw,
  encodeAdvert,
  formatAddress,
  internetChecksum,
  parseIPv4,
  parseIPv6,
  passwordBytes,
  peekVrid,
  type AdvertCheckSettings,
  type AdvertRejection,
  type IpFamily,
  type ReceivedIpInfo,
  type VrrpVersion,
} from '../../../src/engine/vrrp/packet.js'

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')
const fromHex = (text: string) => new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'))

/** Deterministic PRNG (mulberry32) so the property tests are reproducible. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describe('internet checksum', () => {
  it('matches the RFC 1071 §3 worked example', () => {
    // 0001 + f203 + f4f5 + f6f7 = 2ddf0 → ddf2, complement 220d
    expect(internetChecksum(fromHex('0001 f203 f4f5 f6f7'))).toBe(0x220d)
  })

  it('pads an odd trailing byte with zero', () => {
    expect(internetChecksum(fromHex('0102 03'))).toBe(~(0x0102 + 0x0300) & 0xffff)
  })

  it('gives zero over data that includes its own checksum', () => {
    const data = fromHex('4500 0073 0000 4000 4011 0000 c0a8 0001 c0a8 00c7')
    const sum = internetChecksum(data)
    data[10] = sum >> 8
    data[11] = sum & 0xff
    expect(internetChecksum(data)).toBe(0)
    expect(sum).toBe(0xb861) // the classic Wikipedia IPv4 header example
  })
})

describe('addresses', () => {
  it.each([
    ['198.18.0.100', 'c6120064'],
    ['0.0.0.0', '00000000'],
    ['255.255.255.255', 'ffffffff'],
  ])('parses IPv4 %s', (text, bytes) => {
    expect(hex(parseIPv4(text) ?? new Uint8Array())).toBe(bytes)
  })

  it.each(['1.2.3', '1.2.3.4.5', '256.1.1.1', '1.2.3.x', '', '1..2.3'])('rejects IPv4 %j', (text) => {
    expect(parseIPv4(text)).toBeUndefined()
  })

  it.each([
    ['ff02::12', 'ff020000000000000000000000000012'],
    ['::', '00000000000000000000000000000000'],
    ['::1', '00000000000000000000000000000001'],
    ['fe80::1%eth0', 'fe800000000000000000000000000001'],
    ['2001:DB8:0:0:1:0:0:1', '20010db8000000000001000000000001'],
    ['::ffff:198.18.0.1', '00000000000000000000ffffc6120001'],
  ])('parses IPv6 %s', (text, bytes) => {
    expect(hex(parseIPv6(text) ?? new Uint8Array())).toBe(bytes)
  })

  it.each(['1::2::3', ':::', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', 'g::1', '12345::1', '1:2:3:4:5:6:7::8'])('rejects IPv6 %j', (text) => {
    expect(parseIPv6(text)).toBeUndefined()
  })

  it.each([
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:0db8:0000:0000:0000:0000:0002:0001', '2001:db8::2:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['::', '::'],
    ['FF02::0012', 'ff02::12'],
  ])('formats %s as RFC 5952 %s', (text, canonical) => {
    expect(formatAddress(parseIPv6(text) ?? new Uint8Array())).toBe(canonical)
  })

  it('compares addresses as unsigned numbers', () => {
    expect(compareAddresses('198.18.0.10', '198.18.0.9')).toBeGreaterThan(0)
    expect(compareAddresses('10.0.0.1', '9.255.255.255')).toBeGreaterThan(0)
    expect(compareAddresses('fe80::10', 'fe80::2')).toBeGreaterThan(0)
    expect(compareAddresses('fe80::ff', 'fe80::1:0')).toBeLessThan(0)
    expect(compareAddresses('fe80::1', 'FE80:0::1')).toBe(0)
  })
})

describe('golden advert bytes', () => {
  it('VRRPv2, vrid 51, prio 100, auth PASS "1111", advert 1 s, VIP 198.18.0.100', () => {
    const message = encodeAdvert({version: 2, family: 4, vrid: 51, priority: 100, advertIntervalCs: 100, addresses: ['198.18.0.100'], auth: {type: 'pass', password: '1111'}})
    // 21 version 2 / type 1 · 33 vrid 51 · 64 prio 100 · 01 one address · 01 auth type PASS · 01 advert 1 s
    // 50f1 checksum: 2133+6401+0101+c612+0064+3131+3131 = 1af0d → af0e → ~ = 50f1
    // c6120064 198.18.0.100 · 3131313100000000 "1111" zero-padded to 8 bytes
    expect(hex(message)).toBe('2133640101' + '01' + '50f1' + 'c6120064' + '3131313100000000')
  })

  it('VRRPv3 over IPv4 with the pseudo-header, 198.18.0.1 → 224.0.0.18', () => {
    const message = encodeAdvert({version: 3, family: 4, vrid: 51, priority: 100, advertIntervalCs: 100, addresses: ['198.18.0.100'], source: '198.18.0.1'})
    // 31 version 3 · 33 · 64 · 01 · 0064 = rsvd 0 + 100 cs
    // checksum: message 3133+6401+0064+c612+0064 = 15c0e; pseudo c612+0001+e000+0012+0070+000c = 1a6a1
    // 15c0e+1a6a1 = 302af → 02b2 → ~ = fd4d
    expect(hex(message)).toBe('31336401' + '0064' + 'fd4d' + 'c6120064')
  })

  it('VRRPv3 over IPv6, fe80::2 → ff02::12 (checksum confirmed by tcpdump 4.99)', () => {
    const message = encodeAdvert({version: 3, family: 6, vrid: 51, priority: 100, advertIntervalCs: 100, addresses: ['fe80::100', '2001:db8::100'], source: 'fe80::2'})
    expect(hex(message)).toBe('31336402' + '0064' + '3dfc' + 'fe800000000000000000000000000100' + '20010db8000000000000000000000100')
  })

  it('keepalived truncates auth_pass to 8 characters and zero-pads shorter ones', () => {
    expect(hex(passwordBytes('secretpassword'))).toBe(Buffer.from('secretpa').toString('hex'))
    expect(hex(passwordBytes('ab'))).toBe('6162000000000000')
  })

  it('VRRPv3 ignores auth; VRRPv2 over IPv6 carries no auth field', () => {
    const v3 = encodeAdvert({version: 3, family: 4, vrid: 1, priority: 1, advertIntervalCs: 1, addresses: ['10.0.0.1'], auth: {type: 'pass', password: 'x'}, source: '10.0.0.2'})
    expect(v3.length).toBe(12)
    const v2v6 = encodeAdvert({version: 2, family: 6, vrid: 1, priority: 1, advertIntervalCs: 100, addresses: ['fe80::1'], auth: {type: 'pass', password: 'x'}, source: 'fe80::2'})
    expect(v2v6.length).toBe(24)
    expect(v2v6[4]).toBe(0)
  })

  it.each([
    [{vrid: 0}, /vrid/],
    [{vrid: 256}, /vrid/],
    [{priority: 256}, /priority/],
    [{advertIntervalCs: 150}, /whole seconds/],
    [{advertIntervalCs: 25600}, /VRRPv2 advert interval/],
    [{addresses: ['fe80::1']}, /not an IPv4 address/],
  ])('refuses to encode %j', (override, error) => {
    expect(() => encodeAdvert({version: 2, family: 4, vrid: 1, priority: 100, advertIntervalCs: 100, addresses: ['10.0.0.1'], ...override})).toThrow(error)
  })

  it('refuses a VRRPv3 interval outside 1..4095 cs and a v3 checksum without source', () => {
    expect(() => encodeAdvert({version: 3, family: 4, vrid: 1, priority: 100, advertIntervalCs: 4096, addresses: ['10.0.0.1'], source: '10.0.0.2'})).toThrow(/VRRPv3/)
    expect(() => encodeAdvert({version: 3, family: 4, vrid: 1, priority: 100, advertIntervalCs: 100, addresses: ['10.0.0.1']})).toThrow(/source/)
  })
})

describe('round trip: encode → checkAdvert', () => {
  const rand = random(0x5eed)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T
  const byte = () => Math.floor(rand() * 256)
  const v4 = () => `${1 + Math.floor(rand() * 223)}.${byte()}.${byte()}.${byte()}`
  const v6 = () => formatAddress(new Uint8Array(Array.from({length: 16}, () => (rand() < 0.4 ? 0 : byte()))))

  it('accepts 2000 random valid adverts and gives back every field', () => {
    for (let run = 0; run < 2000; run++) {
      const version = pick<VrrpVersion>([2, 3])
      const family = pick<IpFamily>([4, 6])
      const address = family === 4 ? v4 : v6
      const vips = Array.from({length: 1 + Math.floor(rand() * 12)}, address)
      const advertIntervalCs = version === 2 ? 100 * (1 + Math.floor(rand() * 255)) : 1 + Math.floor(rand() * 4095)
      const authPass = version === 2 && family === 4 && rand() < 0.5 ? Array.from({length: 1 + Math.floor(rand() * 12)}, () => pick([...'abcXYZ0189!-'])).join('') : undefined
      const settings: AdvertCheckSettings = {vrid: 1 + Math.floor(rand() * 255), version, family, advertIntervalCs, vips, authPass}
      const source = address()
      const destination = family === 4 ? '224.0.0.18' : 'ff02::12'
      const priority = Math.floor(rand() * 256)
      const message = encodeAdvert({
        version,
        family,
        vrid: settings.vrid,
        priority,
        advertIntervalCs,
        addresses: vips,
        auth: authPass ? {type: 'pass', password: authPass} : {type: 'none'},
        source,
      })
      const result = checkAdvert(message, {family, source, destination, ttl: 255}, settings)
      if (!result.ok) throw new Error(`run ${run}: ${result.reason}: ${result.message}`)
      expect(result.advert).toEqual({version, family, vrid: settings.vrid, priority, advertIntervalCs, addresses: vips, source})
      expect(peekVrid(message)).toBe(settings.vrid)
      const raw = decodeRaw(message, family)
      expect(raw?.checksum).toBe(computeChecksum(message, version, family, source, destination))
    }
  })
})

describe('ordered validation', () => {
  const v2Settings: AdvertCheckSettings = {vrid: 51, version: 2, family: 4, advertIntervalCs: 100, vips: ['198.18.0.100'], authPass: '1111'}
  const v3Settings: AdvertCheckSettings = {vrid: 51, version: 3, family: 4, advertIntervalCs: 100, vips: ['198.18.0.100']}
  const rx: ReceivedIpInfo = {family: 4, source: '198.18.0.1', destination: '224.0.0.18', ttl: 255}
  const v2 = () => encodeAdvert({version: 2, family: 4, vrid: 51, priority: 100, advertIntervalCs: 100, addresses: ['198.18.0.100'], auth: {type: 'pass', password: '1111'}})
  const v3 = () => encodeAdvert({version: 3, family: 4, vrid: 51, priority: 100, advertIntervalCs: 100, addresses: ['198.18.0.100'], source: '198.18.0.1'})
  /** Rewrites the checksum after a change, so that only the intended field is wrong. */
  const resum = (message: Uint8Array, version: VrrpVersion) => {
    const sum = computeChecksum(message, version, 4, rx.source, rx.destination)
    message[6] = sum >> 8
    message[7] = sum & 0xff
    return message
  }
  const edit = (make: () => Uint8Array, version: VrrpVersion, change: (m: Uint8Array) => void, fixChecksum = true) => {
    const message = make()
    change(message)
    return fixChecksum ? resum(message, version) : message
  }

  it('accepts the untouched packets', () => {
    expect(checkAdvert(v2(), rx, v2Settings).ok).toBe(true)
    expect(checkAdvert(v3(), rx, v3Settings).ok).toBe(true)
  })

  const cases: [string, Uint8Array, Partial<ReceivedIpInfo>, AdvertCheckSettings, AdvertRejection, RegExp][] = [
    ['7 bytes', v2().subarray(0, 7), {}, v2Settings, 'too_short', /got 7 bytes; should be at least 8/],
    ['another VRID', edit(v2, 2, (m) => (m[1] = 52)), {}, v2Settings, 'vrid', /got 52; should be 51/],
    ['one byte more', Uint8Array.from([...v2(), 0]), {}, v2Settings, 'length', /too long: got length 21; should be 20/],
    ['one byte less', v2().subarray(0, 19), {}, v2Settings, 'length', /too short: got length 19; should be 20/],
    ['count says 2 addresses', edit(v2, 2, (m) => (m[3] = 2)), {}, v2Settings, 'length', /got length 20; should be 24/],
    ['TTL 64', v2(), {ttl: 64}, v2Settings, 'ttl', /invalid TTL\/HL: got 64; should be 255/],
    ['v3 message to a v2 instance', v3(), {}, v2Settings, 'version', /wrong version: got 3; should be 2/],
    ['v2 message to a v3 instance', v2(), {}, v3Settings, 'version', /got 2; should be 3/],
    ['auth type 5', edit(v2, 2, (m) => (m[4] = 5)), {}, v2Settings, 'auth_type_invalid', /got 5/],
    ['auth type 0', edit(v2, 2, (m) => (m[4] = 0)), {}, v2Settings, 'auth_type', /got 0; should be 1/],
    ['auth type AH', edit(v2, 2, (m) => (m[4] = 2)), {}, v2Settings, 'auth_type', /got 2; should be 1/],
    ['wrong password', edit(v2, 2, (m) => (m[16] = 0x32)), {}, v2Settings, 'auth', /invalid passwd/],
    ['wrong password and checksum: auth is checked first', edit(v2, 2, (m) => (m[16] = 0x32), false), {}, v2Settings, 'auth', /passwd/],
    ['advert interval 2 s', edit(v2, 2, (m) => (m[5] = 2)), {}, v2Settings, 'advert_interval', /got 2 sec; should be 1 sec/],
    ['type 2', edit(v2, 2, (m) => (m[0] = 0x22)), {}, v2Settings, 'type', /invalid packet type: got 2; should be 1/],
    ['v3 type 3', edit(v3, 3, (m) => (m[0] = 0x33)), {}, v3Settings, 'type', /got 3/],
    ['bad v2 checksum', edit(v2, 2, (m) => (m[7] = (m[7] ?? 0) ^ 1), false), {}, v2Settings, 'checksum', /invalid VRRPv2 checksum: got 0x50f0; should be 0x50f1/],
    ['bad v3 checksum', edit(v3, 3, (m) => (m[6] = 0), false), {}, v3Settings, 'checksum', /invalid VRRPv3 checksum: got 0x004d; should be 0xfd4d/],
    ['v3 pseudo-header: another source', v3(), {source: '198.18.0.2'}, v3Settings, 'checksum', /VRRPv3 checksum/],
    ['v3 pseudo-header: unicast destination', v3(), {destination: '198.18.0.2'}, v3Settings, 'checksum', /VRRPv3 checksum/],
    ['unicast destination in multicast mode', v2(), {destination: '198.18.0.2'}, v2Settings, 'destination', /expected multicast packet: got unicast/],
    ['another VIP', edit(v2, 2, (m) => (m[11] = 101)), {}, v2Settings, 'address_list', /got 198\.18\.0\.101; should include 198\.18\.0\.100/],
    ['v3 advert with another VIP', edit(v3, 3, (m) => (m[11] = 101)), {}, v3Settings, 'address_list', /not present in MASTER advert/],
  ]

  it.each(cases)('%s → %s', (_name, message, ipOverride, settings, reason, text) => {
    const result = checkAdvert(message, {...rx, ...ipOverride}, settings)
    expect(result.ok ? 'ok' : result.reason).toBe(reason)
    if (!result.ok) expect(result.message).toMatch(text)
  })

  it('reports a VIP count mismatch before the checksum, like keepalived', () => {
    const two = encodeAdvert({version: 2, family: 4, vrid: 51, priority: 100, advertIntervalCs: 100, addresses: ['198.18.0.100', '198.18.0.101'], auth: {type: 'pass', password: '1111'}})
    two[7] = (two[7] ?? 0) ^ 0xff
    const result = checkAdvert(two, rx, v2Settings)
    expect(result).toMatchObject({ok: false, reason: 'address_count', message: expect.stringMatching(/got 2; should be 1/)})
  })

  it('accepts VIPs in any order and skips the address checks with skip_check_adv_addr', () => {
    const settings = {...v3Settings, vips: ['198.18.0.101', '198.18.0.100']}
    const message = encodeAdvert({version: 3, family: 4, vrid: 51, priority: 100, advertIntervalCs: 100, addresses: ['198.18.0.100', '198.18.0.101'], source: rx.source})
    expect(checkAdvert(message, rx, settings).ok).toBe(true)
    expect(checkAdvert(v3(), rx, {...settings, skipCheckAdvAddr: true}).ok).toBe(true)
    expect(checkAdvert(v3(), rx, settings)).toMatchObject({reason: 'address_count'})
  })

  it('VRRPv3 accepts another advert interval: the backup adopts it (RFC 5798 §6.4.2 (450))', () => {
    const message = encodeAdvert({version: 3, family: 4, vrid: 51, priority: 100, advertIntervalCs: 7, addresses: ['198.18.0.100'], source: rx.source})
    expect(checkAdvert(message, rx, v3Settings)).toMatchObject({ok: true, advert: {advertIntervalCs: 7}})
  })

  it('skips the TTL check when the transport cannot tell, and for unicast peers', () => {
    expect(checkAdvert(v2(), {...rx, ttl: undefined}, v2Settings).ok).toBe(true)
    const unicast = {...v2Settings, unicastPeers: ['198.18.0.1']}
    const toMe = {...rx, destination: '198.18.0.2', ttl: 64}
    expect(checkAdvert(v2(), toMe, unicast).ok).toBe(true)
    expect(checkAdvert(v2(), {...rx, ttl: 64}, unicast)).toMatchObject({reason: 'destination', message: expect.stringMatching(/expected unicast packet: got multicast/)})
  })

  it('checks the unicast source against the peers with check_unicast_src', () => {
    const settings = {...v2Settings, unicastPeers: ['198.18.0.9'], checkUnicastSource: true}
    expect(checkAdvert(v2(), {...rx, destination: '198.18.0.2'}, settings)).toMatchObject({reason: 'unicast_peer'})
    expect(checkAdvert(v2(), {...rx, destination: '198.18.0.2'}, {...settings, checkUnicastSource: false}).ok).toBe(true)
  })

  it('IPv6: hop limit, checksum over the pseudo-header, canonical addresses', () => {
    const settings: AdvertCheckSettings = {vrid: 51, version: 3, family: 6, advertIntervalCs: 100, vips: ['2001:DB8::100']}
    const message = encodeAdvert({version: 3, family: 6, vrid: 51, priority: 200, advertIntervalCs: 100, addresses: ['2001:db8::100'], source: 'fe80::2'})
    const rx6: ReceivedIpInfo = {family: 6, source: 'FE80::2', destination: 'ff02::12', ttl: 255}
    expect(checkAdvert(message, rx6, settings)).toMatchObject({ok: true, advert: {source: 'fe80::2', priority: 200, addresses: ['2001:db8::100']}})
    expect(checkAdvert(message, {...rx6, ttl: 1}, settings)).toMatchObject({reason: 'ttl'})
    expect(checkAdvert(message, {...rx6, source: 'fe80::3'}, settings)).toMatchObject({reason: 'checksum'})
    const flipped = message.slice()
    flipped[0] = 0x21
    expect(checkAdvert(flipped, rx6, settings)).toMatchObject({reason: 'version'})
  })
})
