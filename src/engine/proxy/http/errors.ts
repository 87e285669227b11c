/**
 * HAProxy 2.6's built-in error responses, byte for byte as the real binary sends them (captured on
 * loopback): the ones the H1 multiplexer writes itself (400, 408) close the connection; the ones
 * the stream produces (deny, 502, 503, 504...) are lowercased and leave keep-alive to the usual
 * rules. `errorfile` replaces the stream's ones with a file's bytes.
 */

const MESSAGES: Record<number, [reason: string, text: string]> = {
  200: ['OK', 'Service ready.'],
  400: ['Bad request', 'Your browser sent an invalid request.'],
  401: ['Unauthorized', 'You need a valid user and password to access this content.'],
  403: ['Forbidden', 'Request forbidden by administrative rules.'],
  404: ['Not Found', 'The resource could not be found.'],
  405: ['Method Not Allowed', 'A request was made of a resource using a request method not supported by that resource'],
  407: ['Unauthorized', 'You need a valid user and password to access this content.'],
  408: ['Request Time-out', "Your browser didn't send a complete request in time."],
  410: ['Gone', 'The resource is no longer available and will not be available again.'],
  413: ['Payload Too Large', 'The request entity exceeds the maximum allowed.'],
  422: ['Unprocessable Content', 'The server cannot process the contained instructions.'],
  425: ['Too Early', 'Your browser sent early data.'],
  429: ['Too Many Requests', 'You have sent too many requests in a given amount of time.'],
  500: ['Internal Server Error', 'An internal server error occurred.'],
  501: ['Not Implemented', '.The server does not support the functionality required to fulfill the request.'],
  502: ['Bad Gateway', 'The server returned an invalid or incomplete response.'],
  503: ['Service Unavailable', 'No server is available to handle this request.'],
  504: ['Gateway Time-out', "The server didn't respond in time."],
}

/** The status codes HAProxy has a built-in page for (the ones `errorfile` and `deny_status` accept). */
export const ERROR_CODES: readonly number[] = [200, 400, 401, 403, 404, 405, 407, 408, 410, 413, 425, 429, 500, 501, 502, 503, 504]

function body(status: number): string {
  const [reason, text] = MESSAGES[status] ?? MESSAGES[400]!
  return `<html><body><h1>${status} ${reason}</h1>\n${text}\n</body></html>\n`
}

/** Errors the client-side parser raises: the connection is closed after them. */
function closingError(status: number): Buffer {
  const reason = (MESSAGES[status] ?? MESSAGES[400]!)[0]
  const text = body(status)
  return Buffer.from(`HTTP/1.1 ${status} ${reason}\r\nContent-length: ${text.length}\r\nCache-Control: no-cache\r\nConnection: close\r\nContent-Type: text/html\r\n\r\n${text}`, 'latin1')
}

/** A stream error as head lines (without the blank line) and body, so a Connection header can be added. */
export interface ErrorParts {
  head: string
  body: string
}

export function streamErrorParts(status: number): ErrorParts {
  const reason = (MESSAGES[status] ?? MESSAGES[503]!)[0]
  const text = body(status)
  return {head: `HTTP/1.1 ${status} ${reason}\r\ncontent-length: ${text.length}\r\ncache-control: no-cache\r\ncontent-type: text/html\r\n`, body: text}
}

/** Errors about the server side (no server, bad response, timeout). */
function streamError(status: number): Buffer {
  const parts = streamErrorParts(status)
  return Buffer.from(`${parts.head}\r\n${parts.body}`, 'latin1')
}

const cache = new Map<number, Buffer>()

export function errorResponse(status: number): Buffer {
  let out = cache.get(status)
  if (!out) {
    out = status >= 500 ? streamError(status) : closingError(status)
    cache.set(status, out)
  }
  return out
}

/** Whether the error response closes the client connection. */
export const errorCloses = (status: number): boolean => status < 500

/** The reason phrase HAProxy writes for a status it generates. */
export function reasonPhrase(status: number): string {
  return MESSAGES[status]?.[0] ?? REASONS[status] ?? 'Unknown'
}

const REASONS: Record<number, string> = {
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  304: 'Not Modified',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
}

/**
 * The error pages one proxy sends: `errorfile CODE FILE` (and `errorfiles` of an http-errors section)
 * are raw HTTP responses sent as they are; other codes get HAProxy's built-in page.
 */
export class ErrorPages {
  constructor(private readonly files: ReadonlyMap<number, Buffer> = new Map()) {}

  get empty(): boolean {
    return this.files.size === 0
  }

  file(status: number): Buffer | undefined {
    return this.files.get(status)
  }
}
