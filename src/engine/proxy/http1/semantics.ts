// What the header fields mean for framing and persistence, with HAProxy 2.6's verdicts on conflicts.
import {HTAB, SP} from './chars.js'
import {HeadError} from './head-parser.js'
import {HeaderKind, isLower, type RawHeaders} from './raw-headers.js'

export interface Framing {
  contentLength: number
  chunked: boolean
  /** Transfer-Encoding lists a coding other than chunked before it (HAProxy answers 422 to such requests). */
  otherCodings: boolean
  dropContentLength: boolean
  transferEncoding: boolean
  close: boolean
  keepAliveToken: boolean
  upgradeToken: boolean
  upgradeHeader: string | undefined
  /** Index of the (first) Host header, -1 without one; its value is decoded only when asked (absolute-form targets). */
  hostAt: number
  expect: string | undefined
  websocketKey: boolean
}

function isWs(c: number): boolean {
  return c === SP || c === HTAB
}

/** End of the comma-separated item starting at `p` (the comma's position, or `end`). */
function itemEnd(buf: Buffer, p: number, end: number): number {
  while (p < end && buf[p] !== 0x2c) p++
  return p
}

/** The first position in buf[s, e) past optional whitespace. */
function owsStart(buf: Buffer, s: number, e: number): number {
  while (s < e && isWs(buf[s]!)) s++
  return s
}

/** The end of buf[s, e) without its trailing optional whitespace. */
function owsEnd(buf: Buffer, s: number, e: number): number {
  while (e > s && isWs(buf[e - 1]!)) e--
  return e
}

/** The item buf[s, e) trimmed of OWS equals `lower` (lowercase ASCII), in any case. */
function itemIs(buf: Buffer, s: number, e: number, lower: string): boolean {
  s = owsStart(buf, s, e)
  e = owsEnd(buf, s, e)
  return e - s === lower.length && isLower(buf, s, lower)
}

/** Whether buf[a, aEnd) and buf[b, bEnd) are the same ASCII text in any case (no string made for either). */
function sameIgnoringCase(buf: Buffer, a: number, aEnd: number, b: number, bEnd: number): boolean {
  if (aEnd - a !== bEnd - b) return false
  for (; a < aEnd; a++, b++) {
    const x = buf[a]!
    const y = buf[b]!
    if (x !== y && (x >= 0x41 && x <= 0x5a ? x | 0x20 : x) !== (y >= 0x41 && y <= 0x5a ? y | 0x20 : y)) return false
  }
  return true
}

/** Content-Length items (a list of equal numbers is allowed): the value, or a HeadError. */
function contentLength(buf: Buffer, start: number, end: number, known: number): number {
  let out = known
  for (let p = start; ; ) {
    const ie = itemEnd(buf, p, end)
    const s = owsStart(buf, p, ie)
    const e = owsEnd(buf, s, ie)
    if (e === s || e - s > 15) throw new HeadError('invalid Content-Length', 0)
    let n = 0
    for (let i = s; i < e; i++) {
      const d = buf[i]! - 0x30
      if (d < 0 || d > 9) throw new HeadError('invalid Content-Length', 0)
      n = n * 10 + d
    }
    if (out >= 0 && out !== n) throw new HeadError('conflicting Content-Length', 0)
    out = n
    if (ie === end) return out
    p = ie + 1
  }
}

/**
 * The items of a Connection value in buf[start, end) other than close and keep-alive (any case), trimmed
 * and appended to `kept` with ", ": what a hop forwards of it. Nothing is decoded for the usual values.
 */
export function appendConnectionTokens(buf: Buffer, start: number, end: number, kept: string): string {
  for (let p = start; ; ) {
    const ie = itemEnd(buf, p, end)
    const s = owsStart(buf, p, ie)
    const e = owsEnd(buf, s, ie)
    if (e > s && !itemIs(buf, s, e, 'close') && !itemIs(buf, s, e, 'keep-alive')) {
      const token = buf.toString('latin1', s, e)
      kept = kept === '' ? token : `${kept}, ${token}`
    }
    if (ie === end) return kept
    p = ie + 1
  }
}

