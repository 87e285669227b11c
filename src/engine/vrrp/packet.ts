/**
 * VRRP advertisement codec: VRRPv2 (RFC 3768 §5) and VRRPv3 (RFC 5798 §5.1), the Internet
 * checksum, and the ordered validation of received adverts (RFC 3768 §7.1, RFC 5798 §7.1,
 * in the order keepalived's vrrp_check_packet applies them).
 *
 * Everything here works on the VRRP message alone (the IP payload). What the IP header said
 * (source, destination, TTL/hop limit, family) comes in as a separate `ReceivedIpInfo`, because
 * the transports (raw IP socket, UDP in unprivileged mode) hand those over differently.
 */

export type IpFamily = 4 | 6
export type VrrpVersion = 2 | 3

export const VRRP_PROTOCOL = 112
export const VRRP_TTL = 255
export const VRRP_MCAST_V4 = '224.0.0.18'
export const VRRP_MCAST_V6 = 'ff02::12'
export const VRRP_TYPE_ADVERTISEMENT = 1

export const AUTH_NONE = 0
/** RFC 2338 simple text password, kept by RFC 3768 only as "reserved" but still spoken by keepalived. */
export const AUTH_PASS = 1
/** IPsec AH (RFC 2338); keepalived accepts the type, lbctl does not implement it. */
export const AUTH_AH = 2
export const AUTH_DATA_LENGTH = 8

const HEADER_LENGTH = 8
/** 12-bit Max Adver Int field of VRRPv3, in centiseconds. */
export const V3_MAX_ADVERT_CS = 0x0fff

// ---------------------------------------------------------------------------
// Addresses

/** Parses a dotted-quad IPv4 address; undefined when it is not one. */
export function parseIPv4(text: string): Uint8Array | undefined {
  const parts = text.split('.')
  if (parts.length !== 4) return undefined
  const bytes = new Uint8Array(4)
  for (const [index, part] of parts.entries()) {
    if (!/^\d{1,3}$/.test(part)) return undefined
    const value = Number(part)
    if (value > 255) return undefined
    bytes[index] = value
  }
  return bytes
}

/** Parses an IPv6 address (with `::`, an embedded dotted quad, and an ignored `%zone`). */
export function parseIPv6(text: string): Uint8Array | undefined {
  const withoutZone = text.split('%')[0] ?? ''
  const halves = withoutZone.split('::')
  if (halves.length > 2) return undefined
  const groups = (part: string): number[] | undefined => {
    if (part === '') return []
    const words: number[] = []
    const pieces = part.split(':')
    for (const [index, piece] of pieces.entries()) {
      if (index === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIPv4(piece)
        if (!v4) return undefined
        words.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0))
        continue
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(piece)) return undefined
      words.push(Number.parseInt(piece, 16))
    }
    return words
  }
  const head = groups(halves[0] ?? '')
  const tail = halves.length === 2 ? groups(halves[1] ?? '') : []
  if (!head || !tail) return undefined
  const missing = 8 - head.length - tail.length
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined
  const words = [...head, ...new Array<number>(missing).fill(0), ...tail]
  const bytes = new Uint8Array(16)
  for (const [index, word] of words.entries()) {
    bytes[index * 2] = word >> 8
    bytes[index * 2 + 1] = word & 0xff
  }
  return bytes
}

export function parseAddress(text: string, family: IpFamily): Uint8Array | undefined {
  return family === 4 ? parseIPv4(text) : parseIPv6(text)
}

export function addressFamily(text: string): IpFamily | undefined {
  if (parseIPv4(text)) return 4
  if (parseIPv6(text)) return 6
  return undefined
}

