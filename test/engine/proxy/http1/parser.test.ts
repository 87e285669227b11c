import {describe, expect, it} from 'vitest'
import {createRequestParser, createResponseParser, type RequestHead, type ResponseHead} from '../../../../src/engine/proxy/http1/index.js'
import {requestCases, responseCases} from './cases.js'
import {recorder, type Event} from './record.js'

const bytes = (s: string) => Buffer.from(s, 'latin1')

function parseRequests(raw: string, split: (b: Buffer) => Buffer[] = (b) => [b]): Event[] {
  const {sink, events} = recorder<RequestHead>()
  const parser = createRequestParser(sink)
  for (const part of split(bytes(raw))) parser.feed(Buffer.from(part)) // fresh copies: the parser must not rely on the caller's buffer
  parser.finish()
  return events
}

function parseResponses(raw: string, methods: string[] = ['GET'], split: (b: Buffer) => Buffer[] = (b) => [b]): Event[] {
  const {sink, events} = recorder<ResponseHead>()
  const parser = createResponseParser(sink)
  for (const m of methods) parser.expect(m)
  for (const part of split(bytes(raw))) parser.feed(Buffer.from(part))
  parser.finish()
  return events
}

const byteByByte = (b: Buffer) => [...b].map((c) => Buffer.from([c]))
const at = (i: number) => (b: Buffer) => [b.subarray(0, i), b.subarray(i)]
const statusOf = (events: Event[]) => {
  const error = events.find((e) => e.type === 'error')
  return error && error.type === 'error' ? error.status : 200
}

describe('request parser against HAProxy 2.6 verdicts', () => {
  it.each(requestCases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const events = parseRequests(c.raw)
    expect(statusOf(events)).toBe(c.haproxy)
    if (c.haproxy === 200) expect(events.at(-1)).toEqual({type: 'end'})
  })
})

describe('response parser against HAProxy 2.6 verdicts', () => {
  it.each(responseCases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const events = parseResponses(c.raw, [c.request.split(' ')[0]!])
    expect(statusOf(events) === 502 ? 502 : (events[0] as unknown as {head: {status: number}}).head.status).toBe(c.haproxy)
  })
})

describe('split equivalence', () => {
  const small = requestCases.filter((c) => c.raw.length < 400)
  it.each(small.map((c) => [c.name, c] as const))('request %s: every split point and byte by byte give the same events', (_name, c) => {
    const whole = parseRequests(c.raw)
    expect(parseRequests(c.raw, byteByByte)).toEqual(whole)
    for (let i = 1; i < c.raw.length; i++) expect(parseRequests(c.raw, at(i))).toEqual(whole)
  })
  it.each(responseCases.filter((c) => c.raw.length < 400).map((c) => [c.name, c] as const))('response %s', (_name, c) => {
    const whole = parseResponses(c.raw)
    expect(parseResponses(c.raw, ['GET'], byteByByte)).toEqual(whole)
    for (let i = 1; i < c.raw.length; i++) expect(parseResponses(c.raw, ['GET'], at(i))).toEqual(whole)
  })
  it('a big head split anywhere is still refused or accepted the same way', () => {
    for (const c of requestCases.filter((x) => x.raw.length > 15000)) {
      for (const i of [1, 100, 8000, 15000, c.raw.length - 1]) expect(statusOf(parseRequests(c.raw, at(i)))).toBe(c.haproxy)
    }
  })
})

describe('request heads', () => {
  const head = (raw: string) => (parseRequests(raw).find((e) => e.type === 'head') as {head: Record<string, unknown>}).head

  it('exposes the start line, raw headers in order and framing', () => {
    expect(head('POST /x?y HTTP/1.1\r\nHost: a\r\nX-Case: MiXed\r\nContent-Length: 3\r\n\r\nabc')).toEqual({
      method: 'POST',
      target: '/x?y',
      version: 'HTTP/1.1',
      headers: [
        ['Host', 'a'],
        ['X-Case', 'MiXed'],
        ['Content-Length', '3'],
      ],
      contentLength: 3,
      chunked: false,
      dropContentLength: false,
      keepAlive: true,
      upgrade: false,
      expectContinue: false,
    })
  })

  it.each([
    ['HTTP/1.1', '', true],
    ['HTTP/1.1', 'Connection: close\r\n', false],
    ['HTTP/1.1', 'Connection: Keep-Alive, CLOSE\r\n', false],
    ['HTTP/1.0', '', false],
    ['HTTP/1.0', 'Connection: keep-alive\r\n', true],
    ['HTTP/1.0', 'Connection: close, keep-alive\r\n', false],
  ])('%s with %j → keepAlive %s', (version, extra, keepAlive) => {
    expect(head(`GET / ${version}\r\nHost: a\r\n${extra}\r\n`).keepAlive).toBe(keepAlive)
  })

  it('marks Content-Length for removal when chunked wins', () => {
    expect(head('POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n')).toMatchObject({contentLength: -1, chunked: true, dropContentLength: true})
  })

  it('folds obs-fold lines into spaces like HAProxy', () => {
    expect(head('GET / HTTP/1.1\r\nX-A: 1\r\n  2\r\n\r\n').headers).toEqual([['X-A', '1    2']])
  })

  it('sees Expect: 100-continue and upgrades', () => {
    expect(head('POST / HTTP/1.1\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\na').expectContinue).toBe(true)
    expect(head('GET / HTTP/1.1\r\nConnection: upgrade\r\nUpgrade: foo\r\n\r\n').upgrade).toBe(true)
    expect(head('GET / HTTP/1.1\r\nUpgrade: foo\r\n\r\n').upgrade).toBe(false)
  })
})

