/** Value parsers for keyword arguments, with HAProxy 2.6's rules and error wording. */

export type Parsed<T> = {ok: true; value: T} | {ok: false; error: string}

const ok = <T>(value: T): Parsed<T> => ({ok: true, value})
const fail = <T>(error: string): Parsed<T> => ({ok: false, error})

const TIME_UNITS: Record<string, number> = {us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000}
/** HAProxy timers are signed 32-bit milliseconds. */
export const MAX_TIME_MS = 2_147_483_647

/**
 * A delay such as `5000`, `5000ms`, `5s`, `1m`, `2h`, `1d`, `100us` (parse_time_err): digits then an optional
 * unit. The error names the first unexpected character, as HAProxy does.
 */
export function parseTime(text: string, defaultUnitMs = 1): Parsed<number> {
  let i = 0
  let value = 0
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 48 || c > 57) break
    value = value * 10 + (c - 48)
  }
  if (i === 0) return fail(text === '' ? 'missing value' : `unexpected character '${text[0]}'`)
  // Summing digits is exact up to 15 of them; beyond, Number() rounds like the C parser's double would.
  const digits = i <= 15 ? value : Number(text.slice(0, i))
  if (i === text.length) return checkTimer(digits * defaultUnitMs)
  const unit = text.slice(i)
  const factor = TIME_UNITS[unit]
  if (factor === undefined) {
    // HAProxy reports the first character that is not part of a unit.
    const bad = unit.startsWith('ms') || unit.startsWith('us') ? unit[2] : ['s', 'm', 'h', 'd'].includes(unit[0] as string) ? unit[1] : unit[0]
    return fail(`unexpected character '${bad ?? unit[0]}'`)
  }
  return checkTimer(digits * factor)
}

/** C's atoi(): leading blanks, an optional sign, then digits; 0 when there are none. */
export function atoi(text: string | undefined): number {
  if (text !== undefined && isDigits(text)) return Number(text)
  const m = /^\s*[-+]?[0-9]+/.exec(text ?? '')
  return m ? Number(m[0]) : 0
}

/** Only ASCII digits, short enough for an exact Number (atoi's usual input). */
function isDigits(text: string): boolean {
  if (text.length === 0 || text.length > 15) return false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 48 || c > 57) return false
  }
  return true
}

function checkTimer(ms: number): Parsed<number> {
  if (ms > MAX_TIME_MS) return fail('timer overflow (maximum value is 2147483647 ms or ~24.8 days)')
  return ok(ms)
}

/** A size with an optional k/m/g suffix (1024-based). */
export function parseSize(text: string): Parsed<number> {
  const m = /^([0-9]+)([kKmMgG]?)$/.exec(text)
  if (!m) return fail(`invalid size '${text}'`)
  const mult = {'': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3}[(m[2] ?? '').toLowerCase()] ?? 1
  return ok(Number(m[1]) * mult)
}

/** A strict decimal integer. */
export function parseInteger(text: string): Parsed<number> {
  const from = text.charCodeAt(0) === 45 ? 1 : 0 // '-'
  if (text.length === from) return fail(`'${text}' is not an integer`)
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 48 || c > 57) return fail(`'${text}' is not an integer`)
  }
  return ok(Number(text))
}

/** C atol(): leading digits, 0 when there are none (what many HAProxy keywords silently accept). */
export function atol(text: string): number {
  const m = /^\s*[-+]?[0-9]+/.exec(text)
  return m ? Number(m[0]) : 0
}

export interface SocketAddress {
  /** 'ipv4' | 'ipv6' | 'host' (a name to resolve) | 'unix' | 'abns' | 'fd' | 'sockpair' | 'any' (empty or `*`). */
  family: 'ipv4' | 'ipv6' | 'host' | 'unix' | 'abns' | 'fd' | 'sockpair' | 'any'
  /** The host part as written (`''` for `:80`, `*`, an IP, a name, or a path). */
  host: string
  port?: number
  portEnd?: number
  /** `+N`/`-N` port offsets on servers. */
  portOffset?: boolean
}

const HOSTNAME = /^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_.])?$/

/** Dotted-quad IPv4 without leading zeros (`[1-9]?[0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5]` four times), without a regex: it runs for every server. */
export function isIPv4(text: string): boolean {
  const n = text.length
  let i = 0
  for (let octet = 0; ; octet++) {
    const start = i
    let value = 0
    for (; i < n && i - start < 4; i++) {
      const c = text.charCodeAt(i)
      if (c < 48 || c > 57) break
      value = value * 10 + (c - 48)
    }
    const length = i - start
    if (length === 0 || length > 3 || value > 255 || (length > 1 && text.charCodeAt(start) === 48)) return false
    if (octet === 3) return i === n
    if (i >= n || text.charCodeAt(i) !== 46) return false
    i++
  }
}

