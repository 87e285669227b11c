// Writes a head straight from the received bytes: the hot path when no rule edited it. Header lines
// are copied (names lowercased) except the ones dropped; the hop's own lines are appended. No header
// is decoded into a string, and the whole head is one buffer.
import type {RawHeaders} from './raw-headers.js'

/**
 * `keep(i)` says whether received header i goes out; `connectionAt`/`connection` put a rewritten
 * Connection line where the first one was; `tail` holds complete extra lines (`name: value\r\n`).
 */
export function writeRawHead(startLine: string, raw: RawHeaders, keep: (i: number) => boolean, tail: string, connectionAt = -1, connection = ''): Buffer {
  const connectionLine = connectionAt >= 0 && connection !== '' ? `connection: ${connection}\r\n` : ''
  let size = startLine.length + 2 + tail.length + 2 + connectionLine.length
  for (let i = 0; i < raw.length; i++) if (keep(i)) size += raw.lineLength(i)
  const out = Buffer.allocUnsafe(size)
  let pos = out.write(startLine, 0, 'latin1')
  out[pos++] = 0x0d
  out[pos++] = 0x0a
  for (let i = 0; i < raw.length; i++) {
    if (i === connectionAt && connectionLine !== '') pos += out.write(connectionLine, pos, 'latin1')
    if (keep(i)) pos = raw.writeLine(i, out, pos)
  }
  pos += out.write(tail, pos, 'latin1')
  out[pos++] = 0x0d
  out[pos++] = 0x0a
  return out
}