/** Formats 4 or 16 bytes as text; IPv6 in the RFC 5952 canonical form. */
export function formatAddress(bytes: Uint8Array): string {
  if (bytes.length === 4) return [...bytes].join('.')
  const words: number[] = []
  for (let index = 0; index < 16; index += 2) words.push(((bytes[index] ?? 0) << 8) | (bytes[index + 1] ?? 0))
  // RFC 5952 §4.2: compress the longest run of two or more zero groups, the first one on a tie.
  let bestStart = -1
  let bestLength = 1
  for (let start = 0; start < 8; ) {
    if (words[start] !== 0) {
      start++
      continue
    }
    let end = start
    while (end < 8 && words[end] === 0) end++
    if (end - start > bestLength) {
      bestStart = start
      bestLength = end - start
    }
    start = end
  }
  const hex = (list: number[]) => list.map((word) => word.toString(16)).join(':')
  if (bestStart < 0) return hex(words)
  return `${hex(words.slice(0, bestStart))}::${hex(words.slice(bestStart + bestLength))}`
}

/** Canonical text of an address, so `FE80::0001` and `fe80::1` compare equal. */
export function canonicalAddress(text: string): string {
  const bytes = parseIPv4(text) ?? parseIPv6(text)
  return bytes ? formatAddress(bytes) : text
}

/**
 * Compares two addresses as unsigned big-endian numbers (RFC 5798 §6.4.3 "primary IPvX Address of
 * the sender is greater than the local primary IPvX Address"; keepalived compares the same way).
 * Returns <0, 0 or >0. Addresses of different families compare IPv4 first.
 */
export function compareAddresses(a: string, b: string): number {
  const left = parseIPv4(a) ?? parseIPv6(a)
  const right = parseIPv4(b) ?? parseIPv6(b)
  if (!left || !right) throw new Error(`not an IP address: ${left ? b : a}`)
  if (left.length !== right.length) return left.length - right.length
  for (let index = 0; index < left.length; index++) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0)
    if (difference !== 0) return difference
  }
  return 0
}

// ---------------------------------------------------------------------------
// Checksum

/**
 * RFC 1071 Internet checksum: the one's complement of the one's complement sum of 16-bit words,
 * an odd trailing byte padded with zero. `initial` carries a partial sum (e.g. a pseudo-header).
 */
export function internetChecksum(data: Uint8Array, initial = 0): number {
  return ~foldSum(onesSum(data, initial)) & 0xffff
}

function onesSum(data: Uint8Array, initial = 0): number {
  let sum = initial
  for (let index = 0; index + 1 < data.length; index += 2) sum += ((data[index] ?? 0) << 8) | (data[index + 1] ?? 0)
  if (data.length % 2 === 1) sum += (data[data.length - 1] ?? 0) << 8
  return sum
}

function foldSum(sum: number): number {
  let folded = sum
  while (folded > 0xffff) folded = (folded & 0xffff) + Math.floor(folded / 0x10000)
  return folded
}

/**
 * Partial sum of the pseudo-header that VRRPv3 covers (RFC 5798 §5.2.8): IPv4 (RFC 768 style:
 * source, destination, zero, protocol 112, length) or IPv6 (RFC 2460 §8.1: source, destination,
 * 32-bit length, three zero bytes, next header 112).
 */
export function pseudoHeaderSum(source: string, destination: string, length: number, family: IpFamily): number {
  const src = parseAddress(source, family)
  const dst = parseAddress(destination, family)
  if (!src) throw new Error(`bad IPv${family} source address: ${source}`)
  if (!dst) throw new Error(`bad IPv${family} destination address: ${destination}`)
  const header = new Uint8Array(family === 4 ? 12 : 40)
  header.set(src, 0)
  header.set(dst, src.length)
  const view = new DataView(header.buffer)
  if (family === 4) {
    header[9] = VRRP_PROTOCOL
    view.setUint16(10, length)
  } else {
    view.setUint32(32, length)
    header[39] = VRRP_PROTOCOL
  }
  return onesSum(header)
}

/**
 * Which checksum a message carries: VRRPv2 over IPv4 covers the VRRP message only (RFC 3768 §5.3.8);
 * VRRPv3, and anything over IPv6 (the kernel's IPV6_CHECKSUM always adds the pseudo-header),
 * also covers the pseudo-header.
 */
export function usesPseudoHeader(version: VrrpVersion, family: IpFamily): boolean {
  return version === 3 || family === 6
}

