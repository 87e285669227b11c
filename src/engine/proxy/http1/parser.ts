// Incremental HTTP/1.x parser: feed() takes buffers split anywhere, events go to a callback sink.
// Heads are located by a byte scan and parsed in place when they arrive whole (the usual case);
// only a head split across reads is copied. Body bytes are handed out as slices of the input.
import {Buffer} from 'node:buffer'
import {CR, HEX_VALUE, HTAB, LF, SP} from './chars.js'
import {HeadError, checkBareCr, parseFields, parseHead, type HeadLimits, type ParsedHead} from './head-parser.js'
import {absoluteAuthority, newFraming, readFraming} from './semantics.js'
import {DEFAULT_LIMITS, type Http1Limits, type Http1Sink, type RequestHead, type ResponseHead} from './types.js'

const enum State {
  Head,
  Length,
  ChunkSize,
  ChunkData,
  ChunkDataEnd,
  Trailers,
  UntilClose,
  /** After an upgrade or CONNECT request: bytes are held until upgradeAccepted/upgradeRefused. */
  Held,
  Tunnel,
  Failed,
}



export interface Http1Parser {
  feed(chunk: Buffer): void
  /** The peer closed: ends a read-until-close body, reports a truncated message. */
  finish(): void
  /** Bytes consumed so far. */
  readonly offset: number
}

export interface RequestParser extends Http1Parser {
  /** The server switched protocols for the held upgrade/CONNECT request: held and later bytes become tunnel data. */
  upgradeAccepted(): void
  /** The server refused the upgrade: parse the held bytes as the next request. */
  upgradeRefused(): void
}

export interface ResponseParser extends Http1Parser {
  /** Method of the request the next final response answers (HEAD and CONNECT change the framing). Queue, in order. */
  expect(method: string): void
}

abstract class Base<H> {
  protected state = State.Head
  protected remaining = 0
  /** A head, chunk-size line or trailer section split across reads. */
  protected partial: Buffer | undefined
  protected scanned = 0
  protected consumed = 0
  protected readonly room: HeadLimits
  /** What readFraming fills for each head (one object per connection, not per message). */
  protected readonly framing = newFraming()

  constructor(
    protected readonly sink: Http1Sink<H>,
    protected readonly limits: Http1Limits,
  ) {
    this.room = {room: limits.bufsize - limits.maxrewrite, maxHeaders: limits.maxHeaders}
  }

  get offset(): number {
    return this.consumed
  }

  protected abstract errorStatus: number
  protected abstract readonly requests: boolean
  /** The head in [start, end); `parsed` when it was already parsed where it lies. */
  protected abstract onHeadBytes(buf: Buffer, start: number, end: number, parsed?: ParsedHead): void
  protected abstract onHeld(chunk: Buffer): void

  feed(chunk: Buffer): void {
    let buf = chunk
    let pos = 0
    if (this.partial) {
      buf = Buffer.concat([this.partial, chunk])
      pos = 0
      this.consumed -= this.partial.length
      this.partial = undefined
    }
    try {
      while (pos < buf.length) {
        const next = this.step(buf, pos)
        if (next < 0) return
        this.consumed += next - pos
        pos = next
      }
    } catch (e) {
      if (!(e instanceof HeadError)) throw e
      this.fail(e.reason)
    }
  }

  finish(): void {
    switch (this.state) {
      case State.UntilClose:
        this.state = State.Head
        this.sink.onMessageEnd()
        return
      case State.Head:
        if (this.partial && !isBlank(this.partial)) this.fail('truncated head')
        return
      case State.Tunnel:
      case State.Held:
      case State.Failed:
        return
      default:
        this.fail('truncated body')
    }
  }

  protected fail(reason: string): void {
    if (this.state === State.Failed) return
    this.state = State.Failed
    this.partial = undefined
    this.sink.onError({status: this.errorStatus, reason, offset: this.consumed})
  }

