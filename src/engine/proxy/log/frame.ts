/**
 * The header HAProxy 2.6 puts before a log message, per `format` (checked against haproxy 2.6.12 on a
 * UDP listener):
 *   rfc3164, local  `<134>Nov 21 07:46:31 haproxy[18189]: msg`
 *   rfc5424         `<134>1 2026-11-21T07:47:07.121699+00:00 - haproxy 18189 - - msg`
 *   priority        `<134>msg`      short `<6>msg` (severity only)
 *   timed           `<6>2026-11-21T07:47:53.757258+00:00 msg`      iso `2026-11-21T07:47:53.757268+00:00 msg`
 *   raw             `msg`
 * Every line ends with a newline, also in datagrams.
 */
import type {LogFormatName} from './target.js'

export interface FrameContext {
  /** `log-tag`, default `haproxy`. */
  tag: string
  pid: number
  /** `log-send-hostname`; undefined: no host name (rfc5424 prints `-`). */
  hostname?: string
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const two = (n: number): string => (n < 10 ? `0${n}` : String(n))

/** `Nov 21 07:46:31` (day padded with a space), local time. */
export function rfc3164Time(ms: number): string {
  const d = new Date(ms)
  const day = d.getDate()
  return `${MONTHS[d.getMonth()]} ${day < 10 ? ` ${day}` : day} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`
}

/** `2026-11-21T07:47:07.121699+00:00`, local time with its offset, microseconds. */
export function isoTime(micros: number): string {
  const ms = Math.floor(micros / 1000)
  const d = new Date(ms)
  const offset = -d.getTimezoneOffset()
  const sign = offset < 0 ? '-' : '+'
  const abs = Math.abs(offset)
  const fraction = String(Math.floor(micros) % 1_000_000).padStart(6, '0')
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${fraction}${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`
}

/** The whole line for one target: header and message cut to `maxLength` bytes, then a newline. */
export function frame(format: LogFormatName, facility: number, level: number, message: string, context: FrameContext, micros: number, maxLength: number): string {
  const pri = facility * 8 + level
  let line: string
  switch (format) {
    case 'raw':
      line = message
      break
    case 'priority':
      line = `<${pri}>${message}`
      break
    case 'short':
      line = `<${level}>${message}`
      break
    case 'timed':
      line = `<${level}>${isoTime(micros)} ${message}`
      break
    case 'iso':
      line = `${isoTime(micros)} ${message}`
      break
    case 'rfc5424':
      line = `<${pri}>1 ${isoTime(micros)} ${context.hostname ?? '-'} ${context.tag} ${context.pid} - - ${message}`
      break
    default:
      line = `<${pri}>${rfc3164Time(micros / 1000)} ${context.hostname ? `${context.hostname} ` : ''}${context.tag}[${context.pid}]: ${message}`
  }
  // HAProxy cuts the line at `len` bytes and still ends it with a newline.
  if (line.length > maxLength) line = Buffer.from(line, 'utf8').subarray(0, maxLength).toString('utf8')
  return `${line}\n`
}