// ---------------------------------------------------------------------------
// Encoding

export type VrrpAuth = {type: 'none'} | {type: 'pass'; password: string}

export interface AdvertToEncode {
  version: VrrpVersion
  family: IpFamily
  vrid: number
  priority: number
  /** Advertisement interval in centiseconds; VRRPv2 carries whole seconds, so it must be a multiple of 100. */
  advertIntervalCs: number
  addresses: readonly string[]
  /** VRRPv2 over IPv4 only; ignored otherwise (keepalived: "VRRP version 3 does not support authentication"). */
  auth?: VrrpAuth
  /** Needed for the pseudo-header checksum (VRRPv3, or IPv6). */
  source?: string
  /** Defaults to the VRRP multicast group of the family. */
  destination?: string
}

/**
 * The 8 auth-data bytes for a PASS password, as keepalived builds them: the password truncated to
 * 8 bytes ("Truncating auth_pass to 8 characters") and padded with zero bytes.
 */
export function passwordBytes(password: string): Uint8Array {
  const bytes = new Uint8Array(AUTH_DATA_LENGTH)
  bytes.set(new TextEncoder().encode(password).subarray(0, AUTH_DATA_LENGTH))
  return bytes
}

/** Whether a message of this version and family carries the 8-byte auth data (VRRPv2 over IPv4). */
export function hasAuthData(version: VrrpVersion, family: IpFamily): boolean {
  return version === 2 && family === 4
}

/** Length of the VRRP message for `count` addresses. */
export function advertLength(version: VrrpVersion, family: IpFamily, count: number): number {
  return HEADER_LENGTH + count * (family === 4 ? 4 : 16) + (hasAuthData(version, family) ? AUTH_DATA_LENGTH : 0)
}

export function defaultDestination(family: IpFamily): string {
  return family === 4 ? VRRP_MCAST_V4 : VRRP_MCAST_V6
}

/** Builds the VRRP message (the IP payload) with its checksum filled in. Throws on values that cannot be encoded. */
export function encodeAdvert(advert: AdvertToEncode): Uint8Array {
  const {version, family} = advert
  checkRange('vrid', advert.vrid, 1, 255)
  checkRange('priority', advert.priority, 0, 255)
  if (advert.addresses.length > 255) throw new Error(`too many addresses: ${advert.addresses.length}`)
  const message = new Uint8Array(advertLength(version, family, advert.addresses.length))
  const view = new DataView(message.buffer)
  message[0] = (version << 4) | VRRP_TYPE_ADVERTISEMENT
  message[1] = advert.vrid
  message[2] = advert.priority
  message[3] = advert.addresses.length
  if (version === 2) {
    if (advert.advertIntervalCs % 100 !== 0) throw new Error(`VRRPv2 carries whole seconds; got ${advert.advertIntervalCs} cs`)
    checkRange('VRRPv2 advert interval (s)', advert.advertIntervalCs / 100, 1, 255)
    const auth: VrrpAuth = hasAuthData(version, family) ? advert.auth ?? {type: 'none'} : {type: 'none'}
    message[4] = auth.type === 'pass' ? AUTH_PASS : AUTH_NONE
    message[5] = advert.advertIntervalCs / 100
    if (auth.type === 'pass') message.set(passwordBytes(auth.password), message.length - AUTH_DATA_LENGTH)
  } else {
    // RFC 5798 §5.2.6: the 4-bit reserved field is zero; §5.2.7: 12-bit Max Adver Int in centiseconds.
    checkRange('VRRPv3 advert interval (cs)', advert.advertIntervalCs, 1, V3_MAX_ADVERT_CS)
    view.setUint16(4, advert.advertIntervalCs)
  }
  const addressLength = family === 4 ? 4 : 16
  for (const [index, address] of advert.addresses.entries()) {
    const bytes = parseAddress(address, family)
    if (!bytes) throw new Error(`not an IPv${family} address: ${address}`)
    message.set(bytes, HEADER_LENGTH + index * addressLength)
  }
  view.setUint16(6, computeChecksum(message, version, family, advert.source, advert.destination))
  return message
}

