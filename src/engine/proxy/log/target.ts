/**
 * One `log` line: `log <target> [len <n>] [format <fmt>] [sample <ranges>:<size>] <facility> [<level> [<minlevel>]]`,
 * read the way HAProxy 2.6 reads it. Targets: `ip[:port]` (UDP, port 514 by default, `udp@`/`ipv4@`/`ipv6@`
 * prefixes), a unix datagram socket path (`/dev/log`, `unix@path`), `stdout`, `stderr`, and lbctl's own
 * `file@/path` (appends lines to a file; HAProxy has no file target).
 */

export const FACILITIES = ['kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'auth2', 'ftp', 'ntp', 'audit', 'alert', 'cron2', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'] as const
/** Syslog severities, 0 (emerg) to 7 (debug). */
export const LEVELS = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const
export const LOG_FORMATS = ['local', 'rfc3164', 'rfc5424', 'priority', 'short', 'timed', 'iso', 'raw'] as const

export type Level = (typeof LEVELS)[number]
export type LogFormatName = (typeof LOG_FORMATS)[number]

export type LogAddress =
  | {kind: 'udp'; host: string; port: number}
  | {kind: 'unix'; path: string}
  | {kind: 'stdout'}
  | {kind: 'stderr'}
  | {kind: 'file'; path: string}

export interface LogTarget {
  address: LogAddress
  /** The target as written, for messages. */
  text: string
  format: LogFormatName
  /** Lines longer than this are truncated (HAProxy's default: 1024). */
  maxLength: number
  facility: number
  /** Messages more severe than or equal to this one are sent (number: 0 emerg … 7 debug). */
  maxLevel: number
  /** Messages less severe than this are raised to it. */
  minLevel: number
  /** `sample 1:3` → send one message in three; undefined: every message. */
  sample?: {ranges: [number, number][]; size: number}
}

export type Parsed<T> = {ok: true; value: T} | {ok: false; problem: string}

const DEFAULT_LENGTH = 1024

/** A key equal for two lines writing to the same place, so they share one socket or file. */
export function addressKey(address: LogAddress): string {
  switch (address.kind) {
    case 'udp':
      return `udp:${address.host}:${address.port}`
    case 'unix':
    case 'file':
      return `${address.kind}:${address.path}`
    default:
      return address.kind
  }
}

export function parseLogAddress(text: string): Parsed<LogAddress> {
  if (text === 'stdout' || text === 'stderr') return {ok: true, value: {kind: text}}
  if (text.startsWith('file@')) {
    const path = text.slice(5)
    return path ? {ok: true, value: {kind: 'file', path}} : {ok: false, problem: `log ${text}: file@ needs a path`}
  }
  let rest = text
  const prefix = /^([a-z0-9]+)@/.exec(text)
  let family: 'any' | 'ipv4' | 'ipv6' = 'any'
  if (prefix) {
    rest = text.slice(prefix[0].length)
    switch (prefix[1]) {
      case 'unix':
      case 'uxdg':
        return {ok: true, value: {kind: 'unix', path: rest}}
      case 'udp':
      case 'udp4':
      case 'ipv4':
        family = 'ipv4'
        break
      case 'udp6':
      case 'ipv6':
        family = 'ipv6'
        break
      default:
        return {ok: false, problem: `log ${text}: ${prefix[1]}@ targets are not supported by the bundled engine (use ip:port, a unix socket path, stdout, stderr or file@/path)`}
    }
  } else if (rest.startsWith('/')) return {ok: true, value: {kind: 'unix', path: rest}}
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest)
  let host: string
  let port: string | undefined
  if (bracketed) [, host = '', port] = bracketed
  else if ((rest.match(/:/g) ?? []).length > 1) host = rest // a bare IPv6 address: no port
  else [host = '', port] = rest.split(':')
  if (port !== undefined && !/^\d+$/.test(port)) return {ok: false, problem: `log ${text}: invalid port '${port}'`}
  const portNumber = port === undefined ? 514 : Number(port)
  if (portNumber < 1 || portNumber > 65535) return {ok: false, problem: `log ${text}: invalid port '${port}'`}
  if (host === '') return {ok: false, problem: `log ${text}: missing address`}
  if (family === 'ipv6' && !host.includes(':')) return {ok: false, problem: `log ${text}: not an IPv6 address`}
  return {ok: true, value: {kind: 'udp', host, port: portNumber}}
}

/** The words after `log` (not `global`). */
export function parseLogTarget(args: readonly string[]): Parsed<LogTarget> {
  const [text, ...rest] = args
  if (text === undefined) return {ok: false, problem: 'log: expects <address> and <facility> as arguments'}
  const address = parseLogAddress(text)
  if (!address.ok) return address
  let format: LogFormatName = 'rfc3164'
  let maxLength = DEFAULT_LENGTH
  let sample: LogTarget['sample']
  let i = 0
  for (; i < rest.length; i += 2) {
    const word = rest[i]
    const value = rest[i + 1]
    if (word !== 'len' && word !== 'format' && word !== 'sample') break
    if (value === undefined) return {ok: false, problem: `log ${text}: '${word}' expects a value`}
    if (word === 'len') {
      maxLength = Number(value)
      if (!Number.isInteger(maxLength) || maxLength < 80 || maxLength > 65535) return {ok: false, problem: `log ${text}: invalid log length '${value}', must be between 80 and 65535`}
    } else if (word === 'format') {
      if (!(LOG_FORMATS as readonly string[]).includes(value)) return {ok: false, problem: `log ${text}: unknown log format '${value}'`}
      format = value as LogFormatName
    } else {
      const parsed = parseSample(value)
      if (!parsed) return {ok: false, problem: `log ${text}: invalid sample '${value}' (expected <ranges>:<size>, e.g. 1:3 or 1-2,5:10)`}
      sample = parsed
    }
  }
  const [facilityName, levelName, minLevelName, extra] = rest.slice(i)
  const facility = facilityName === undefined ? -1 : (FACILITIES as readonly string[]).indexOf(facilityName)
  if (facility < 0) return {ok: false, problem: `log ${text}: ${facilityName === undefined ? 'missing facility' : `unknown log facility '${facilityName}'`}`}
  const maxLevel = levelName === undefined ? 7 : (LEVELS as readonly string[]).indexOf(levelName)
  const minLevel = minLevelName === undefined ? 0 : (LEVELS as readonly string[]).indexOf(minLevelName)
  if (maxLevel < 0) return {ok: false, problem: `log ${text}: unknown optional log level '${levelName}'`}
  if (minLevel < 0) return {ok: false, problem: `log ${text}: unknown optional minimum log level '${minLevelName}'`}
  if (extra !== undefined) return {ok: false, problem: `log ${text}: cannot handle unexpected argument '${extra}'`}
  return {ok: true, value: {address: address.value, text, format, maxLength, facility, maxLevel, minLevel, ...(sample ? {sample} : {})}}
}

function parseSample(text: string): LogTarget['sample'] | undefined {
  const colon = text.lastIndexOf(':')
  if (colon <= 0) return undefined
  const size = Number(text.slice(colon + 1))
  if (!Number.isInteger(size) || size <= 0) return undefined
  const ranges: [number, number][] = []
  for (const part of text.slice(0, colon).split(',')) {
    const [first, last = first] = part.split('-')
    const a = Number(first)
    const b = Number(last)
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < 1 || b < a || b > size) return undefined
    ranges.push([a, b])
  }
  return {ranges, size}
}
