// Parses one complete head (start line + header lines + the empty line) already located in a buffer.
// Rules follow HAProxy 2.6's h1 parser as observed on the real binary (see test/engine/proxy/http1/cases.ts).
import {CR, HTAB, LF, SP, TCHAR, URI_CHAR} from './chars.js'
import {headerKind, RawHeaders, STRIDE} from './raw-headers.js'

/** HTX bookkeeping per head in HAProxy 2.6, fitted on the real binary: start-line block 40, each header 8, end of headers 8. */
const HTX_START_LINE = 40
const HTX_PER_HEADER = 8
const HTX_END_OF_HEADERS = 8
/** Space HAProxy's HTX structure itself takes out of bufsize - maxrewrite (fitted: a head costing 15323 passes, 15324 fails). */
const HTX_STRUCT = 37

export interface StartLine {
  /** Request: method; response: version. */
  a: string
  /** Request: target; response: status. */
  b: string
  /** Request: version; response: reason. */
  c: string
}

export interface ParsedHead {
  line: StartLine
  headers: RawHeaders
  /** Just past the empty line that ends the head. */
  end: number
}

export class HeadError extends Error {
  constructor(
    readonly reason: string,
    readonly at: number,
  ) {
    super(reason)
  }
}

function isWs(c: number | undefined): boolean {
  return c === SP || c === HTAB
}

/** Content end of the line that ends with the LF at `lf` (drops the CR of a CRLF). */
function contentEnd(buf: Buffer, lineStart: number, lf: number): number {
  return lf > lineStart && buf[lf - 1] === CR ? lf - 1 : lf
}

/** Version "HTTP/x.y" between start and end, normalized the way HAProxy forwards it; undefined when malformed. */
export function parseVersion(buf: Buffer, start: number, end: number): string | undefined {
  if (end - start !== 8) return undefined
  if (buf[start] !== 0x48 || buf[start + 1] !== 0x54 || buf[start + 2] !== 0x54 || buf[start + 3] !== 0x50 || buf[start + 4] !== 0x2f) return undefined
  const major = buf[start + 5]! - 0x30
  const minor = buf[start + 7]! - 0x30
  if (buf[start + 6] !== 0x2e || major < 0 || major > 9 || minor < 0 || minor > 9) return undefined
  if (major === 0) return undefined
  return major === 1 && minor === 0 ? 'HTTP/1.0' : 'HTTP/1.1'
}

function parseRequestLine(buf: Buffer, start: number, end: number): StartLine {
  let p = start
  while (p < end && TCHAR[buf[p]!]) p++
  if (p === start || !isWs(buf[p])) throw new HeadError('invalid method', p)
  const method = buf.toString('latin1', start, p)
  while (isWs(buf[p])) p++
  const targetStart = p
  while (p < end && URI_CHAR[buf[p]!]) p++
  if (p === targetStart || !isWs(buf[p])) throw new HeadError(p === end ? 'missing HTTP version' : 'invalid character in request target', p)
  const target = buf.toString('latin1', targetStart, p)
  while (isWs(buf[p])) p++
  const version = parseVersion(buf, p, end)
  if (!version) throw new HeadError('invalid HTTP version', p)
  return {a: method, b: target, c: version}
}

function parseStatusLine(buf: Buffer, start: number, end: number): StartLine {
  const version = parseVersion(buf, start, start + 8)
  if (!version || buf[start + 8] !== SP) throw new HeadError('invalid status line', start)
  const s = start + 9
  let status = 0
  for (let i = s; i < s + 3; i++) {
    const d = (buf[i] ?? 0) - 0x30
    if (i >= end || d < 0 || d > 9) throw new HeadError('invalid status code', i)
    status = status * 10 + d
  }
  if (status < 100 || (s + 3 < end && buf[s + 3] !== SP)) throw new HeadError('invalid status code', s)
  const reason = s + 4 <= end ? buf.toString('latin1', s + 4, end) : ''
  return {a: version, b: String(status), c: reason}
}

export interface HeadLimits {
  /** bufsize - maxrewrite. */
  room: number
  maxHeaders: number
}

/**
 * Header lines from `p` up to the empty line that ends at `end`. Used for heads and for chunked trailers.
 * `cost` is the HTX size already used by the start line.
 */
