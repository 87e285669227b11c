import {describe, expect, it} from 'vitest'
import {createRequestParser, encodeChunk, encodeLastChunk, HeaderList, serializeRequestHead, serializeResponseHead, type RequestHead} from '../../../../src/engine/proxy/http1/index.js'

function head(raw: string): RequestHead {
  let got: RequestHead | undefined
  createRequestParser({onHead: (h) => (got = h), onBody: () => {}, onMessageEnd: () => {}, onError: (e) => { throw new Error(e.reason) }}).feed(Buffer.from(raw, 'latin1'))
  return got!
}

describe('HeaderList', () => {
  it('keeps order and case, and edits like HAProxy rules', () => {
    const list = HeaderList.fromRaw(head('GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\nx-a: 2\r\nAccept: */*\r\n\r\n').headers)
    expect(list.getAll('X-A')).toEqual(['1', '2'])
    list.set('x-a', '3')
    list.add('X-Forwarded-For', '127.0.0.1')
    expect(list.delete('accept')).toBe(1)
    list.replace('host', (v) => v.toUpperCase())
    expect(list.toArray()).toEqual([
      ['Host', 'A'],
      ['x-a', '3'],
      ['X-Forwarded-For', '127.0.0.1'],
    ])
  })

  it('drops Content-Length when the parser says chunked won', () => {
    const h = head('POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n')
    expect(HeaderList.fromRaw(h.headers, {dropContentLength: h.dropContentLength}).toArray()).toEqual([['Transfer-Encoding', 'chunked']])
  })
})

describe('serializer', () => {
  const list = HeaderList.from([
    ['Host', 'a'],
    ['X-Mixed', 'v'],
  ])
  it('writes request and response heads, preserving or lowering name case', () => {
    expect(serializeRequestHead({method: 'GET', target: '/x', version: 'HTTP/1.1'}, list).toString()).toBe('GET /x HTTP/1.1\r\nHost: a\r\nX-Mixed: v\r\n\r\n')
    expect(serializeResponseHead({version: 'HTTP/1.1', status: 200, reason: 'OK'}, list, {names: 'lower'}).toString()).toBe('HTTP/1.1 200 OK\r\nhost: a\r\nx-mixed: v\r\n\r\n')
  })
  it('round-trips through the parser', () => {
    const raw = serializeRequestHead({method: 'PUT', target: '/y', version: 'HTTP/1.1'}, list).toString('latin1')
    expect(head(raw).headers.toArray()).toEqual(list.toArray())
  })
  it('encodes chunks and the last chunk with trailers', () => {
    expect(Buffer.concat(encodeChunk(Buffer.from('x'.repeat(26)))).toString()).toBe('1a\r\n' + 'x'.repeat(26) + '\r\n')
    expect(encodeChunk(Buffer.alloc(0))).toEqual([])
    expect(encodeLastChunk().toString()).toBe('0\r\n\r\n')
    expect(encodeLastChunk(HeaderList.from([['X-T', '1']])).toString()).toBe('0\r\nX-T: 1\r\n\r\n')
  })
})
