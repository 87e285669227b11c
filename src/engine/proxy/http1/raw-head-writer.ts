// Writes a head straight from the received bytes: the hot path when no rule edited it. Header lines
// are copied (names lowercased) except the ones dropped; the hop's own lines are appended. No header
// is decoded into a string, and the whole head is one buffer.
import {Buffer} from 'node:buffer'
import type {RawHeaders} from './raw-headers.js'

/**
 * The start line is `first second third` (given in parts: no joined string to build and flatten).
 * `drop` is a mask of header kinds (1 << HeaderKind) not sent; `connectionAt`/`connection` put a
 * rewritten Connection line where the first one was; `tail` holds complete extra lines (`name: value\r\n`).
 */
export function writeRawHead(first: string, second: string, third: string, raw: RawHeaders, drop: number, tail: string, connectionAt = -1, connection = ''): Buffer {
  const connectionLine = connectionAt >= 0 && connection !== '' ? `connection: ${connection}\r\n` : ''
  const dropAny = (raw.kinds & drop) !== 0
  let size = first.length + second.length + third.length + 4 + tail.length + 2 + connectionLine.length
  for (let i = 0; i < raw.length; i++) if (!dropAny || ((1 << raw.kind(i)) & drop) === 0) size += raw.lineLength(i)
  const out = Buffer.allocUnsafe(size)
  let pos = putLatin1(out, 0, first)
  out[pos++] = 0x20
  pos = putLatin1(out, pos, second)
  out[pos++] = 0x20
  pos = putLatin1(out, pos, third)
  out[pos++] = 0x0d
  out[pos++] = 0x0a
  for (let i = 0; i < raw.length; i++) {
    if (i === connectionAt && connectionLine !== '') pos += out.write(connectionLine, pos, 'latin1')
    if (!dropAny || ((1 << raw.kind(i)) & drop) === 0) pos = raw.writeLine(i, out, pos)
  }
  // Built by concatenation, these are often V8 cons strings: charCodeAt on one goes to the runtime for every
  // character (about 130 instructions each), where one native write flattens it once.
  if (tail !== '') pos += out.write(tail, pos, 'latin1')
  out[pos++] = 0x0d
  out[pos++] = 0x0a
  return out
}

/**
 * Writes a latin1 string at pos and returns the end: a char loop for short strings (cheaper than the native call).
 * Only for flat strings (slices of the received head, literals, number strings).
 */
function putLatin1(out: Buffer, pos: number, text: string): number {
  const n = text.length
  if (n > 64) return pos + out.write(text, pos, 'latin1')
  for (let k = 0; k < n; k++) out[pos++] = text.charCodeAt(k)
  return pos
}
