/**
 * Responses the engine writes itself (deny, auth, return, redirect, monitor, errorfile pages), with
 * HAProxy's Connection handling: `connection: close` when the connection ends after it, `keep-alive`
 * when an HTTP/1.0 exchange stays open.
 */
import {readFileSync} from 'node:fs'
import {type ErrorPages, reasonPhrase, streamErrorParts} from '../http/errors.js'

export interface LocalReply {
  status: number
  version: string
  reason: string
  /** Header lines as sent (HAProxy lowercases names). */
  headers: [string, string][]
  body: Buffer
  /** The body runs until the connection closes (an errorfile without Content-Length). */
  untilClose?: boolean
}

export interface ReplyTarget {
  version: string
  keepAlive: boolean
  /** A HEAD request gets the head only (Content-Length still says what a GET would get). */
  method?: string
}

/** Head and body ready to write, and whether the client connection closes after them. */
export function renderReply(reply: LocalReply, request: ReplyTarget, forceClose: boolean): {data: Buffer; close: boolean} {
  const close = forceClose || !request.keepAlive || reply.untilClose === true
  let head = `${reply.version} ${reply.status} ${reply.reason}\r\n`
  for (const [name, value] of reply.headers) head += `${name.toLowerCase()}: ${value}\r\n`
  // An HTTP/1.0 response (from an errorfile) closes by default: it says nothing then.
  if (close) head += reply.version === 'HTTP/1.0' ? '' : 'connection: close\r\n'
  else if (request.version !== 'HTTP/1.1' || reply.version !== 'HTTP/1.1') head += 'connection: keep-alive\r\n'
  const headBytes = Buffer.from(`${head}\r\n`, 'latin1')
  return {data: reply.body.length > 0 && request.method !== 'HEAD' ? Buffer.concat([headBytes, reply.body]) : headBytes, close}
}

/** HAProxy's built-in page for a status (`deny`, `auth`, no server...). */
export function builtinErrorReply(status: number): LocalReply {
  const parts = streamErrorParts(status)
  const headers: [string, string][] = []
  for (const line of parts.head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':')
    if (colon > 0) headers.push([line.slice(0, colon), line.slice(colon + 1).trim()])
  }
  return {status, version: 'HTTP/1.1', reason: reasonPhrase(status), headers, body: Buffer.from(parts.body, 'latin1')}
}

/** The page for a status: the first proxy's `errorfile` for it (backend before frontend), else HAProxy's own. */
export function errorReply(status: number, pages: readonly (ErrorPages | undefined)[]): LocalReply {
  for (const p of pages) {
    const file = p?.file(status)
    if (file) return parseErrorFile(file)
  }
  return builtinErrorReply(status)
}

/** An errorfile: a raw HTTP response, sent with its own status line; header names lowercased like HAProxy's H1 output. */
export function parseErrorFile(bytes: Buffer): LocalReply {
  const end = bytes.indexOf('\r\n\r\n')
  const headText = bytes.toString('latin1', 0, end < 0 ? bytes.length : end)
  const body = end < 0 ? Buffer.alloc(0) : bytes.subarray(end + 4)
  const [statusLine = '', ...lines] = headText.split('\r\n')
  const m = /^(HTTP\/1\.[01]) (\d{3})(?: (.*))?$/.exec(statusLine)
  const headers: [string, string][] = []
  let length = false
  for (const line of lines) {
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    const name = line.slice(0, colon).trim().toLowerCase()
    if (name === 'connection') continue
    if (name === 'content-length' || name === 'transfer-encoding') length = true
    headers.push([name, line.slice(colon + 1).trim()])
  }
  return {status: Number(m?.[2] ?? 500), version: m?.[1] ?? 'HTTP/1.1', reason: m?.[3] ?? '', headers, body, ...(length ? {} : {untilClose: true})}
}

/** Reads an errorfile at plan time; the problem says which file and why. */
export function loadErrorFile(path: string, where: string, problems: string[]): Buffer | undefined {
  try {
    const bytes = readFileSync(path)
    if (!/^HTTP\/1\.[01] \d{3}/.test(bytes.toString('latin1', 0, 12))) {
      problems.push(`${where}: errorfile '${path}' does not start with an HTTP status line (HTTP/1.x CODE REASON)`)
      return undefined
    }
    return bytes
  } catch (error) {
    problems.push(`${where}: cannot read errorfile '${path}': ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`)
    return undefined
  }
}
