/**
 * The heads HAProxy forwards: header names lowercased, the Connection header reduced to what the
 * hop needs (close/keep-alive tokens are recomputed per side), X-Forwarded-For appended.
 */
import {BlockList, isIPv4} from 'node:net'
import {HeaderKind} from '../http1/raw-headers.js'
import {appendConnectionTokens} from '../http1/semantics.js'
import {HeaderList, type RawHeaders, type RequestHead, type ResponseHead, serializeRequestHead, serializeResponseHead, writeRawHead} from '../http1/index.js'
import type {ForwardFor} from './settings.js'

const LOWER = {names: 'lower'} as const

/**
 * Drops the close/keep-alive tokens of Connection: each side gets its own. Other tokens stay where
 * the first Connection line was (HAProxy edits it in place); the header goes once empty.
 */
function stripPersistence(headers: HeaderList): HeaderList {
  if (!headers.has('connection')) return headers
  const kept = headers
    .getAll('connection')
    .flatMap((v) => v.split(','))
    .map((t) => t.trim())
    .filter((t) => t !== '' && !/^(close|keep-alive)$/i.test(t))
  let first = true
  const out: [string, string][] = []
  for (const [name, value] of headers.toArray()) {
    if (name.toLowerCase() !== 'connection') out.push([name, value])
    else if (first) {
      first = false
      if (kept.length > 0) out.push([name, kept.join(', ')])
    }
  }
  return HeaderList.from(out)
}

/** Where the first Connection line is in a received head and the tokens of all of them that are not close/keep-alive. */
class RawConnection {
  at = -1
  kept = ''

  /** Reads `raw`'s Connection lines (reset first: one instance serves every head, nothing is allocated without them). */
  read(raw: RawHeaders): this {
    this.at = -1
    this.kept = ''
    if (!raw.has(HeaderKind.connection)) return this
    for (let i = 0; i < raw.length; i++) {
      if (raw.kind(i) !== HeaderKind.connection) continue
      if (this.at < 0) this.at = i
      this.kept = appendConnectionTokens(raw.buffer, raw.valueStart(i), raw.valueEnd(i), this.kept)
    }
    return this
  }
}

const rawConnection = new RawConnection()
const DROP_CONNECTION = 1 << HeaderKind.connection
const DROP_LENGTH = 1 << HeaderKind.contentLength
const DROP_CODING = 1 << HeaderKind.transferEncoding

/** `::ffff:1.2.3.4` (a v4 client on a dual-stack socket) as HAProxy shows it: 1.2.3.4. */
export function clientIp(address: string | undefined): string {
  if (!address) return ''
  return address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address
}

export class ForwardedFor {
  private readonly except: BlockList | undefined

  constructor(readonly settings: ForwardFor) {
    if (settings.except) {
      this.except = new BlockList()
      this.except.addSubnet(settings.except.address, settings.except.prefix, settings.except.family)
    }
  }

  apply(headers: HeaderList, ip: string): void {
    if (this.applies(ip, (name) => headers.has(name))) headers.add(this.settings.header, ip)
  }

  /** The header line to append to a received head, or ''. */
  rawLine(raw: RawHeaders, ip: string): string {
    return this.applies(ip, (name) => raw.get(name.toLowerCase()) !== undefined) ? `${this.settings.header.toLowerCase()}: ${ip}\r\n` : ''
  }

  private applies(ip: string, has: (name: string) => boolean): boolean {
    if (ip === '') return false
    if (this.except?.check(ip, isIPv4(ip) ? 'ipv4' : 'ipv6')) return false
    return !(this.settings.ifNone && has(this.settings.header))
  }
}

/** A request line and headers changed by http-request rules or cookie persistence. */
export interface EditedRequest {
  method: string
  target: string
  headers: HeaderList
}

/** The request head for the server; `keepAlive` is whether the server connection stays open after. */
export function serverRequestHead(req: RequestHead, keepAlive: boolean, ip: string, forwardedFor: ForwardedFor | undefined, edited?: EditedRequest): Buffer {
  if (!edited) {
    const raw = req.headers
    const {at, kept} = rawConnection.read(raw)
    let tail = forwardedFor ? forwardedFor.rawLine(raw, ip) : ''
    if (req.version === 'HTTP/1.1' && !keepAlive) tail += 'connection: close\r\n'
    else if (req.version !== 'HTTP/1.1' && keepAlive) tail += 'connection: keep-alive\r\n'
    const drop = req.dropContentLength ? DROP_CONNECTION | DROP_LENGTH : DROP_CONNECTION
    return writeRawHead(req.method, req.target, req.version, raw, drop, tail, at, kept)
  }
  const headers = stripPersistence(edited ? edited.headers : HeaderList.fromRaw(req.headers, {dropContentLength: req.dropContentLength}))
  forwardedFor?.apply(headers, ip)
  if (req.version === 'HTTP/1.1' && !keepAlive) headers.add('connection', 'close')
  else if (req.version !== 'HTTP/1.1' && keepAlive) headers.add('connection', 'keep-alive')
  return serializeRequestHead({method: edited?.method ?? req.method, target: edited?.target ?? req.target, version: req.version}, headers, LOWER)
}

export interface ClientFraming {
  /** The body is re-chunked for the client (chunked from the server, or unknown length to an HTTP/1.1 client). */
  chunked: boolean
  /** The client connection must close after this response (its end marks the end of the body, or it was asked). */
  close: boolean
}

/** How a response reaches the client: HTTP/1.1 clients get chunked instead of close-delimited bodies. */
export function clientFraming(res: ResponseHead, req: RequestHead, wantKeepAlive: boolean): ClientFraming {
  const client11 = req.version === 'HTTP/1.1'
  const delimited = res.chunked || res.untilClose
  const chunked = delimited && client11
  const close = !wantKeepAlive || (delimited && !client11)
  return {chunked, close}
}

/** `edited`: the status and headers after http-response rules and cookie persistence. */
export function clientResponseHead(res: ResponseHead, req: RequestHead, framing: ClientFraming, edited?: {headers: HeaderList; status: number; reason: string}): Buffer {
  if (!edited) {
    const raw = res.headers
    const {at, kept} = rawConnection.read(raw)
    let tail = res.untilClose && framing.chunked ? 'transfer-encoding: chunked\r\n' : ''
    if (res.status >= 200 && res.status !== 101) {
      if (framing.close) tail += 'connection: close\r\n'
      else if (req.version !== 'HTTP/1.1') tail += 'connection: keep-alive\r\n'
    }
    const drop = DROP_CONNECTION | (res.dropContentLength ? DROP_LENGTH : 0) | (res.chunked && !framing.chunked ? DROP_CODING : 0)
    return writeRawHead(framing.chunked ? 'HTTP/1.1' : res.version, String(res.status), res.reason, raw, drop, tail, at, kept)
  }
  const headers = stripPersistence(edited ? edited.headers : HeaderList.fromRaw(res.headers, {dropContentLength: res.dropContentLength}))
  if (res.untilClose && framing.chunked) headers.add('transfer-encoding', 'chunked')
  if (res.chunked && !framing.chunked) headers.delete('transfer-encoding')
  const final = res.status >= 200 || res.status === 101
  if (final && res.status !== 101) {
    if (framing.close) headers.add('connection', 'close')
    else if (req.version !== 'HTTP/1.1' && !framing.close) headers.add('connection', 'keep-alive')
  }
  const version = framing.chunked ? 'HTTP/1.1' : res.version
  return serializeResponseHead({version, status: edited?.status ?? res.status, reason: edited?.reason ?? res.reason}, headers, LOWER)
}
