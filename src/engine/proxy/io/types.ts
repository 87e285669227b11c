/**
 * The part of a stream socket the proxy's sessions use. `net.Socket` and `tls.TLSSocket` satisfy it
 * structurally (TLS binds, unix sockets, hostnames); `RawSocket` implements it straight over a libuv TCP
 * handle for the plain-TCP data path, without the stream machinery.
 *
 * Semantics are net.Socket's with `allowHalfOpen: true`: the peer's FIN emits 'end' and our side stays
 * writable; 'close' comes once, after the handle is closed; 'error' comes before it.
 */
export interface ProxySocket {
  on(event: 'data', listener: (chunk: Buffer) => void): this
  on(event: 'error', listener: (error: Error) => void): this
  on(event: 'end' | 'drain' | 'close' | 'finish', listener: () => void): this
  once(event: 'data', listener: (chunk: Buffer) => void): this
  once(event: 'error', listener: (error: Error) => void): this
  once(event: 'end' | 'drain' | 'close' | 'finish', listener: () => void): this
  off(event: 'data', listener: (chunk: Buffer) => void): this
  off(event: 'error', listener: (error: Error) => void): this
  off(event: 'end' | 'drain' | 'close' | 'finish', listener: () => void): this

  /** false once 16 KiB or more wait to be sent; 'drain' follows when they are. */
  write(data: Buffer): boolean
  /** Writes until the matching uncork() are sent together (one writev). */
  cork(): void
  uncork(): void
  /** FIN after the queued writes, then 'finish'. */
  end(): this
  destroy(): this
  /** Closes at once with a reset (RST) instead of a FIN; unsent bytes are dropped. Plain TCP only (net.Socket throws on TLS). */
  resetAndDestroy(): this
  /** Ends, then destroys once the writes are flushed. */
  destroySoon(): void
  readonly destroyed: boolean

  /** Reading stops (the kernel buffer fills, the peer is slowed down) until resume(). */
  pause(): this
  resume(): this
  isPaused(): boolean
  setNoDelay(noDelay?: boolean): this

  readonly remoteAddress?: string | undefined
  readonly remotePort?: number | undefined
  readonly localAddress?: string | undefined
  readonly localPort?: number | undefined
  readonly bytesRead: number
  /** Bytes written, including those still queued. */
  readonly bytesWritten: number
  /** write() returned false and 'drain' has not come yet. */
  readonly writableNeedDrain: boolean
  /** 'end' was emitted. */
  readonly readableEnded: boolean
  /** true on a TLS connection (TLSSocket), absent on plain TCP. */
  readonly encrypted?: boolean
}
