/** HAProxy 2.6's byte counts (%B/%U) in HTX form; the expected figures are what haproxy 2.6.12 logged for the same messages. */
import {describe, expect, it} from 'vitest'
import {createRequestParser, type RequestHead} from '../../../src/engine/proxy/http1/index.js'
import {htxHeadSize, htxMessageSize} from '../../../src/engine/proxy/log/htx-size.js'

function parseRequest(raw: string): RequestHead {
  let head: RequestHead | undefined
  const parser = createRequestParser({
    onHead: (h) => (head = h),
    onBody: () => {},
    onMessageEnd: () => {},
    onError: (e) => {
      throw new Error(e.reason)
    },
  })
  parser.feed(Buffer.from(raw, 'latin1'))
  if (!head) throw new Error('no head')
  return head
}

describe('HTX sizes', () => {
  it.each([
    // haproxy logged %U=45, 41, 36 for these heads (the Connection header is not counted).
    ['GET /chunked HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n', 45],
    ['GET /ows HTTP/1.1\r\nHost: a\r\n\r\n', 41],
    ['GET /ows HTTP/1.0\r\n\r\n', 36],
    ['GET /tarpit?a=1 HTTP/1.1\r\nHost: abc\r\nConnection: close\r\n\r\n', 50],
  ])('request head %j is %d bytes', (raw, expected) => {
    const head = parseRequest(raw)
    expect(htxHeadSize(head.method.length + head.target.length + head.version.length, head.headers)).toBe(expected)
  })

  it.each([
    // haproxy's own deny and tarpit pages: 208 and 224 bytes on the wire, %B 192 and 208.
    ['HTTP/1.1 403 Forbidden\r\ncontent-length: 93\r\ncache-control: no-cache\r\ncontent-type: text/html\r\nconnection: close\r\n\r\n' + 'x'.repeat(93), 192],
    ['HTTP/1.1 500 Internal Server Error\r\ncontent-length: 97\r\ncache-control: no-cache\r\ncontent-type: text/html\r\nconnection: close\r\n\r\n' + 'x'.repeat(97), 208],
    // Values trimmed, Connection left out (haproxy: %B 78 for this proxied answer).
    ['HTTP/1.1 200 OK\r\nContent-Type:   text/plain  \r\nX-A:b\r\nConnection: keep-alive\r\nContent-Length: 3\r\n\r\nok\n', 78],
    // A chunked body counts its data and one byte for its end (haproxy: %B 89).
    ['HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nok\n\r\n5\r\nabcd\n\r\n0\r\n\r\n', 89],
  ])('message %#', (raw, expected) => {
    expect(htxMessageSize(Buffer.from(raw, 'latin1'))).toBe(expected)
  })
})
