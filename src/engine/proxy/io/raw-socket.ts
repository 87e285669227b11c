/**
 * A TCP connection straight over its libuv handle: what net.Socket does for the proxy, without the
 * Readable/Writable machinery in between (about 4 µs per keep-alive request and 60 µs per connection
 * pair less on a loopback benchmark). Reads go to 'data' as they come. Writes are held until the end of
 * the event-loop turn (turn.ts), then each socket's writes go out in one write/writev. cork() gathers writes
 * the same way across turns. Half-open like net.Socket with `allowHalfOpen: true`: the peer's FIN emits
 * 'end' and this side stays writable until end().
 */
// The global Buffer is a getter on Node 20 (a call on every use); the import is a plain binding.
import {Buffer} from 'node:buffer'
import {
  type AddressOut,
  kLastWriteWasAsync,
  kReadBytesOrError,
  type ShutdownReq,
  ShutdownWrap,
  streamBaseState,
  type TcpHandle,
  UV_ENOTCONN,
  UV_EOF,
  uvError,
  type WriteReq,
  WriteWrap,
} from './binding.js'
import {SocketEvents} from './socket-events.js'
import {atEndOfTurn, type EndOfTurn} from './turn.js'
import type {ProxySocket} from './types.js'

/** net.Socket's default writableHighWaterMark: write() returns false from this many bytes queued. */
export const HIGH_WATER_MARK = 16 * 1024

/**
 * Every socket reads into this one buffer (libuv's suggested read size), and each read is copied out at
 * once, into a small pooled Buffer for a small read. Node's default allocates a 64 KiB backing store per
 * read and then shrinks it. Sharing is safe: libuv runs a read's allocation, read(2) and callback in one go
 * on this thread, and nothing keeps the buffer past the callback.
 */
const readBuffer = Buffer.allocUnsafeSlow(64 * 1024)

let spareWriteReq: WriteReq | undefined

export class RawSocket extends SocketEvents implements ProxySocket, EndOfTurn {
  destroyed = false
  readableEnded = false
  writableNeedDrain = false
  private reading = false
  private paused = true
  /** end() was called: no more writes, FIN once the queue is sent. */
  private ending = false
  private shutdownSent = false
  /** The FIN went out ('finish' emitted). */
  private finished = false
  private destroyOnFinish = false
  /** resetAndDestroy(): the handle closes with a reset (SO_LINGER 0) instead of a FIN. */
  private reset = false
  private corks = 0
  /** Its writes wait for the end of this event-loop turn (one cork held until endOfTurn). */
  private heldForTurn = false
  private corked: Buffer[] = []
  private corkedBytes = 0
  /** Bytes handed to libuv and not yet sent. */
  private queuedBytes = 0
  /** The handle's counters, kept when it is closed. */
  private handleClosed = false
  private closedRead = 0
  private closedWritten = 0
  private peer: AddressOut | undefined
  private local: AddressOut | undefined

  /**
   * Starts paused: nothing is read before resume(). `local`: the address of an accepted connection when the
   * listener knows it (bound to one address), which spares a getsockname per connection.
   */
  /**
   * `noDelay`: TCP_NODELAY is already set (Linux passes it from the listening socket to accepted ones),
   * so setNoDelay(true) costs no system call.
   */
  constructor(
    private readonly handle: TcpHandle,
    local?: AddressOut,
    private noDelay = false,
  ) {
    super()
    this.local = local
    handle.owner = this
    handle.onread = onRead
    handle.useUserBuffer(readBuffer)
  }

  get remoteAddress(): string | undefined {
    return this.peerAddress().address
  }
  get remotePort(): number | undefined {
    return this.peerAddress().port
  }
  get localAddress(): string | undefined {
    return this.localAddressOut().address
  }
  get localPort(): number | undefined {
    return this.localAddressOut().port
  }
  get bytesRead(): number {
    return this.handleClosed ? this.closedRead : this.handle.bytesRead
  }
  get bytesWritten(): number {
    return (this.handleClosed ? this.closedWritten : this.handle.bytesWritten) + this.corkedBytes
  }

  setNoDelay(noDelay = true): this {
    if (!this.destroyed && noDelay !== this.noDelay) {
      this.noDelay = noDelay
      this.handle.setNoDelay(noDelay)
    }
    return this
  }

  pause(): this {
    this.paused = true
    if (this.reading) {
      this.reading = false
      this.handle.readStop()
    }
    return this
  }

