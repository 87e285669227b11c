import type {RawHeaders} from './raw-headers.js'

/** Size limits, named after the HAProxy tunables they mirror. */
export interface Http1Limits {
  /** `tune.bufsize` (16384). */
  bufsize: number
  /** `tune.maxrewrite` (1024): reserved for rewrites, so a head must fit in bufsize - maxrewrite. */
  maxrewrite: number
  /** `tune.http.maxhdr` (101): a head with this many header lines or more is refused. */
  maxHeaders: number
}

export const DEFAULT_LIMITS: Readonly<Http1Limits> = {bufsize: 16384, maxrewrite: 1024, maxHeaders: 101}

interface HeadCommon {
  /** "HTTP/1.0" or "HTTP/1.1" (HAProxy treats any HTTP/x.y above 1.1 as 1.1). */
  version: string
  /** Header lines in order, as received (names and values decoded lazily). */
  headers: RawHeaders
  /** Body length from Content-Length, or -1 when there is none (chunked, until close, no body). */
  contentLength: number
  chunked: boolean
  /** Content-Length was present alongside Transfer-Encoding: it must not be forwarded (smuggling defence). */
  dropContentLength: boolean
  /** Persistence per version and the Connection header. */
  keepAlive: boolean
  /** Connection: upgrade plus an Upgrade header (request), or a 101 response. */
  upgrade: boolean
}

export interface RequestHead extends HeadCommon {
  method: string
  target: string
  expectContinue: boolean
}

export interface ResponseHead extends HeadCommon {
  status: number
  reason: string
  /** The body runs until the server closes the connection. */
  untilClose: boolean
}

export interface Http1Error {
  /** What HAProxy answers: 400/422/501 for requests; 502 for responses. */
  status: number
  reason: string
  /** Offset in the stream where parsing stopped (for logs and captures). */
  offset: number
}

export interface Http1Sink<H> {
  onHead(head: H): void
  /** A slice of the input buffer: copy it if you keep it past the call. */
  onBody(chunk: Buffer): void
  onTrailers?(trailers: RawHeaders): void
  onMessageEnd(): void
  onError(error: Http1Error): void
  /** Bytes after a switched protocol (101 Upgrade, CONNECT 2xx, or an accepted request upgrade). */
  onTunnelData?(chunk: Buffer): void
}