export function newFraming(): Framing {
  return {
    contentLength: -1,
    chunked: false,
    otherCodings: false,
    dropContentLength: false,
    transferEncoding: false,
    close: false,
    keepAliveToken: false,
    upgradeToken: false,
    upgradeHeader: undefined,
    hostAt: -1,
    expect: undefined,
    websocketKey: false,
  }
}

/**
 * Reads the headers framing depends on, in byte ranges: only Host, Upgrade and Expect values become strings.
 * `into` is reset and filled (a parser passes its own, read before its next head); else a new one.
 */
export function readFraming(headers: RawHeaders, into?: Framing): Framing {
  const f = into ?? newFraming()
  if (into) {
    f.contentLength = -1
    f.chunked = false
    f.otherCodings = false
    f.dropContentLength = false
    f.transferEncoding = false
    f.close = false
    f.keepAliveToken = false
    f.upgradeToken = false
    f.upgradeHeader = undefined
    f.hostAt = -1
    f.expect = undefined
    f.websocketKey = false
  }
  const buf = headers.buffer
  for (let i = 0; i < headers.length; i++) {
    switch (headers.kind(i)) {
      case HeaderKind.contentLength:
        f.contentLength = contentLength(buf, headers.valueStart(i), headers.valueEnd(i), f.contentLength)
        break
      case HeaderKind.transferEncoding: {
        f.transferEncoding = true
        const end = headers.valueEnd(i)
        for (let p = headers.valueStart(i); ; ) {
          const ie = itemEnd(buf, p, end)
          const chunked = itemIs(buf, p, ie, 'chunked')
          if (f.chunked) throw new HeadError(chunked ? 'chunked applied twice' : 'chunked is not the last transfer coding', 0)
          if (chunked) f.chunked = true
          else f.otherCodings = true
          if (ie === end) break
          p = ie + 1
        }
        break
      }
      case HeaderKind.connection: {
        const end = headers.valueEnd(i)
        for (let p = headers.valueStart(i); ; ) {
          const ie = itemEnd(buf, p, end)
          if (itemIs(buf, p, ie, 'close')) f.close = true
          else if (itemIs(buf, p, ie, 'keep-alive')) f.keepAliveToken = true
          else if (itemIs(buf, p, ie, 'upgrade')) f.upgradeToken = true
          if (ie === end) break
          p = ie + 1
        }
        break
      }
      case HeaderKind.host:
        if (f.hostAt < 0) f.hostAt = i
        else if (!sameIgnoringCase(buf, headers.valueStart(f.hostAt), headers.valueEnd(f.hostAt), headers.valueStart(i), headers.valueEnd(i))) throw new HeadError('conflicting Host headers', 0)
        break
      case HeaderKind.upgrade:
        f.upgradeHeader = headers.value(i)
        break
      case HeaderKind.expect:
        f.expect = headers.value(i)
        break
      case HeaderKind.websocketKey:
        f.websocketKey = true
        break
    }
  }
  if (f.transferEncoding) {
    if (!f.chunked) throw new HeadError('Transfer-Encoding without chunked last', 0)
    // RFC 9112 §6.3 ¶3 and HAProxy: Transfer-Encoding wins, Content-Length is removed before forwarding.
    if (f.contentLength >= 0) f.dropContentLength = true
    f.contentLength = -1
  }
  return f
}

/** Authority of an absolute-form target ("http://a/x" → "a"), lowercased; undefined for origin-form. */
export function absoluteAuthority(target: string): string | undefined {
  const scheme = target.indexOf('://')
  if (scheme <= 0 || target.charCodeAt(0) === 0x2f) return undefined
  const start = scheme + 3
  let end = start
  while (end < target.length) {
    const c = target.charCodeAt(end)
    if (c === 0x2f || c === 0x3f) break
    end++
  }
  return target.slice(start, end).toLowerCase()
}
