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

  /** [name, value] pairs, decoded. */
  toArray(): [string, string][] {
    const out: [string, string][] = []
    for (let i = 0; i < this.length; i++) out.push([this.name(i), this.value(i)])
    return out
  }
}
