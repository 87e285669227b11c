/**
 * Header lines as byte ranges into the head's buffer: nothing is turned into a string until asked.
 * Offsets live in one plain array (small integers, no ArrayBuffer to allocate per head), five slots
 * per header: [nameStart, nameEnd, valueStart, valueEnd, kind]. `kind` names the headers HTTP/1
 * framing and forwarding look at, recognised once while parsing.
 */
export const HeaderKind = {
  other: 0,
  host: 1,
  expect: 2,
  upgrade: 3,
  connection: 4,
  contentLength: 5,
  transferEncoding: 6,
  websocketKey: 7,
} as const

/** Slots per header in the offsets array. */
export const STRIDE = 5

/** The kind of the header name in buf[start, end) (any case). */
export function headerKind(buf: Buffer, start: number, end: number): number {
  switch (end - start) {
    case 4:
      return isLower(buf, start, 'host') ? HeaderKind.host : HeaderKind.other
    case 6:
      return isLower(buf, start, 'expect') ? HeaderKind.expect : HeaderKind.other
    case 7:
      return isLower(buf, start, 'upgrade') ? HeaderKind.upgrade : HeaderKind.other
    case 10:
      return isLower(buf, start, 'connection') ? HeaderKind.connection : HeaderKind.other
    case 14:
      return isLower(buf, start, 'content-length') ? HeaderKind.contentLength : HeaderKind.other
    case 17:
      return isLower(buf, start, 'transfer-encoding') ? HeaderKind.transferEncoding : isLower(buf, start, 'sec-websocket-key') ? HeaderKind.websocketKey : HeaderKind.other
    default:
      return HeaderKind.other
  }
}

/** Whether the bytes at `start` spell `lower` (lowercase ASCII) in any case. */
export function isLower(buf: Buffer, start: number, lower: string): boolean {
  for (let k = 0; k < lower.length; k++) {
    const c = buf[start + k]!
    if ((c >= 0x41 && c <= 0x5a ? c | 0x20 : c) !== lower.charCodeAt(k)) return false
  }
  return true
}

export class RawHeaders {
  private names: (string | undefined)[] | undefined = undefined
  private values: (string | undefined)[] | undefined = undefined

  constructor(
    readonly buffer: Buffer,
    private readonly offsets: readonly number[],
    readonly length: number,
    /** Bit (1 << kind) set for each kind present. */
    readonly kinds: number = 0,
  ) {}

  name(i: number): string {
    const names = (this.names ??= [])
    return (names[i] ??= this.buffer.toString('latin1', this.offsets[i * STRIDE], this.offsets[i * STRIDE + 1]))
  }

  value(i: number): string {
    const values = (this.values ??= [])
    return (values[i] ??= this.buffer.toString('latin1', this.offsets[i * STRIDE + 2], this.offsets[i * STRIDE + 3]))
  }

  kind(i: number): number {
    return this.offsets[i * STRIDE + 4]!
  }

  has(kind: number): boolean {
    return (this.kinds & (1 << kind)) !== 0
  }

  /** Case-insensitive comparison of header i's name with a lowercase ASCII name, without decoding it. */
  nameIs(i: number, lower: string): boolean {
    const start = this.offsets[i * STRIDE] ?? 0
    const end = this.offsets[i * STRIDE + 1] ?? 0
    if (end - start !== lower.length) return false
    for (let k = 0; k < lower.length; k++) if ((this.buffer[start + k]! | 0x20) !== lower.charCodeAt(k)) return false
    return true
  }

  /** First value of a header (lowercase name), or undefined. */
  get(lower: string): string | undefined {
    for (let i = 0; i < this.length; i++) if (this.nameIs(i, lower)) return this.value(i)
    return undefined
  }

  /** Raw byte range of value i, for callers that compare bytes instead of strings. */
  valueRange(i: number): [start: number, end: number] {
    return [this.offsets[i * STRIDE + 2] ?? 0, this.offsets[i * STRIDE + 3] ?? 0]
  }

  valueStart(i: number): number {
    return this.offsets[i * STRIDE + 2]!
  }

  valueEnd(i: number): number {
    return this.offsets[i * STRIDE + 3]!
  }

  /** Bytes `name: value\r\n` of header i takes on the wire. */
  lineLength(i: number): number {
    const o = this.offsets
    const at = i * STRIDE
    return o[at + 1]! - o[at]! + o[at + 3]! - o[at + 2]! + 4
  }

  /** Writes header i as `name: value\r\n` into out at pos, the name in lowercase (as HAProxy sends it); returns the end. */
  writeLine(i: number, out: Buffer, pos: number): number {
    const o = this.offsets
    const buf = this.buffer
    const at = i * STRIDE
    for (let k = o[at]!, end = o[at + 1]!; k < end; k++) {
      const c = buf[k]!
      out[pos++] = c >= 0x41 && c <= 0x5a ? c | 0x20 : c
    }
    out[pos++] = 0x3a
    out[pos++] = 0x20
    const vs = o[at + 2]!
    const ve = o[at + 3]!
    // A byte loop beats Buffer#copy's call overhead for the short values most headers have.
    if (ve - vs > 64) pos += buf.copy(out, pos, vs, ve)
    else for (let k = vs; k < ve; k++) out[pos++] = buf[k]!
    out[pos++] = 0x0d
    out[pos++] = 0x0a
    return pos
  }

  /** [name, value] pairs, decoded. */
  toArray(): [string, string][] {
    const out: [string, string][] = []
    for (let i = 0; i < this.length; i++) out.push([this.name(i), this.value(i)])
    return out
  }
}
