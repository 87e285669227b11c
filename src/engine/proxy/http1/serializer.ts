// Writes heads and chunked framing. One string per head, encoded once: cheaper than many small writes.
import {Buffer} from 'node:buffer'
import type {HeaderList} from './header-list.js'

export interface SerializeOptions {
  /**
   * HAProxy 2.6 sends header names in lowercase on HTTP/1 (unless `h1-case-adjust` says otherwise);
   * 'preserve' keeps the case as received.
   */
  names?: 'preserve' | 'lower'
}

function writeHeaders(out: string, headers: HeaderList, lower: boolean): string {
  for (let i = 0; i < headers.length; i++) {
    const name = headers.name(i)
    out += (lower ? name.toLowerCase() : name) + ': ' + headers.value(i) + '\r\n'
  }
  return out + '\r\n'
}

export function serializeRequestHead(line: {method: string; target: string; version: string}, headers: HeaderList, options: SerializeOptions = {}): Buffer {
  const out = writeHeaders(`${line.method} ${line.target} ${line.version}\r\n`, headers, options.names === 'lower')
  return Buffer.from(out, 'latin1')
}

export function serializeResponseHead(line: {version: string; status: number; reason: string}, headers: HeaderList, options: SerializeOptions = {}): Buffer {
  const out = writeHeaders(`${line.version} ${line.status} ${line.reason}\r\n`, headers, options.names === 'lower')
  return Buffer.from(out, 'latin1')
}

const CRLF = Buffer.from('\r\n')
/** The last chunk with no trailers. */
export const LAST_CHUNK = Buffer.from('0\r\n\r\n')

/** One chunk as [size line, data, CRLF] for a writev-style write (no copy of the data); empty data gives nothing. */
export function encodeChunk(data: Buffer): Buffer[] {
  if (data.length === 0) return []
  return [Buffer.from(data.length.toString(16) + '\r\n', 'latin1'), data, CRLF]
}

/** The last chunk followed by trailer fields. */
export function encodeLastChunk(trailers?: HeaderList, options: SerializeOptions = {}): Buffer {
  if (!trailers || trailers.length === 0) return LAST_CHUNK
  return Buffer.from(writeHeaders('0\r\n', trailers, options.names === 'lower'), 'latin1')
}
