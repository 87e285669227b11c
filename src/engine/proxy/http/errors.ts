/**
 * HAProxy 2.6's built-in error responses, byte for byte as the real binary sends them (captured on
 * loopback): the ones the H1 multiplexer writes itself (400, 408) close the connection; the ones
 * the stream produces (502, 503, 504) are lowercased and leave keep-alive to the usual rules.
 */

const MESSAGES: Record<number, [reason: string, text: string]> = {
  400: ['Bad request', 'Your browser sent an invalid request.'],
  408: ['Request Time-out', "Your browser didn't send a complete request in time."],
  422: ['Unprocessable Content', 'The server cannot process the contained instructions.'],
  502: ['Bad Gateway', 'The server returned an invalid or incomplete response.'],
  503: ['Service Unavailable', 'No server is available to handle this request.'],
  504: ['Gateway Time-out', "The server didn't respond in time."],
}

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

/** Errors about the server side (no server, bad response, timeout). */
function streamError(status: number): Buffer {
  const reason = (MESSAGES[status] ?? MESSAGES[503]!)[0]
  const text = body(status)
  return Buffer.from(`HTTP/1.1 ${status} ${reason}\r\ncontent-length: ${text.length}\r\ncache-control: no-cache\r\ncontent-type: text/html\r\n\r\n${text}`, 'latin1')
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