export function isIPv6(text: string): boolean {
  if (!/^[0-9A-Fa-f:.]+$/.test(text) || !text.includes(':')) return false
  const doubles = text.split('::').length - 1
  if (doubles > 1) return false
  const groups = text.split(':').filter((g) => g !== '')
  const last = groups[groups.length - 1]
  let count = groups.length
  if (last !== undefined && last.includes('.')) {
    if (!isIPv4(last)) return false
    count++
  }
  if (groups.some((g) => !g.includes('.') && !/^[0-9A-Fa-f]{1,4}$/.test(g))) return false
  return doubles === 1 ? count < 8 : count === 8
}

/** Looks like a dotted IPv4 attempt (only digits and dots) but is not a valid one. */
export function isBrokenIPv4(text: string): boolean {
  return /^[0-9.]+$/.test(text) && text.includes('.') && !isIPv4(text)
}

export interface AddressOptions {
  /** Who is parsing, for messages: `'bind'` or `'server b/s1'`. */
  who: string
  /** bind: a port is mandatory and ranges are allowed. */
  bind: boolean
}

/**
 * Parses a socket address the way str2sa_range does: `ip:port`, `:port`, `*:port`, `[v6]:port`, `v6:port`,
 * `unix@path`, `/path`, `abns@name`, `fd@N`, `ipv4@`/`ipv6@` prefixes, port ranges `80-90` (bind) and
 * `+N`/`-N` offsets (server). Host names are returned as family 'host': resolving them is the caller's job.
 */
export function parseSocketAddress(text: string, options: AddressOptions): Parsed<SocketAddress> {
  // A server's address is parsed when checked then again when modelled: remember the last success
  // (failures name `who`, so they are not reused). Callers copy the fields and never mutate the result.
  if (text === lastAddress.text && options.bind === lastAddress.bind && lastAddress.result !== undefined) return lastAddress.result
  const result = parseSocketAddressUncached(text, options)
  if (result.ok) {
    lastAddress.text = text
    lastAddress.bind = options.bind
    lastAddress.result = result
  }
  return result
}

const lastAddress: {text: string; bind: boolean; result: Parsed<SocketAddress> | undefined} = {text: '', bind: false, result: undefined}