  resume(): this {
    this.paused = false
    if (!this.reading && !this.readableEnded && !this.destroyed) {
      this.reading = true
      const error = this.handle.readStart()
      if (error < 0) this.destroy(uvError(error, 'read'))
    }
    return this
  }

  isPaused(): boolean {
    return this.paused
  }

  write(data: Buffer): boolean {
    if (this.destroyed || this.ending) return false
    if (!this.heldForTurn) this.holdForTurn()
    if (data.length > 0) {
      this.corked.push(data)
      this.corkedBytes += data.length
    }
    if (this.queuedBytes + this.corkedBytes < HIGH_WATER_MARK) return true
    this.writableNeedDrain = true
    return false
  }

  cork(): void {
    this.corks++
  }

  uncork(): void {
    if (this.corks === 0 || --this.corks > 0) return
    this.flushCorked()
  }

  end(): this {
    if (this.ending || this.destroyed) return this
    this.ending = true
    // Held writes and the FIN go out together at the end of the turn.
    if (!this.heldForTurn) this.holdForTurn()
    return this
  }

  private holdForTurn(): void {
    this.corks++
    this.heldForTurn = true
    atEndOfTurn(this)
  }

  /** Called once per turn for each socket that wrote in it. */
  endOfTurn(): void {
    this.heldForTurn = false
    if (this.destroyed) return this.closeHandle()
    if (this.ending) this.flushAndShutdown()
    else this.uncork()
  }

  private flushAndShutdown(): void {
    this.corks = 0
    this.flushCorked()
    if (this.queuedBytes > 0 || this.destroyed) return
    // Closing anyway and everything sent: close(2) sends the FIN after the data, as HAProxy's shutdown + close
    // do; no shutdown request and no callback for it.
    if (this.destroyOnFinish) this.closeNow()
    else this.shutdown()
  }

  destroySoon(): void {
    if (this.finished) {
      this.destroy()
      return
    }
    this.destroyOnFinish = true
    this.end()
  }

  private closeNow(): void {
    this.markDestroyed()
    this.closeHandle()
  }

  /** Nothing more is read or written from now on; the handle closes in closeHandle. */
  private markDestroyed(): void {
    this.destroyed = true
    this.reading = false
    this.handle.onread = ignoreRead
  }

  destroy(error?: Error): this {
    if (this.destroyed) return this
    this.markDestroyed()
    // A graceful close still sends what was written; an error discards it.
    if (error !== undefined) {
      this.corked = []
      this.corkedBytes = 0
    }
    if (!this.heldForTurn) {
      this.heldForTurn = true
      atEndOfTurn(this)
    }
    if (error) process.nextTick(emitError, this, error)
    return this
  }

  /**
   * Closes with a reset (RST), dropping anything not sent, as HAProxy closes the server connections it does not
   * keep (SO_LINGER 0): one packet instead of the FIN exchange, and no TIME_WAIT socket left behind.
   */
  resetAndDestroy(): this {
    if (this.destroyed) return this
    this.reset = true
    this.corked = []
    this.corkedBytes = 0
    this.markDestroyed()
    if (!this.heldForTurn) {
      this.heldForTurn = true
      atEndOfTurn(this)
    }
    return this
  }

  /** The handle closes at the end of the turn, like writes go: the FINs of a burst wake the peer once. */
  private closeHandle(): void {
    const chunks = this.corked
    if (chunks.length > 0) {
      const bytes = this.corkedBytes
      this.corked = []
      this.corkedBytes = 0
      // A failure changes nothing now: the socket is closing anyway.
      this.writeOut(chunks, bytes)
    }
    // Counters (and addresses read before) stay known after close: logs are written then.
    this.handleClosed = true
    this.closedRead = this.handle.bytesRead
    this.closedWritten = this.handle.bytesWritten
    // The descriptor is closed now (libuv's callback would only add a call into JavaScript per socket).
    // libuv refuses a reset once a shutdown was requested: that socket just closes.
    if (!this.reset || this.shutdownSent || this.handle.reset() !== 0) this.handle.close()
    // Already a turn after destroy(), and after any 'error' (a tick): no tick of its own needed.
    this.emit('close')
  }

  // ── internals ──

  onRead(): void {
    const n = streamBaseState[kReadBytesOrError]!
    if (n > 0) {
      if (this.destroyed) return
      const chunk = Buffer.allocUnsafe(n)
      readBuffer.copy(chunk, 0, 0, n)
      this.emit('data', chunk)
      return
    }
    if (n === 0) return
    if (n !== UV_EOF) {
      this.destroy(uvError(n, 'read'))
      return
    }
    this.reading = false
    this.handle.readStop()
    this.readableEnded = true
    this.emit('end')
    if (this.finished) this.destroy()
  }

