// Incremental reader of the classic pcap format (what `tcpdump -w -` writes): a 24-byte global header,
// then records of a 16-byte header and the captured bytes. Chunks may split anywhere.

/** Link-layer header types (https://www.tcpdump.org/linktypes.html) the sniffer understands. */
export const LINKTYPE = {ethernet: 1, raw: 101, linuxSll: 113, ipv4: 228, ipv6: 229, linuxSll2: 276} as const

export interface PcapHeader {
  linkType: number
  snapLength: number
  /** Record timestamps carry nanoseconds (magic 0xa1b23c4d) instead of microseconds. */
  nanoseconds: boolean
}

export interface PcapRecord {
  /** Capture time, epoch milliseconds with the sub-millisecond part as a fraction. */
  at: number
  /** Length on the wire; `data` may be shorter when the snap length cut it. */
  originalLength: number
  data: Uint8Array
}

const MAGIC_MICRO = 0xa1b2c3d4
const MAGIC_NANO = 0xa1b23c4d
const GLOBAL_HEADER = 24
const RECORD_HEADER = 16
/** Above any snap length tcpdump uses: a bigger record length means the stream is corrupt. */
const MAX_RECORD = 1 << 20

export class PcapFormatError extends Error {}

/**
 * Feed it chunks; it returns the records completed by each chunk. The global header comes first
 * (`header` is set once it has been read). Throws PcapFormatError on a stream that is not pcap.
 */
export class PcapStreamParser {
  header: PcapHeader | undefined
  private pending: Buffer = Buffer.alloc(0)
  private littleEndian = true

  push(chunk: Uint8Array): PcapRecord[] {
    this.pending = this.pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.pending, chunk])
    const records: PcapRecord[] = []
    let offset = 0
    if (!this.header) {
      if (this.pending.length < GLOBAL_HEADER) return records
      this.header = this.readGlobalHeader(this.pending)
      offset = GLOBAL_HEADER
    }
    const u32 = (at: number) => (this.littleEndian ? this.pending.readUInt32LE(at) : this.pending.readUInt32BE(at))
    while (this.pending.length - offset >= RECORD_HEADER) {
      const included = u32(offset + 8)
      if (included > MAX_RECORD) throw new PcapFormatError(`pcap record of ${included} bytes: the stream is corrupt`)
      if (this.pending.length - offset - RECORD_HEADER < included) break
      const seconds = u32(offset)
      const fraction = u32(offset + 4)
      const at = seconds * 1000 + (this.header.nanoseconds ? fraction / 1e6 : fraction / 1e3)
      const start = offset + RECORD_HEADER
      records.push({at, originalLength: u32(offset + 12), data: Uint8Array.prototype.slice.call(this.pending, start, start + included)})
      offset = start + included
    }
    this.pending = this.pending.subarray(offset)
    return records
  }

  private readGlobalHeader(buffer: Buffer): PcapHeader {
    const little = buffer.readUInt32LE(0)
    const big = buffer.readUInt32BE(0)
    let nanoseconds: boolean
    if (little === MAGIC_MICRO || little === MAGIC_NANO) {
      this.littleEndian = true
      nanoseconds = little === MAGIC_NANO
    } else if (big === MAGIC_MICRO || big === MAGIC_NANO) {
      this.littleEndian = false
      nanoseconds = big === MAGIC_NANO
    } else throw new PcapFormatError(`not a pcap stream (magic 0x${little.toString(16).padStart(8, '0')})`)
    const u32 = (at: number) => (this.littleEndian ? buffer.readUInt32LE(at) : buffer.readUInt32BE(at))
    // The link type shares its 32 bits with FCS flags in the top bits (pcap-savefile(5)).
    return {snapLength: u32(16), linkType: u32(20) & 0x0fffffff, nanoseconds}
  }
}
