/**
 * Header lines as byte ranges into the head's buffer: nothing is turned into a string until asked.
 * Offsets live in one Int32Array: [nameStart, nameEnd, valueStart, valueEnd] per header.
 */
export class RawHeaders {
  private names: (string | undefined)[] = []
  private values: (string | undefined)[] = []

  constructor(
    readonly buffer: Buffer,
    private readonly offsets: Int32Array,
    readonly length: number,
  ) {}

  name(i: number): string {
    return (this.names[i] ??= this.buffer.toString('latin1', this.offsets[i * 4], this.offsets[i * 4 + 1]))
  }

  value(i: number): string {
    return (this.values[i] ??= this.buffer.toString('latin1', this.offsets[i * 4 + 2], this.offsets[i * 4 + 3]))
  }

  /** Case-insensitive comparison of header i's name with a lowercase ASCII name, without decoding it. */
  nameIs(i: number, lower: string): boolean {
    const start = this.offsets[i * 4] ?? 0
    const end = this.offsets[i * 4 + 1] ?? 0
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
    return [this.offsets[i * 4 + 2] ?? 0, this.offsets[i * 4 + 3] ?? 0]
  }

  /** Bytes `name: value\r\n` of header i takes on the wire. */
  lineLength(i: number): number {
    const o = this.offsets
    return o[i * 4 + 1]! - o[i * 4]! + o[i * 4 + 3]! - o[i * 4 + 2]! + 4
  }

  /** Writes header i as `name: value\r\n` into out at pos, the name in lowercase (as HAProxy sends it); returns the end. */
  writeLine(i: number, out: Buffer, pos: number): number {
    const o = this.offsets
    const buf = this.buffer
    for (let k = o[i * 4]!, end = o[i * 4 + 1]!; k < end; k++) {
      const c = buf[k]!
      out[pos++] = c >= 0x41 && c <= 0x5a ? c | 0x20 : c
    }
    out[pos++] = 0x3a
    out[pos++] = 0x20
    pos += buf.copy(out, pos, o[i * 4 + 2]!, o[i * 4 + 3]!)
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
