// The raw head writer (hot path: heads copied from the received bytes) must send exactly what the
// HeaderList path (used once rules edit a head) sends for the same unedited head.
import {describe, expect, it} from 'vitest'
import {clientFraming, clientResponseHead, ForwardedFor, serverRequestHead} from '../../../../src/engine/proxy/http/heads.js'
import {createRequestParser, createResponseParser, HeaderList, type RequestHead, type ResponseHead} from '../../../../src/engine/proxy/http1/index.js'

function parseRequest(text: string): RequestHead {
  let head: RequestHead | undefined
  createRequestParser({onHead: (h) => (head = h), onBody: () => {}, onMessageEnd: () => {}, onError: (e) => expect.fail(e.reason)}).feed(Buffer.from(text, 'latin1'))
  return head!
}

function parseResponse(text: string, method = 'GET'): ResponseHead {
  let head: ResponseHead | undefined
  const parser = createResponseParser({onHead: (h) => (head = h), onBody: () => {}, onMessageEnd: () => {}, onError: (e) => expect.fail(e.reason)})
  parser.expect(method)
  parser.feed(Buffer.from(text, 'latin1'))
  return head!
}

const requests = [
  'GET / HTTP/1.1\r\nHost: a\r\n\r\n',
  'GET /x?y=1 HTTP/1.1\r\nHost: a\r\nConnection: keep-alive\r\nUser-Agent: wrk\r\n\r\n',
  'POST /p HTTP/1.1\r\nHOST: a\r\nConnection: Upgrade, close, X-Foo\r\ncontent-length: 3\r\nConnection: x-bar\r\n\r\nabc',
  'POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
  'GET /old HTTP/1.0\r\nHost: a\r\nConnection: keep-alive\r\n\r\n',
  'GET /fold HTTP/1.1\r\nHost: a\r\nX-Long: one\r\n two\r\nX-Forwarded-For: 10.0.0.1\r\n\r\n',
]

const responses = [
  'HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n',
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close, X-Keep\r\n\r\n0\r\n\r\n',
  'HTTP/1.0 200 Fine\r\nContent-Type: text/plain\r\n\r\n',
  'HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n',
  'HTTP/1.1 200 \r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
  'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n',
]

const forwardFors = [undefined, new ForwardedFor({header: 'X-Forwarded-For', ifNone: false}), new ForwardedFor({header: 'X-Forwarded-For', ifNone: true}), new ForwardedFor({header: 'X-Client', ifNone: false, except: {address: '127.0.0.0', prefix: 8, family: 'ipv4'}})]

describe('raw head writer = HeaderList path', () => {
  it.each(requests)('request %j', (text) => {
    const req = parseRequest(text)
    for (const keepAlive of [true, false]) {
      for (const ff of forwardFors) {
        for (const ip of ['127.0.0.1', '198.18.0.7', '']) {
          const unedited = {method: req.method, target: req.target, headers: HeaderList.fromRaw(req.headers, {dropContentLength: req.dropContentLength})}
          const reference = serverRequestHead(req, keepAlive, ip, ff, unedited).toString('latin1')
          expect(serverRequestHead(req, keepAlive, ip, ff).toString('latin1')).toBe(reference)
        }
      }
    }
  })

  it.each(responses)('response %j', (text) => {
    const res = parseResponse(text)
    for (const reqText of [requests[0]!, requests[4]!]) {
      const req = parseRequest(reqText)
      for (const wantKeepAlive of [true, false]) {
        const framing = clientFraming(res, req, wantKeepAlive)
        const unedited = {headers: HeaderList.fromRaw(res.headers, {dropContentLength: res.dropContentLength}), status: res.status, reason: res.reason}
        expect(clientResponseHead(res, req, framing).toString('latin1')).toBe(clientResponseHead(res, req, framing, unedited).toString('latin1'))
      }
    }
  })

  it('lowercases names, keeps values and other Connection tokens where the first Connection line was', () => {
    const req = parseRequest(requests[2]!)
    expect(serverRequestHead(req, true, '198.18.0.7', forwardFors[1]).toString('latin1')).toBe(
      'POST /p HTTP/1.1\r\nhost: a\r\nconnection: Upgrade, X-Foo, x-bar\r\ncontent-length: 3\r\nx-forwarded-for: 198.18.0.7\r\n\r\n',
    )
  })
})