describe('bodies', () => {
  it('streams a chunked body with trailers', () => {
    expect(parseRequests('POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nX-T: 1\r\nX-U: 2\r\n\r\n').slice(1)).toEqual([
      {type: 'body', data: 'abcde'},
      {
        type: 'trailers',
        fields: [
          ['X-T', '1'],
          ['X-U', '2'],
        ],
      },
      {type: 'end'},
    ])
  })

  it('never buffers a body: slices arrive as they are fed', () => {
    const {sink, events} = recorder<RequestHead>()
    const parser = createRequestParser(sink)
    parser.feed(bytes('POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc'))
    expect(events.at(-1)).toEqual({type: 'body', data: 'abc'})
    parser.feed(bytes('defghij'))
    expect(events.slice(-2)).toEqual([{type: 'body', data: 'abcdefghij'}, {type: 'end'}])
  })

  it('reports a body cut short by the peer', () => {
    expect(parseRequests('POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc').at(-1)).toMatchObject({type: 'error', status: 400, reason: 'truncated body'})
  })
})

describe('pipelining', () => {
  const three = 'GET /1 HTTP/1.1\r\nHost: a\r\n\r\nPOST /2 HTTP/1.1\r\nContent-Length: 2\r\n\r\nokPOST /3 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nz\r\n0\r\n\r\n'
  it('parses every request in one buffer, in order', () => {
    const events = parseRequests(three)
    expect(events.map((e) => (e.type === 'head' ? e.head.target : e.type))).toEqual(['/1', 'end', '/2', 'body', 'end', '/3', 'body', 'end'])
  })
  it('gives the same events at every split point', () => {
    const whole = parseRequests(three)
    for (let i = 1; i < three.length; i++) expect(parseRequests(three, at(i))).toEqual(whole)
  })
  it('stops at the first bad request', () => {
    const events = parseRequests('GET /1 HTTP/1.1\r\n\r\nGET /a b HTTP/1.1\r\n\r\nGET /3 HTTP/1.1\r\n\r\n')
    expect(events.map((e) => e.type)).toEqual(['head', 'end', 'error'])
  })
})

describe('upgrades and CONNECT', () => {
  it('holds bytes after an upgrade request until the server decides', () => {
    const {sink, events} = recorder<RequestHead>()
    const parser = createRequestParser(sink)
    parser.feed(bytes('GET / HTTP/1.1\r\nConnection: upgrade\r\nUpgrade: foo\r\n\r\nrawbytes'))
    expect(events.map((e) => e.type)).toEqual(['head', 'end'])
    parser.upgradeAccepted()
    parser.feed(bytes('+more'))
    expect(events.at(-1)).toEqual({type: 'tunnel', data: 'rawbytes+more'})
  })
  it('parses held bytes as the next request when the upgrade is refused', () => {
    const {sink, events} = recorder<RequestHead>()
    const parser = createRequestParser(sink)
    parser.feed(bytes('GET / HTTP/1.1\r\nConnection: upgrade\r\nUpgrade: foo\r\n\r\nGET /next HTTP/1.1\r\n\r\n'))
    parser.upgradeRefused()
    expect(events.map((e) => (e.type === 'head' ? e.head.target : e.type))).toEqual(['/', 'end', '/next', 'end'])
  })
})

describe('responses', () => {
  const statuses = (events: Event[]) => events.map((e) => (e.type === 'head' ? e.head.status : e.type))

  it('knows which responses have no body', () => {
    expect(statuses(parseResponses('HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n'))).toEqual([204, 'end'])
    expect(statuses(parseResponses('HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n'))).toEqual([304, 'end'])
    expect(statuses(parseResponses('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx', ['HEAD', 'GET']))).toEqual([200, 'end', 200, 'body', 'end'])
  })

  it('passes 100 Continue as an interim message before the final response', () => {
    const events = parseResponses('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi', ['POST'])
    expect(statuses(events)).toEqual([100, 'end', 200, 'body', 'end'])
  })

  it('reads until close when there is no framing, and says the connection cannot be kept', () => {
    const events = parseResponses('HTTP/1.1 200 OK\r\n\r\nuntil close')
    expect(events[0]).toMatchObject({head: {untilClose: true, keepAlive: false}})
    expect(events.slice(1)).toEqual([{type: 'body', data: 'until close'}, {type: 'end'}])
  })

  it('switches to a tunnel after 101 and after a 2xx to CONNECT', () => {
    expect(parseResponses('HTTP/1.1 101 Switching Protocols\r\nUpgrade: foo\r\n\r\nframes').slice(1)).toEqual([{type: 'end'}, {type: 'tunnel', data: 'frames'}])
    expect(parseResponses('HTTP/1.1 200 OK\r\n\r\nbytes', ['CONNECT']).slice(1)).toEqual([{type: 'end'}, {type: 'tunnel', data: 'bytes'}])
  })
})