  /** Keeps the unconsumed tail for the next feed and stops this one. */
  private keep(buf: Buffer, pos: number): number {
    const rest = buf.subarray(pos)
    if (rest.length > this.limits.bufsize) throw new HeadError(this.state === State.Head ? 'header section too large' : 'line too long', pos)
    this.partial = rest
    this.consumed += rest.length
    return -1
  }

  private wholeHead(buf: Buffer, pos: number): ParsedHead | undefined {
    try {
      return parseHead(buf, pos, buf.length, this.requests, this.room)
    } catch (e) {
      if (e instanceof HeadError) return undefined
      throw e
    }
  }

  /** Consumes what it can from buf at pos; returns the new position, or -1 after keeping a partial tail. */
  private step(buf: Buffer, pos: number): number {
    switch (this.state) {
      case State.Head: {
        if (this.scanned === 0) {
          // RFC 9112 §2.2: ignore empty lines before a request line (HAProxy does too).
          while (pos < buf.length && (buf[pos] === CR || buf[pos] === LF)) pos++
          if (pos === buf.length) return pos
          // A head usually arrives whole: parsing it where it lies finds its end too, with no scan for the end first.
          // One that is incomplete or refused goes the usual way below (located, then parsed), so a head is judged
          // only once it is whole, and its errors are the same.
          if (buf.length - pos <= this.limits.bufsize) {
            const head = this.wholeHead(buf, pos)
            if (head) {
              this.onHeadBytes(buf, pos, head.end, head)
              return head.end
            }
          }
        }
        const end = findEmptyLine(buf, pos + Math.max(0, this.scanned - 3))
        if (end < 0) {
          this.scanned = buf.length - pos
          return this.keep(buf, pos)
        }
        this.scanned = 0
        if (end - pos > this.limits.bufsize) throw new HeadError('header section too large', pos)
        this.onHeadBytes(buf, pos, end)
        return end
      }
      case State.Length: {
        const n = Math.min(this.remaining, buf.length - pos)
        this.remaining -= n
        this.sink.onBody(buf.subarray(pos, pos + n))
        if (this.remaining === 0) this.endMessage()
        return pos + n
      }
      case State.ChunkSize: {
        const lf = buf.indexOf(LF, pos)
        if (lf < 0) return this.keep(buf, pos)
        this.remaining = parseChunkSize(buf, pos, lf)
        this.state = this.remaining === 0 ? State.Trailers : State.ChunkData
        return lf + 1
      }
      case State.ChunkData: {
        const n = Math.min(this.remaining, buf.length - pos)
        this.remaining -= n
        this.sink.onBody(buf.subarray(pos, pos + n))
        if (this.remaining === 0) this.state = State.ChunkDataEnd
        return pos + n
      }
      case State.ChunkDataEnd: {
        const c = buf[pos]
        if (c === LF) {
          this.state = State.ChunkSize
          return pos + 1
        }
        if (c !== CR) throw new HeadError('missing CRLF after chunk data', pos)
        if (pos + 1 >= buf.length) return this.keep(buf, pos)
        if (buf[pos + 1] !== LF) throw new HeadError('missing CRLF after chunk data', pos)
        this.state = State.ChunkSize
        return pos + 2
      }
      case State.Trailers: {
        let end: number
        if (buf[pos] === LF) end = pos + 1
        else if (buf[pos] === CR && buf[pos + 1] === LF) end = pos + 2
        else if (buf[pos] === CR && pos + 1 >= buf.length) return this.keep(buf, pos)
        else {
          end = findEmptyLine(buf, pos)
          if (end < 0) return this.keep(buf, pos)
          checkBareCr(buf, pos, end)
          const trailers = parseFields(buf, pos, end, this.room, 0)
          this.sink.onTrailers?.(trailers)
        }
        this.endMessage()
        return end
      }
      case State.UntilClose:
        this.sink.onBody(buf.subarray(pos))
        return buf.length
      case State.Held:
        this.onHeld(buf.subarray(pos))
        return buf.length
      case State.Tunnel:
        this.sink.onTunnelData?.(buf.subarray(pos))
        return buf.length
      case State.Failed:
        return buf.length
    }
  }