export function parseFields(buf: Buffer, p: number, end: number, limits: HeadLimits, cost: number): RawHeaders {
  const offsets = scratch
  let count = 0
  let kinds = 0
  let folds: number[] | undefined
  for (;;) {
    // The usual line, `name:` OWS value CRLF (or LF), read in one pass: the name through the tchar table, then the
    // value up to its line end. Anything else (the empty line, a fold, an error) goes the byte-exact way below,
    // which reports errors in their order.
    let n = p
    while (TCHAR[buf[n]!] === 1) n++
    let vs = n + 1
    let ve = -1
    let next = -1
    if (n > p && buf[n] === 0x3a) {
      let c = buf[vs]
      while (c === SP || c === HTAB) c = buf[++vs]
      let q = vs
      while (c !== LF && c !== CR && q < end) c = buf[++q]
      if (q < end && (c === LF || buf[q + 1] === LF)) {
        ve = q
        next = c === LF ? q + 1 : q + 2
      }
    }
    if (next < 0) {
      // Byte loops rather than Buffer#indexOf: header lines are short, and each native call costs more than the scan.
      const lf = lineEnd(buf, p, end)
      if (lf >= end) throw new HeadError('unterminated header section', p)
      const ce = contentEnd(buf, p, lf)
      if (ce === p) {
        sectionEnd = lf + 1 // the empty line: end of the section
        break
      }
      const first = buf[p]
      if (first === SP || first === HTAB) {
        // obs-fold: HAProxy keeps it, turning the line break into spaces (RFC 9112 §5.2 allows that for a proxy).
        if (count === 0) throw new HeadError('folded line without a header', p)
        const prevEnd = offsets[(count - 1) * STRIDE + 3]!
        ;(folds ??= []).push(prevEnd)
        let foldEnd = ce
        while (foldEnd > p && isWs(buf[foldEnd - 1])) foldEnd--
        cost += foldEnd - prevEnd
        offsets[(count - 1) * STRIDE + 3] = foldEnd
        p = lf + 1
        continue
      }
      n = p
      while (n < ce && TCHAR[buf[n]!]) n++
      if (n === p || buf[n] !== 0x3a) throw new HeadError('invalid header name', n)
      vs = n + 1
      while (vs < ce && isWs(buf[vs])) vs++
      ve = ce
      next = lf + 1
    }
    while (ve > vs && isWs(buf[ve - 1])) ve--
    if (count + 1 >= limits.maxHeaders) throw new HeadError('too many headers', p)
    const kind = headerKind(buf, p, n)
    kinds |= 1 << kind
    const at = count * STRIDE
    offsets[at] = p
    offsets[at + 1] = n
    offsets[at + 2] = vs
    offsets[at + 3] = ve
    offsets[at + 4] = kind
    count++
    cost += HTX_PER_HEADER + (n - p) + (ve - vs)
    p = next
  }
  if (cost + HTX_END_OF_HEADERS > limits.room - HTX_STRUCT) throw new HeadError('header section too large', p)
  // One array of the exact size per head; the scratch one only grows (to the largest head seen).
  const own = offsets.slice(0, count * STRIDE)
  if (folds) buf = unfold(buf, own, count)
  return new RawHeaders(buf, own, count, kinds)
}

/** Where parseFields collects offsets (never kept: each head gets its own copy). */
const scratch: number[] = []
/** Where the section parseFields last read ends (just past its empty line), for parseHead. */
let sectionEnd = 0

/** Copies the buffer (never mutate the caller's bytes) and blanks CR/LF inside folded values. */
function unfold(buf: Buffer, offsets: readonly number[], count: number): Buffer {
  const copy = Buffer.from(buf)
  for (let i = 0; i < count; i++) {
    for (let k = offsets[i * STRIDE + 2]!; k < offsets[i * STRIDE + 3]!; k++) if (copy[k] === CR || copy[k] === LF) copy[k] = SP
  }
  return copy
}

/** The LF ending the line that starts at p (or end), rejecting a CR not followed by LF on the way: one pass per line. */
function lineEnd(buf: Buffer, p: number, end: number): number {
  for (; p < end; p++) {
    const c = buf[p]
    if (c === LF) return p
    if (c === CR && buf[p + 1] !== LF) throw new HeadError('bare CR', p)
  }
  return end
}

/** Rejects a CR that is not immediately followed by LF anywhere in [start, end). */
export function checkBareCr(buf: Buffer, start: number, end: number): void {
  for (let i = start; i < end; i++) if (buf[i] === CR && buf[i + 1] !== LF) throw new HeadError('bare CR', i)
}

/**
 * Parses the head that starts at `start` and ends with an empty line before `end` (the end of the buffer when the
 * head's end is not known yet: an incomplete head then throws).
 */
export function parseHead(buf: Buffer, start: number, end: number, isRequest: boolean, limits: HeadLimits): ParsedHead {
  const lf = lineEnd(buf, start, end)
  if (lf >= end) throw new HeadError('unterminated head', start)
  const ce = contentEnd(buf, start, lf)
  const line = isRequest ? parseRequestLine(buf, start, ce) : parseStatusLine(buf, start, ce)
  const cost = HTX_START_LINE + line.a.length + line.b.length + line.c.length
  const headers = parseFields(buf, lf + 1, end, limits, cost)
  return {line, headers, end: sectionEnd}
}