  /** Hands the chunks to libuv as one write (or writev); libuv's error, 0 when sent or queued. */
  private writeOut(chunks: Buffer[], bytes: number): number {
    const req = this.writeReq()
    const one = chunks.length === 1 ? chunks[0]! : undefined
    const error = one !== undefined ? this.handle.writeBuffer(req, one) : this.handle.writev(req, chunks, true)
    if (error === 0) this.queued(req, one ?? chunks, bytes)
    return error
  }

  private flushCorked(): void {
    const chunks = this.corked
    if (chunks.length === 0) return
    const bytes = this.corkedBytes
    this.corked = []
    this.corkedBytes = 0
    if (this.destroyed) return
    const error = this.writeOut(chunks, bytes)
    if (error !== 0) {
      this.destroy(uvError(error, 'write'))
      return
    }
    // Everything went out at once, yet write() said false while the bytes were corked.
    if (this.queuedBytes === 0 && this.writableNeedDrain) process.nextTick(emitDrain, this)
  }

  /**
   * A write request: the spare one unless libuv kept it. Node attaches nothing to the request object of a write
   * that went out at once, so one object serves every such write (one allocation less per write).
   */
  private writeReq(): WriteReq {
    const req = spareWriteReq ?? new WriteWrap()
    spareWriteReq = undefined
    req.handle = this.handle
    req.oncomplete = afterWrite
    req.async = false
    req.owner = this
    return req
  }

  /** After a write was handed to libuv: when it could not be sent at once, it stays queued until oncomplete. */
  private queued(req: WriteReq, data: Buffer | Buffer[], bytes: number): void {
    if (streamBaseState[kLastWriteWasAsync] === 0) {
      req.owner = null
      spareWriteReq = req
      return
    }
    req.async = true
    req.buffer = data
    req.bytes = bytes
    this.queuedBytes += bytes
  }

  writeDone(req: WriteReq, status: number): void {
    if (this.destroyed) return
    this.queuedBytes -= req.bytes
    if (status < 0) {
      this.destroy(uvError(status, 'write'))
      return
    }
    if (this.queuedBytes > 0) return
    if (this.ending && !this.heldForTurn) this.shutdown()
    if (this.writableNeedDrain) emitDrain(this)
  }

  private shutdown(): void {
    if (this.shutdownSent || this.destroyed) return
    this.shutdownSent = true
    const req = new ShutdownWrap()
    req.handle = this.handle
    req.oncomplete = afterShutdown
    req.owner = this
    const error = this.handle.shutdown(req)
    // 1: done at once; ENOTCONN: the connection is gone already (net treats both as finished).
    if (error === 1 || error === UV_ENOTCONN) process.nextTick(finishNT, this)
    else if (error < 0) this.destroy(uvError(error, 'shutdown'))
  }

  finish(): void {
    if (this.destroyed || this.finished) return
    this.finished = true
    this.emit('finish')
    if (this.destroyOnFinish || this.readableEnded) this.destroy()
  }

  private peerAddress(): AddressOut {
    if (!this.peer) {
      const out: AddressOut = {}
      if (!this.destroyed && this.handle.getpeername(out) === 0) this.peer = out
      else return out
    }
    return this.peer
  }

  private localAddressOut(): AddressOut {
    if (!this.local) {
      const out: AddressOut = {}
      if (!this.destroyed && this.handle.getsockname(out) === 0) this.local = out
      else return out
    }
    return this.local
  }
}

// Shared callbacks (no closure per socket or per write): libuv calls them with the handle or request as `this`.
function onRead(this: TcpHandle): void {
  ;(this.owner as RawSocket).onRead()
}

function ignoreRead(): void {}

function afterWrite(this: WriteReq, status: number): void {
  ;(this.owner as RawSocket).writeDone(this, status)
}

function afterShutdown(this: ShutdownReq): void {
  // Like net: the FIN is done whatever the status (a reset connection reports its error on read).
  ;(this.owner as RawSocket).finish()
}

function finishNT(socket: RawSocket): void {
  socket.finish()
}

function emitDrain(socket: RawSocket): void {
  if (socket.destroyed || !socket.writableNeedDrain) return
  socket.writableNeedDrain = false
  socket.emit('drain')
}

function emitError(socket: RawSocket, error: Error): void {
  // A session always listens for errors; EventEmitter would throw without a listener.
  if (socket.listenerCount('error') > 0) socket.emit('error', error)
}