  /** Sets the body state after a head; ends the message at once when there is no body. */
  protected startBody(chunked: boolean, length: number, untilClose: boolean): void {
    if (chunked) this.state = State.ChunkSize
    else if (length > 0) {
      this.state = State.Length
      this.remaining = length
    } else if (untilClose) this.state = State.UntilClose
    else this.endMessage()
  }

  protected abstract afterMessage(): State

  protected endMessage(): void {
    this.state = State.Head
    this.sink.onMessageEnd()
    if (this.state === State.Head) this.state = this.afterMessage()
  }
}

function isBlank(buf: Buffer): boolean {
  for (const c of buf) if (c !== CR && c !== LF) return false
  return true
}

/** Position just past the empty line that ends a header section starting at or before `from`, or -1. */
function findEmptyLine(buf: Buffer, from: number): number {
  // A byte loop: a head is a few hundred bytes, and a native indexOf per line costs more than scanning them.
  const length = buf.length
  for (let lf = from; lf < length; lf++) {
    if (buf[lf] !== LF) continue
    const next = buf[lf + 1]
    if (next === LF) return lf + 2
    if (next === CR) {
      if (lf + 2 >= length) return -1
      if (buf[lf + 2] === LF) return lf + 3
    }
    if (next === undefined) return -1
  }
  return -1
}

/** chunk-size [ws] [; ext] CRLF, as HAProxy 2.6 takes it: hex digits, then optional blanks and anything after ';'. */
function parseChunkSize(buf: Buffer, start: number, lf: number): number {
  const end = lf > start && buf[lf - 1] === CR ? lf - 1 : lf
  let p = start
  let size = 0
  while (p < end) {
    const h = HEX_VALUE[buf[p]!]!
    if (h < 0) break
    size = size * 16 + h
    if (size > Number.MAX_SAFE_INTEGER) throw new HeadError('chunk size too large', p)
    p++
  }
  if (p === start) throw new HeadError('invalid chunk size', p)
  while (p < end && (buf[p] === SP || buf[p] === HTAB)) p++
  if (p < end && buf[p] !== 0x3b) throw new HeadError('invalid chunk size', p)
  const cr = buf.indexOf(CR, p)
  if (cr >= 0 && cr < end) throw new HeadError('bare CR in chunk extension', cr)
  return size
}

class RequestParserImpl extends Base<RequestHead> implements RequestParser {
  protected errorStatus = 400
  private held: Buffer[] = []
  private holdNext = false

  protected readonly requests = true

  protected onHeadBytes(buf: Buffer, start: number, end: number, parsed?: ParsedHead): void {
    const {line, headers} = parsed ?? parseHead(buf, start, end, true, this.room)
    const f = readFraming(headers, this.framing)
    const version = line.c
    if (f.otherCodings) throw new HeadError('unsupported transfer coding', start) // HAProxy: 422
    const authority = absoluteAuthority(line.b)
    if (authority !== undefined && f.hostAt >= 0 && authority !== headers.value(f.hostAt).toLowerCase()) throw new HeadError('absolute-form authority differs from Host', start)
    const upgrade = version === 'HTTP/1.1' && f.upgradeToken && f.upgradeHeader !== undefined
    if (upgrade && !f.websocketKey && /\bwebsocket\b/i.test(f.upgradeHeader ?? '')) throw new HeadError('websocket upgrade without Sec-WebSocket-Key', start)
    const keepAlive = version === 'HTTP/1.1' ? !f.close : f.keepAliveToken && !f.close
    const head: RequestHead = {
      method: line.a,
      target: line.b,
      version,
      headers,
      contentLength: f.contentLength,
      chunked: f.chunked,
      dropContentLength: f.dropContentLength,
      keepAlive,
      upgrade,
      expectContinue: version === 'HTTP/1.1' && f.expect !== undefined && f.expect.toLowerCase() === '100-continue',
    }
    this.holdNext = upgrade || line.a === 'CONNECT'
    // `f` is reused by the next head, which the sink may make us parse before onHead returns.
    this.sink.onHead(head)
    this.startBody(head.chunked, head.contentLength, false)
  }