function checkRange(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be an integer in ${min}..${max}; got ${value}`)
}

/** The checksum `message` should carry (its own checksum field is treated as zero). */
export function computeChecksum(message: Uint8Array, version: VrrpVersion, family: IpFamily, source?: string, destination?: string): number {
  const zeroed = message.slice()
  zeroed[6] = 0
  zeroed[7] = 0
  let initial = 0
  if (usesPseudoHeader(version, family)) {
    if (!source) throw new Error(`the VRRPv${version} IPv${family} checksum covers the pseudo-header: a source address is needed`)
    initial = pseudoHeaderSum(source, destination ?? defaultDestination(family), message.length, family)
  }
  return internetChecksum(zeroed, initial)
}

// ---------------------------------------------------------------------------
// Decoding

/** The fields of a VRRP message as carried, without any judgement about them. */
export interface RawAdvert {
  version: number
  type: number
  vrid: number
  priority: number
  count: number
  /** VRRPv2 only (0 for v3). */
  authType: number
  /** Seconds × 100 for VRRPv2, the 12-bit field for VRRPv3. */
  advertIntervalCs: number
  checksum: number
  /** Addresses as text; as many as fit in the message, up to `count`. */
  addresses: string[]
  /** VRRPv2 over IPv4: the 8 auth-data bytes; empty otherwise. */
  authData: Uint8Array
}

/** Reads the fixed header and the addresses; undefined when fewer than 8 bytes came. */
export function decodeRaw(message: Uint8Array, family: IpFamily): RawAdvert | undefined {
  if (message.length < HEADER_LENGTH) return undefined
  const view = new DataView(message.buffer, message.byteOffset, message.byteLength)
  const version = (message[0] ?? 0) >> 4
  const count = message[3] ?? 0
  const addressLength = family === 4 ? 4 : 16
  const addresses: string[] = []
  for (let index = 0; index < count; index++) {
    const start = HEADER_LENGTH + index * addressLength
    if (start + addressLength > message.length) break
    addresses.push(formatAddress(message.subarray(start, start + addressLength)))
  }
  const withAuth = version === 2 && family === 4
  const authStart = HEADER_LENGTH + count * addressLength
  return {
    version,
    type: (message[0] ?? 0) & 0x0f,
    vrid: message[1] ?? 0,
    priority: message[2] ?? 0,
    count,
    authType: version === 2 ? message[4] ?? 0 : 0,
    advertIntervalCs: version === 2 ? (message[5] ?? 0) * 100 : view.getUint16(4) & V3_MAX_ADVERT_CS,
    checksum: view.getUint16(6),
    addresses,
    authData: withAuth && authStart + AUTH_DATA_LENGTH <= message.length ? message.slice(authStart, authStart + AUTH_DATA_LENGTH) : new Uint8Array(0),
  }
}

/** The VRID of a message, to pick the instance it is for (keepalived looks the instance up by VRID first). */
export function peekVrid(message: Uint8Array): number | undefined {
  return message.length >= HEADER_LENGTH ? message[1] : undefined
}

// ---------------------------------------------------------------------------
// Ordered validation

/** What the IP layer told us about a received message. */
export interface ReceivedIpInfo {
  family: IpFamily
  source: string
  destination: string
  /** IPv4 TTL or IPv6 hop limit; undefined when the transport cannot tell (keepalived: -1, check skipped). */
  ttl?: number
}

/** The part of an instance's settings that validation needs (VrrpInstanceSettings satisfies it). */
export interface AdvertCheckSettings {
  vrid: number
  version: VrrpVersion
  family: IpFamily
  advertIntervalCs: number
  vips: readonly string[]
  /** PASS authentication (VRRPv2 over IPv4 only); undefined or '' means none. */
  authPass?: string
  /** Unicast mode: TTL is not checked and the destination must be unicast. */
  unicastPeers?: readonly string[]
  /** keepalived `check_unicast_src`: the source must be one of the unicast peers. */
  checkUnicastSource?: boolean
  /**
   * Do not compare the address count and list. keepalived's `skip_check_adv_addr` skips them only in
   * BACKUP and only for adverts from the master it already knows; the caller decides per packet.
   */
  skipCheckAdvAddr?: boolean
}

export type AdvertRejection =
  | 'too_short'
  | 'vrid'
  | 'length'
  | 'ttl'
  | 'version'
  | 'auth_type_invalid'
  | 'auth_type'
  | 'auth'
  | 'advert_interval'
  | 'type'
  | 'address_count'
  | 'checksum'
  | 'destination'
  | 'address_list'
  | 'unicast_peer'

/** A received advert that passed validation, ready to be given to the state machine. */
export interface ValidAdvert {
  version: VrrpVersion
  family: IpFamily
  vrid: number
  priority: number
  advertIntervalCs: number
  addresses: string[]
  source: string
}

export type AdvertCheckResult = {ok: true; advert: ValidAdvert} | {ok: false; reason: AdvertRejection; message: string}

function reject(reason: AdvertRejection, message: string): AdvertCheckResult {
  return {ok: false, reason, message}
}

function isMulticast(address: string, family: IpFamily): boolean {
  const bytes = parseAddress(address, family)
  if (!bytes) return false
  return family === 4 ? ((bytes[0] ?? 0) & 0xf0) === 0xe0 : bytes[0] === 0xff
}

/**
 * Validates a received VRRP message for one instance and decodes it. The checks run in
 * keepalived's order (VRID lookup in vrrp_dispatcher_read, then vrrp_check_packet), which covers
 * every MUST of RFC 3768 §7.1 and RFC 5798 §7.1; the first failing check is reported, with a
 * message worded like keepalived's log line and a "got X; should be Y" tail.
 */
export function checkAdvert(message: Uint8Array, ip: ReceivedIpInfo, settings: AdvertCheckSettings): AdvertCheckResult {
  const family = settings.family
  const raw = decodeRaw(message, family)
  // keepalived vrrp_get_header: not even a VRRP header.
  if (!raw) return reject('too_short', `vrrp packet too short: got ${message.length} bytes; should be at least ${HEADER_LENGTH}`)
  // RFC 5798 §7.1 "MUST verify that the VRID is configured"; keepalived looks the instance up by VRID first.
  if (raw.vrid !== settings.vrid) return reject('vrid', `unknown VRID: got ${raw.vrid}; should be ${settings.vrid}`)
  // §7.1 "MUST verify that the received packet contains the complete VRRP packet (including fixed fields, and IPvX address(es))".
  const expectedLength = advertLength(raw.version === 2 ? 2 : 3, family, raw.count)
  if (message.length !== expectedLength) {
    const which = message.length > expectedLength ? 'long' : 'short'
    return reject('length', `vrrp packet too ${which}: got length ${message.length}; should be ${expectedLength}`)
  }
  // §7.1 "MUST verify that the IP TTL is 255" (IPv6: Hop Limit); keepalived skips it for unicast peers.
  const unicast = (settings.unicastPeers?.length ?? 0) > 0
  if (!unicast && ip.ttl !== undefined && ip.ttl !== VRRP_TTL) return reject('ttl', `invalid TTL/HL: got ${ip.ttl}; should be ${VRRP_TTL}`)
  // §7.1 "MUST verify the VRRP version".
  if (raw.version !== settings.version) return reject('version', `wrong version: got ${raw.version}; should be ${settings.version}`)
  if (settings.version === 2) {
    // RFC 3768 §7.1 "MUST perform authentication specified by Auth Type".
    if (raw.authType !== AUTH_NONE && raw.authType !== AUTH_PASS && raw.authType !== AUTH_AH) {
      return reject('auth_type_invalid', `invalid auth type: got ${raw.authType}; should be ${AUTH_NONE}, ${AUTH_PASS} or ${AUTH_AH}`)
    }
    const wantsPass = hasAuthData(2, family) && !!settings.authPass
    const expectedAuthType = wantsPass ? AUTH_PASS : AUTH_NONE
    if (raw.authType !== expectedAuthType) return reject('auth_type', `auth type mismatch: got ${raw.authType}; should be ${expectedAuthType}`)
    if (wantsPass && !bytesEqual(raw.authData, passwordBytes(settings.authPass ?? ''))) {
      return reject('auth', 'received an invalid passwd: got a password that does not match; should be the configured auth_pass (first 8 characters)')
    }
    // RFC 3768 §7.1 "MUST verify that the Adver Interval in the packet is the same as the locally
    // configured for this virtual router"; keepalived drops it "to prevent concurrent VRID running".
    // VRRPv3 has no such check: the backup adopts the master's interval (RFC 5798 §6.4.2 (450)).
    if (raw.advertIntervalCs !== settings.advertIntervalCs) {
      return reject('advert_interval', `advertisement interval mismatch: got ${raw.advertIntervalCs / 100} sec; should be ${settings.advertIntervalCs / 100} sec`)
    }
  }
  // RFC 5798 §5.2.2 "A packet with unknown type MUST be discarded".
  if (raw.type !== VRRP_TYPE_ADVERTISEMENT) return reject('type', `invalid packet type: got ${raw.type}; should be ${VRRP_TYPE_ADVERTISEMENT}`)
  const checkAddresses = !settings.skipCheckAdvAddr
  // §7.1 "MAY verify that the Count IPvX Addrs ... match"; keepalived drops on mismatch.
  if (checkAddresses && raw.count !== settings.vips.length) {
    return reject('address_count', `unexpected ip number count: got ${raw.count}; should be ${settings.vips.length}`)
  }
  // §7.1 "MUST verify the VRRP checksum".
  const version = settings.version
  if (usesPseudoHeader(version, family) && !parseAddress(ip.source, family)) {
    return reject('checksum', `invalid VRRPv${version} checksum: got source ${ip.source}; should be an IPv${family} address`)
  }
  const expectedChecksum = computeChecksum(message, version, family, ip.source, ip.destination)
  if (raw.checksum !== expectedChecksum) {
    return reject('checksum', `invalid VRRPv${version} checksum: got 0x${hex4(raw.checksum)}; should be 0x${hex4(expectedChecksum)}`)
  }
  // keepalived: "Expected multicast packet but received unicast packet" (and vice versa).
  const multicast = isMulticast(ip.destination, family)
  if (multicast === unicast) {
    const [want, got] = unicast ? ['unicast', 'multicast'] : ['multicast', 'unicast']
    return reject('destination', `expected ${want} packet: got ${got} destination ${ip.destination}; should be ${unicast ? 'this host' : defaultDestination(family)}`)
  }
  if (checkAddresses) {
    const received = new Set(raw.addresses.map(canonicalAddress))
    for (const vip of settings.vips) {
      if (!received.has(canonicalAddress(vip))) {
        return reject('address_list', `ip address associated with VRID ${settings.vrid} not present in MASTER advert: got ${raw.addresses.join(',') || 'none'}; should include ${vip}`)
      }
    }
    if (unicast && settings.checkUnicastSource) {
      const peers = new Set((settings.unicastPeers ?? []).map(canonicalAddress))
      if (!peers.has(canonicalAddress(ip.source))) {
        return reject('unicast_peer', `unicast source address not a unicast peer: got ${ip.source}; should be one of ${[...peers].join(',')}`)
      }
    }
  }
  return {
    ok: true,
    advert: {
      version,
      family,
      vrid: raw.vrid,
      priority: raw.priority,
      advertIntervalCs: raw.advertIntervalCs,
      addresses: raw.addresses,
      source: canonicalAddress(ip.source),
    },
  }
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let difference = 0
  for (let index = 0; index < a.length; index++) difference |= (a[index] ?? 0) ^ (b[index] ?? 0)
  return difference === 0
}

function hex4(value: number): string {
  return value.toString(16).padStart(4, '0')
}
