// What the header fields mean for framing and persistence, with HAProxy 2.6's verdicts on conflicts.
import {HTAB, SP} from './chars.js'
import {HeadError} from './head-parser.js'
import type {RawHeaders} from './raw-headers.js'

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
  host: string | undefined
  expect: string | undefined
  websocketKey: boolean
}

/** Comma-separated list items of a header value, trimmed of OWS (empty items kept). */
function forEachItem(value: string, fn: (item: string) => void): void {
  let start = 0
  for (;;) {
    const comma = value.indexOf(',', start)
    const end = comma < 0 ? value.length : comma
    let s = start
    let e = end
    while (s < e && (value.charCodeAt(s) === SP || value.charCodeAt(s) === HTAB)) s++
    while (e > s && (value.charCodeAt(e - 1) === SP || value.charCodeAt(e - 1) === HTAB)) e--
    fn(value.slice(s, e))
    if (comma < 0) return
    start = comma + 1
  }
}

function parseContentLength(item: string): number {
  if (item.length === 0 || item.length > 15) throw new HeadError('invalid Content-Length', 0)
  let n = 0
  for (let i = 0; i < item.length; i++) {
    const d = item.charCodeAt(i) - 0x30
    if (d < 0 || d > 9) throw new HeadError('invalid Content-Length', 0)
    n = n * 10 + d
  }
  return n
}

export function readFraming(headers: RawHeaders): Framing {
  const f: Framing = {
    contentLength: -1,
    chunked: false,
    otherCodings: false,
    dropContentLength: false,
    transferEncoding: false,
    close: false,
    keepAliveToken: false,
    upgradeToken: false,
    upgradeHeader: undefined,
    host: undefined,
    expect: undefined,
    websocketKey: false,
  }
  for (let i = 0; i < headers.length; i++) {
    if (headers.nameIs(i, 'content-length')) {
      forEachItem(headers.value(i), (item) => {
        const n = parseContentLength(item)
        if (f.contentLength >= 0 && f.contentLength !== n) throw new HeadError('conflicting Content-Length', 0)
        f.contentLength = n
      })
    } else if (headers.nameIs(i, 'transfer-encoding')) {
      f.transferEncoding = true
      forEachItem(headers.value(i), (item) => {
        if (f.chunked) throw new HeadError(item.toLowerCase() === 'chunked' ? 'chunked applied twice' : 'chunked is not the last transfer coding', 0)
        if (item.toLowerCase() === 'chunked') f.chunked = true
        else f.otherCodings = true
      })
    } else if (headers.nameIs(i, 'connection')) {
      forEachItem(headers.value(i), (item) => {
        const token = item.toLowerCase()
        if (token === 'close') f.close = true
        else if (token === 'keep-alive') f.keepAliveToken = true
        else if (token === 'upgrade') f.upgradeToken = true
      })
    } else if (headers.nameIs(i, 'host')) {
      const host = headers.value(i).toLowerCase()
      if (f.host !== undefined && f.host !== host) throw new HeadError('conflicting Host headers', 0)
      f.host = host
    } else if (headers.nameIs(i, 'upgrade')) {
      f.upgradeHeader = headers.value(i)
    } else if (headers.nameIs(i, 'expect')) {
      f.expect = headers.value(i)
    } else if (headers.nameIs(i, 'sec-websocket-key')) {
      f.websocketKey = true
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