  protected override fail(reason: string): void {
    // HAProxy answers 422 when a request's Transfer-Encoding carries codings other than chunked.
    if (reason === 'unsupported transfer coding') this.errorStatus = 422
    super.fail(reason)
  }

  protected afterMessage(): State {
    if (!this.holdNext) return State.Head
    this.holdNext = false
    return State.Held
  }

  protected onHeld(chunk: Buffer): void {
    this.held.push(chunk)
  }

  upgradeAccepted(): void {
    if (this.state !== State.Held) return
    this.state = State.Tunnel
    const held = this.held
    this.held = []
    for (const chunk of held) this.sink.onTunnelData?.(chunk)
  }

  upgradeRefused(): void {
    if (this.state !== State.Held) return
    this.state = State.Head
    const held = this.held
    this.held = []
    this.consumed -= held.reduce((n, c) => n + c.length, 0)
    for (const chunk of held) this.feed(chunk)
  }
}

class ResponseParserImpl extends Base<ResponseHead> implements ResponseParser {
  protected errorStatus = 502
  private methods: string[] = []
  private tunnelNext = false

  expect(method: string): void {
    this.methods.push(method)
  }

  protected readonly requests = false

  protected onHeadBytes(buf: Buffer, start: number, end: number, parsed?: ParsedHead): void {
    const {line, headers} = parsed ?? parseHead(buf, start, end, false, this.room)
    const f = readFraming(headers, this.framing)
    if (f.otherCodings) throw new HeadError('unsupported transfer coding', start)
    const status = Number(line.b)
    const interim = status < 200 && status !== 101
    const method = interim ? this.methods[0] : this.methods.shift()
    const tunnel = status === 101 || (method === 'CONNECT' && status < 300 && status >= 200)
    const noBody = interim || tunnel || status === 204 || status === 304 || method === 'HEAD'
    const untilClose = !noBody && !f.chunked && f.contentLength < 0
    const version = line.a
    const head: ResponseHead = {
      status,
      reason: line.c,
      version,
      headers,
      contentLength: noBody ? -1 : f.contentLength,
      chunked: !noBody && f.chunked,
      // HAProxy drops Content-Length from a 204 as well.
      dropContentLength: f.dropContentLength || (status === 204 && f.contentLength >= 0),
      keepAlive: !untilClose && (version === 'HTTP/1.1' ? !f.close : f.keepAliveToken && !f.close),
      upgrade: status === 101,
      untilClose,
    }
    this.tunnelNext = tunnel
    const chunked = f.chunked
    const length = f.contentLength
    this.sink.onHead(head)
    if (noBody) this.endMessage()
    else this.startBody(chunked, length, untilClose)
  }

  protected afterMessage(): State {
    if (!this.tunnelNext) return State.Head
    this.tunnelNext = false
    return State.Tunnel
  }

  protected onHeld(chunk: Buffer): void {
    this.sink.onTunnelData?.(chunk)
  }
}

export function createRequestParser(sink: Http1Sink<RequestHead>, limits: Http1Limits = DEFAULT_LIMITS): RequestParser {
  return new RequestParserImpl(sink, limits)
}

export function createResponseParser(sink: Http1Sink<ResponseHead>, limits: Http1Limits = DEFAULT_LIMITS): ResponseParser {
  return new ResponseParserImpl(sink, limits)
}


