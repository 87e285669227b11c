/**
 * HAProxy 2.6 counts an HTTP stream's bytes (%B, %U) in its internal HTX form, not on the wire: the
 * start line is its three parts plus a 20-byte block header, each header is its name plus its trimmed
 * value (the Connection header is consumed by the H1 layer and not counted), the end of headers and
 * the end of a chunked body's trailers are one byte each, and a body is its data without chunk framing.
 * Measured against haproxy 2.6.12 (test/engine/proxy/log-tarpit-badreq-compare-haproxy.test.ts).
 */
import type {RawHeaders} from '../http1/raw-headers.js'

const START_LINE_BLOCK = 20
const END_OF_HEADERS = 1
/** The end-of-trailers block a chunked body ends with. */
export const END_OF_TRAILERS = 1

/** Headers (or trailers) as HTX blocks. */
export function htxHeadersSize(headers: RawHeaders): number {
  let size = 0
  for (let i = 0; i < headers.length; i++) if (!headers.nameIs(i, 'connection')) size += headers.lineLength(i) - 4
  return size
}

/** A parsed head: its start line's three parts (their lengths summed) and its headers. */
export function htxHeadSize(startLineParts: number, headers: RawHeaders): number {
  return START_LINE_BLOCK + startLineParts + htxHeadersSize(headers) + END_OF_HEADERS
}

const CR = 0x0d
const COLON = 0x3a

/**
 * A whole message the engine rendered itself (a local reply, a stats page: head and a Content-Length
 * or chunked body), as HTX.
 */
export function htxMessageSize(data: Buffer): number {
  const headEnd = data.indexOf('\r\n\r\n', 0, 'latin1')
  if (headEnd < 0) return data.length
  let lineEnd = data.indexOf(CR)
  // The status line's parts: the line without its two separating spaces.
  let size = START_LINE_BLOCK + Math.max(0, lineEnd - 2) + END_OF_HEADERS
  let chunked = false
  while (lineEnd < headEnd) {
    const start = lineEnd + 2
    lineEnd = data.indexOf(CR, start)
    const colon = data.indexOf(COLON, start)
    if (colon < 0 || colon > lineEnd) continue
    const name = colon - start === 10 || colon - start === 17 ? data.toString('latin1', start, colon).toLowerCase() : ''
    if (name === 'connection') continue
    let valueStart = colon + 1
    let valueEnd = lineEnd
    while (valueStart < valueEnd && (data[valueStart] === 0x20 || data[valueStart] === 0x09)) valueStart++
    while (valueEnd > valueStart && (data[valueEnd - 1] === 0x20 || data[valueEnd - 1] === 0x09)) valueEnd--
    if (name === 'transfer-encoding' && data.toString('latin1', valueStart, valueEnd).toLowerCase() === 'chunked') chunked = true
    size += colon - start + valueEnd - valueStart
  }
  return size + (chunked ? chunkedDataSize(data, headEnd + 4) + END_OF_TRAILERS : data.length - headEnd - 4)
}

/** The data of a chunked body (no trailers expected: the engine writes none in its own answers). */
function chunkedDataSize(data: Buffer, from: number): number {
  let total = 0
  for (let at = from; at < data.length; ) {
    const lineEnd = data.indexOf(CR, at)
    if (lineEnd < 0) break
    const size = parseInt(data.toString('latin1', at, lineEnd), 16)
    if (!(size > 0)) break
    total += size
    at = lineEnd + 2 + size + 2
  }
  return total
}