/** `a.b.c.d:port`, each byte without leading zeros like isIPv4: most server addresses. */
const IPV4_WITH_PORT = /^(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(?:\.(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}:(?:[0-9]{1,4}|[0-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$/

/** `a.b.c.d:port` with a valid IPv4 address and a port up to 65535 (most server addresses): one native test, no match array. */
const isIPv4WithPort = (text: string): boolean => IPV4_WITH_PORT.test(text)

/**
 * The family of a valid server address, undefined when parseSocketAddress rejects it. The usual
 * `a.b.c.d:port` is answered without making a parse result (a 20,000-server config checks and models each).
 */
export function serverAddressFamily(text: string): SocketAddress['family'] | undefined {
  // A server line's check then its model ask for the same address, one after the other.
  if (text === lastFamily.text) return lastFamily.family
  let family: SocketAddress['family'] | undefined = 'ipv4'
  if (!isIPv4WithPort(text)) {
    const parsed = parseSocketAddress(text, ANY_SERVER)
    family = parsed.ok ? parsed.value.family : undefined
  }
  lastFamily.text = text
  lastFamily.family = family
  return family
}

const lastFamily: {text: string | undefined; family: SocketAddress['family'] | undefined} = {text: undefined, family: undefined}

const ANY_SERVER = {who: 'server', bind: false}

function parseSocketAddressUncached(text: string, options: AddressOptions): Parsed<SocketAddress> {
  if (!options.bind) {
    // One native match instead of the character loops below, which run interpreted on a cold start.
    if (isIPv4WithPort(text)) {
      const colon = text.lastIndexOf(':')
      return ok({family: 'ipv4', host: text.slice(0, colon), port: Number(text.slice(colon + 1))})
    }
  }
  let rest = text
  let forced: 'ipv4' | 'ipv6' | undefined
  const at = rest.indexOf('@')
  if (at > 0) {
    const prefix = rest.slice(0, at)
    const body = rest.slice(at + 1)
    switch (prefix) {
      case 'unix':
        return ok({family: 'unix', host: body})
      case 'abns':
        return ok({family: 'abns', host: body})
      case 'fd':
        if (!/^[0-9]+$/.test(body)) return fail(`'${options.who}' : file descriptor '${body}' is not a valid integer in '${text}'`)
        return ok({family: 'fd', host: body})
      case 'sockpair':
        return ok({family: 'sockpair', host: body})
      case 'ipv4':
      case 'udp4':
      case 'udp':
      case 'tcp4':
      case 'tcp':
        forced = 'ipv4'
        rest = body
        break
      case 'ipv6':
      case 'udp6':
      case 'tcp6':
        forced = 'ipv6'
        rest = body
        break
      default:
        return fail(`'${options.who}' : unknown address family '${prefix}' in '${text}'`)
    }
  }
  if (rest.startsWith('/')) return ok({family: 'unix', host: rest})

  let host: string
  let portText: string | undefined
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']')
    if (close === -1) return fail(`'${options.who}' : invalid address: '${rest}' in '${text}'`)
    host = rest.slice(1, close)
    const after = rest.slice(close + 1)
    if (after.startsWith(':')) portText = after.slice(1)
    else if (after !== '') return fail(`'${options.who}' : invalid address: '${rest}' in '${text}'`)
  } else {
    const colon = rest.lastIndexOf(':')
    if (colon === -1) host = rest
    else {
      host = rest.slice(0, colon)
      portText = rest.slice(colon + 1)
    }
  }

  const address: SocketAddress = {family: 'any', host}
  if (host === '' || host === '*') address.family = 'any'
  else if (isIPv4(host)) address.family = 'ipv4'
  else if (isIPv6(host)) address.family = 'ipv6'
  else if (isBrokenIPv4(host) || !HOSTNAME.test(host)) return fail(`'${options.who}' : invalid address: '${host}' in '${text}'`)
  else address.family = 'host'
  if (forced === 'ipv6' && address.family === 'ipv4') return fail(`'${options.who}' : invalid address: '${host}' in '${text}'`)

  if (portText === undefined || portText === '') {
    if (options.bind) return fail(`'${options.who}' : missing port specification in '${text}'`)
    return ok(address)
  }
  const offset = portText.startsWith('+') || portText.startsWith('-')
  if (offset) {
    if (options.bind) return fail(`'${options.who}' : invalid port '${portText}'`)
    const bad = /[^0-9]/.exec(portText.slice(1))
    if (bad) return fail(`'${options.who}' : invalid character '${bad[0]}' in port number '${portText}' in '${text}'`)
    address.portOffset = true
    address.port = Number(portText)
    return ok(address)
  }
  const dash = portText.indexOf('-')
  const low = dash === -1 ? portText : portText.slice(0, dash)
  const high = dash === -1 ? undefined : portText.slice(dash + 1)
  const bad = firstNonDigit(low) ?? (high === undefined ? undefined : firstNonDigit(high))
  if (bad !== undefined) return fail(`'${options.who}' : invalid character '${bad}' in port number '${portText}' in '${text}'`)
  const port = Number(low)
  if (!options.bind && high !== undefined) return fail(`'${options.who}' : port range not permitted here in '${text}'`)
  if (options.bind && (port < 1 || port > 65535)) return fail(`'${options.who}' : invalid port '${low}'`)
  if (!options.bind && port > 65535) return fail(`'${options.who}' : invalid port '${low}'`)
  address.port = port
  if (high !== undefined) {
    const end = Number(high)
    if (end < port || end > 65535) return fail(`'${options.who}' : invalid port range '${portText}'`)
    address.portEnd = end
  }
  return ok(address)
}

/** The first character that is not an ASCII digit, if any (a loop: this runs for every server). */
function firstNonDigit(text: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 48 || c > 57) return text[i]
  }
  return undefined
}

/** Levenshtein distance, for did-you-mean suggestions. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0
  const prev = new Array<number>(b.length + 1)
  for (let j = 0; j <= b.length; j++) prev[j] = j
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] as number
    prev[0] = i
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] as number
      prev[j] = Math.min(up + 1, (prev[j - 1] as number) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1))
      diag = up
    }
  }
  return prev[b.length] as number
}

/** The closest candidate within a third of the word's length (at least 2 edits), if any. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined
  let bestDistance = Infinity
  const limit = Math.max(2, Math.floor(word.length / 3))
  for (const candidate of candidates) {
    if (Math.abs(candidate.length - word.length) > limit) continue
    const d = editDistance(word, candidate)
    if (d < bestDistance) {
      best = candidate
      bestDistance = d
    }
  }
  return bestDistance <= limit ? best : undefined
}

/** The first character haproxy refuses in a proxy, server or ACL name (its invalid_char(): letters, digits and `-_.:` only). */
export function invalidNameChar(name: string): string | undefined {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i)
    const ok = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 46 || c === 58 || c === 95
    if (!ok) return name[i]
  }
  return undefined
}

export const NAME_CHARS_HINT = 'names take letters, digits and - _ . : only'
