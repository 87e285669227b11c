// Raw requests with the status real HAProxy 2.6.12 answered (mode http, default tunables), recorded on loopback.
// 200 means HAProxy forwarded the request (our parser must accept it); anything else is HAProxy's own answer.
export interface RequestCase {
  name: string
  raw: string
  haproxy: number
  /** HAProxy has already forwarded the head when it finds the error: the client may see the server's answer instead. */
  racesWithServer?: true
}

const P = 'POST / HTTP/1.1\r\nHost: a\r\n'
const TE = P + 'Transfer-Encoding: chunked\r\n\r\n'

function bigHead(total: number): string {
  const base = 'GET / HTTP/1.1\r\nHost: a\r\nX-Big: '
  return base + 'a'.repeat(total - base.length - 4) + '\r\n\r\n'
}

function manyHeaders(n: number): string {
  let out = 'GET / HTTP/1.1\r\nHost: a\r\n'
  for (let i = 0; i < n; i++) out += `X-${i}: v\r\n`
  return out + '\r\n'
}

export const requestCases: RequestCase[] = [
  {name: 'plain GET', raw: 'GET / HTTP/1.1\r\nHost: a\r\n\r\n', haproxy: 200},
  // Smuggling: HAProxy removes Content-Length and forwards chunked.
  {name: 'Content-Length and Transfer-Encoding', raw: P + 'Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', haproxy: 200},
  {name: 'Transfer-Encoding then Content-Length', raw: P + 'Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n', haproxy: 200},
  {name: 'duplicate equal Content-Length', raw: P + 'Content-Length: 2\r\nContent-Length: 2\r\n\r\nab', haproxy: 200},
  {name: 'duplicate differing Content-Length', raw: P + 'Content-Length: 2\r\nContent-Length: 3\r\n\r\nabc', haproxy: 400},
  {name: 'Content-Length list of equal values', raw: P + 'Content-Length: 2, 2\r\n\r\nab', haproxy: 200},
  {name: 'Content-Length list of differing values', raw: P + 'Content-Length: 2, 3\r\n\r\nab', haproxy: 400},
  {name: 'Content-Length list with an empty element', raw: P + 'Content-Length: 2,,2\r\n\r\nab', haproxy: 400},
  {name: 'negative Content-Length', raw: P + 'Content-Length: -1\r\n\r\n', haproxy: 400},
  {name: 'Content-Length with +', raw: P + 'Content-Length: +1\r\n\r\na', haproxy: 400},
  {name: 'empty Content-Length', raw: P + 'Content-Length: \r\n\r\n', haproxy: 400},
  {name: 'hex Content-Length', raw: P + 'Content-Length: 0x2\r\n\r\nab', haproxy: 400},
  {name: 'huge Content-Length', raw: P + 'Content-Length: 99999999999999999999999\r\n\r\n', haproxy: 400},
  {name: 'Content-Length with leading zeros', raw: P + 'Content-Length: 002\r\n\r\nab', haproxy: 200},
  {name: 'Content-Length with trailing space', raw: P + 'Content-Length: 2 \r\n\r\nab', haproxy: 200},
  // Transfer-Encoding: chunked must be last and once; other codings before it get 422.
  {name: 'Transfer-Encoding gzip', raw: P + 'Transfer-Encoding: gzip\r\n\r\n', haproxy: 400},
  {name: 'Transfer-Encoding identity', raw: P + 'Transfer-Encoding: identity\r\n\r\n', haproxy: 400},
  {name: 'Transfer-Encoding empty', raw: P + 'Transfer-Encoding: \r\n\r\n', haproxy: 400},
  {name: 'Transfer-Encoding xchunked', raw: P + 'Transfer-Encoding: xchunked\r\n\r\n', haproxy: 400},
  {name: 'Transfer-Encoding chunked;q=1', raw: P + 'Transfer-Encoding: chunked;q=1\r\n\r\n0\r\n\r\n', haproxy: 400},
  {name: 'Transfer-Encoding chunked, gzip', raw: P + 'Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n', haproxy: 400},
  {name: 'Transfer-Encoding chunked, chunked', raw: P + 'Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n', haproxy: 400},
  {name: 'two Transfer-Encoding: chunked headers', raw: P + 'Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', haproxy: 400},
  {name: 'Transfer-Encoding gzip, chunked', raw: P + 'Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n', haproxy: 422},
  {name: 'Transfer-Encoding gzip then chunked headers', raw: P + 'Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', haproxy: 422},
  {name: 'Transfer-Encoding ,chunked', raw: P + 'Transfer-Encoding: ,chunked\r\n\r\n0\r\n\r\n', haproxy: 422},
  {name: 'Transfer-Encoding CHUNKED', raw: P + 'Transfer-Encoding: CHUNKED\r\n\r\n0\r\n\r\n', haproxy: 200},
  {name: 'Transfer-Encoding with trailing space', raw: P + 'Transfer-Encoding: chunked \r\n\r\n0\r\n\r\n', haproxy: 200},
  {name: 'Transfer-Encoding on HTTP/1.0', raw: 'POST / HTTP/1.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', haproxy: 200},
  {name: 'GET with a chunked body', raw: 'GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', haproxy: 200},
  // Chunk framing.
  {name: 'chunk size not hex', raw: TE + 'zz\r\nab\r\n0\r\n\r\n', haproxy: 400},
  {name: 'chunk size 0x2', raw: TE + '0x2\r\nab\r\n0\r\n\r\n', haproxy: 400},
  {name: 'empty chunk size', raw: TE + '\r\nab\r\n0\r\n\r\n', haproxy: 400},
  {name: 'chunk size overflow', raw: TE + 'fffffffffffffffffff\r\nab\r\n0\r\n\r\n', haproxy: 400},
  {name: 'chunk size with 17 hex digits (leading zeros)', raw: TE + '00000000000000002\r\nab\r\n0\r\n\r\n', haproxy: 200},
  {name: 'chunk size in uppercase hex', raw: TE + 'A\r\n0123456789\r\n0\r\n\r\n', haproxy: 200},
  {name: 'chunk extension', raw: TE + '2;foo=bar\r\nab\r\n0\r\n\r\n', haproxy: 200},
  {name: 'chunk extension with a lone quote', raw: TE + '2;"\r\nab\r\n0\r\n\r\n', haproxy: 200},
  {name: 'chunk extension after a space', raw: TE + '2 ;foo\r\nab\r\n0\r\n\r\n', haproxy: 200},
  {name: 'chunk extension after a tab', raw: TE + '2\t;a\r\nab\r\n0\r\n\r\n', haproxy: 200},
  {name: 'chunk extension with a control char', raw: TE + '2;a\x01b\r\nab\r\n0\r\n\r\n', haproxy: 200},
  {name: 'chunk size with trailing space', raw: TE + '2 \r\nab\r\n0\r\n\r\n', haproxy: 200},
  {name: 'chunk data not followed by CRLF', raw: TE + '2\r\nabX\r\n0\r\n\r\n', haproxy: 400},
  {name: 'chunk size line ending in bare CR', raw: TE + '2\rab\r\n0\r\n\r\n', haproxy: 400},
  {name: 'chunked body with bare LF', raw: TE + '2\nab\n0\n\n', haproxy: 200},
  {name: 'chunk data ended by bare LF', raw: TE + '2\r\nab\n0\r\n\r\n', haproxy: 200},
  {name: 'trailers', raw: TE + '2\r\nab\r\n0\r\nX-T: 1\r\n\r\n', haproxy: 200},
  {name: 'invalid trailer name', raw: TE + '0\r\nX T: 1\r\n\r\n', haproxy: 400, racesWithServer: true},
  // Header syntax.
  {name: 'obs-fold with spaces', raw: 'GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n  2\r\n\r\n', haproxy: 200},
  {name: 'obs-fold with a tab', raw: 'GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n\t2\r\n\r\n', haproxy: 200},
  {name: 'space before colon', raw: 'GET / HTTP/1.1\r\nHost: a\r\nX-A : 1\r\n\r\n', haproxy: 400},
  {name: 'empty header name', raw: 'GET / HTTP/1.1\r\nHost: a\r\n: 1\r\n\r\n', haproxy: 400},
  {name: 'parenthesis in header name', raw: 'GET / HTTP/1.1\r\nHost: a\r\nX(A): 1\r\n\r\n', haproxy: 400},
  {name: '@ in header name', raw: 'GET / HTTP/1.1\r\nHost: a\r\nX@A: 1\r\n\r\n', haproxy: 400},
  {name: 'header line without colon', raw: 'GET / HTTP/1.1\r\nHost: a\r\nXA\r\n\r\n', haproxy: 400},
  {name: 'control char in value', raw: 'GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\x012\r\n\r\n', haproxy: 200},
  {name: 'NUL in value', raw: 'GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\x002\r\n\r\n', haproxy: 200},
  {name: 'bare CR in value', raw: 'GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r2\r\n\r\n', haproxy: 400},
  {name: 'bare CR in the last value', raw: 'GET / HTTP/1.1\r\nX-A: 1\r2\r\nHost: a\r\n\r\n', haproxy: 400},
  {name: 'bare CR after a value, before CRLF', raw: 'GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\r\n\r\n', haproxy: 400},
  {name: 'bare CR in the request line', raw: 'GET /a\rb HTTP/1.1\r\nHost: a\r\n\r\n', haproxy: 400},
  {name: 'obs-text in value', raw: 'GET / HTTP/1.1\r\nHost: a\r\nX-A: caf\xe9\r\n\r\n', haproxy: 200},
  {name: 'bare LF line endings', raw: 'GET / HTTP/1.1\nHost: a\nX-A: 1\n\n', haproxy: 200},
  {name: 'bare LF on the final empty line', raw: 'GET / HTTP/1.1\r\nHost: a\r\n\n', haproxy: 200},
  {name: 'empty lines before the request line', raw: '\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n', haproxy: 200},
  // Request line.
  {name: 'lowercase method', raw: 'get / HTTP/1.1\r\nHost: a\r\n\r\n', haproxy: 200},
  {name: 'custom method', raw: 'FOO / HTTP/1.1\r\nHost: a\r\n\r\n', haproxy: 200},
  {name: '@ in method', raw: 'G@T / HTTP/1.1\r\nHost: a\r\n\r\n', haproxy: 400},
  {name: 'HTTP/2.0 on an HTTP/1 port (forwarded as 1.1)', raw: 'GET / HTTP/2.0\r\nHost: a\r\n\r\n', haproxy: 200},
  {name: 'HTTP/1.2 (forwarded as 1.1)', raw: 'GET / HTTP/1.2\r\nHost: a\r\n\r\n', haproxy: 200},
  {name: 'HTTP/0.9 request', raw: 'GET /\r\n\r\n', haproxy: 400},
  {name: 'lowercase http version', raw: 'GET / http/1.1\r\nHost: a\r\n\r\n', haproxy: 400},
  {name: 'two spaces after method', raw: 'GET  / HTTP/1.1\r\nHost: a\r\n\r\n', haproxy: 200},
  {name: 'tab after method', raw: 'GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n', haproxy: 200},
  {name: 'space in target', raw: 'GET /a b HTTP/1.1\r\nHost: a\r\n\r\n', haproxy: 400},
  {name: 'control char in target', raw: 'GET /a\x01b HTTP/1.1\r\nHost: a\r\n\r\n', haproxy: 400},
  {name: 'high-bit byte in target', raw: 'GET /a\xffb HTTP/1.1\r\nHost: a\r\n\r\n', haproxy: 400},
  {name: 'quote in target', raw: 'GET /a"b HTTP/1.1\r\nHost: a\r\n\r\n', haproxy: 200},
  {name: 'fragment in target', raw: 'GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n', haproxy: 400},
  {name: 'empty target', raw: 'GET  HTTP/1.1\r\nHost: a\r\n\r\n', haproxy: 400},
  {name: 'absolute-form target', raw: 'GET http://a/x HTTP/1.1\r\nHost: a\r\n\r\n', haproxy: 200},
  {name: 'absolute-form target differing from Host', raw: 'GET http://b/x HTTP/1.1\r\nHost: a\r\n\r\n', haproxy: 400},
  {name: 'absolute-form target equal to Host in another case', raw: 'GET http://A.example/x HTTP/1.1\r\nHost: a.EXAMPLE\r\n\r\n', haproxy: 200},
  {name: 'two equal Host headers in different cases', raw: 'GET / HTTP/1.1\r\nHost: a.example\r\nHost: A.Example\r\n\r\n', haproxy: 200},
  {name: 'two Host headers, one a prefix of the other', raw: 'GET / HTTP/1.1\r\nHost: a\r\nHost: ab\r\n\r\n', haproxy: 400},
  {name: 'asterisk-form', raw: 'OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n', haproxy: 200},
  {name: 'authority-form CONNECT', raw: 'CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n', haproxy: 200},
  {name: 'no Host on HTTP/1.1', raw: 'GET / HTTP/1.1\r\n\r\n', haproxy: 200},
  {name: 'two differing Host headers', raw: 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', haproxy: 400},
  {name: 'two equal Host headers', raw: 'GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n', haproxy: 200},
  {name: 'TLS bytes on an HTTP port', raw: '\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03\r\n\r\n', haproxy: 400},
  // Upgrades and expectations.
  {name: 'websocket upgrade without Sec-WebSocket-Key', raw: 'GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n', haproxy: 400},
  {name: 'websocket upgrade', raw: 'GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n', haproxy: 200},
  {name: 'other upgrade', raw: 'GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: foo\r\n\r\n', haproxy: 200},
  {name: 'Expect: 100-continue', raw: P + 'Expect: 100-continue\r\nContent-Length: 2\r\n\r\nab', haproxy: 200},
  {name: 'unknown Expect', raw: P + 'Expect: foo\r\nContent-Length: 2\r\n\r\nab', haproxy: 200},
  // Limits: tune.http.maxhdr 101 (100 header lines pass) and tune.bufsize 16384 - tune.maxrewrite 1024, counted in HTX bytes.
  {name: '100 header lines', raw: manyHeaders(99), haproxy: 200},
  {name: '101 header lines', raw: manyHeaders(100), haproxy: 400},
  {name: 'head of 15273 bytes (HTX cost 15323)', raw: bigHead(15273), haproxy: 200},
  {name: 'head of 15274 bytes (HTX cost 15324)', raw: bigHead(15274), haproxy: 400},
  {name: 'head of 17000 bytes', raw: bigHead(17000), haproxy: 400},
]

export interface ResponseCase {
  name: string
  request: string
  raw: string
  /** What HAProxy sent the client: the server's status when it forwarded, 502 when it refused the response. */
  haproxy: number
}

const G = 'GET / HTTP/1.1\r\nHost: a\r\n\r\n'

export const responseCases: ResponseCase[] = [
  {name: 'plain response', request: G, raw: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi', haproxy: 200},
  {name: 'Content-Length and Transfer-Encoding', request: G, raw: 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n', haproxy: 200},
  {name: 'differing Content-Length', request: G, raw: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nhi', haproxy: 502},
  {name: 'invalid header name', request: G, raw: 'HTTP/1.1 200 OK\r\nX Y: 2\r\nContent-Length: 2\r\n\r\nhi', haproxy: 502},
  {name: 'no reason phrase', request: G, raw: 'HTTP/1.1 200\r\nContent-Length: 2\r\n\r\nhi', haproxy: 200},
  {name: 'garbage', request: G, raw: 'FOO\r\n\r\n', haproxy: 502},
  {name: 'lowercase version', request: G, raw: 'http/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi', haproxy: 502},
  {name: 'Transfer-Encoding gzip', request: G, raw: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nabc', haproxy: 502},
  {name: 'Transfer-Encoding gzip, chunked', request: G, raw: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n', haproxy: 502},
  {name: 'bad chunk size', request: G, raw: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n', haproxy: 502},
  {name: 'obs-fold', request: G, raw: 'HTTP/1.1 200 OK\r\nX-A: 1\r\n 2\r\nContent-Length: 2\r\n\r\nhi', haproxy: 200},
  {name: 'bare LF', request: G, raw: 'HTTP/1.1 200 OK\nContent-Length: 2\n\nhi', haproxy: 200},
  {name: 'head over the buffer', request: G, raw: 'HTTP/1.1 200 OK\r\nX-A: ' + 'a'.repeat(16000) + '\r\nContent-Length: 2\r\n\r\nhi', haproxy: 502},
  {name: '204 with Content-Length (no body)', request: G, raw: 'HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n', haproxy: 204},
  {name: '304 with Content-Length (no body)', request: G, raw: 'HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n', haproxy: 304},
  {name: 'HTTP/1.0 body until close', request: G, raw: 'HTTP/1.0 200 OK\r\n\r\nuntil close', haproxy: 200},
  {name: 'HTTP/1.1 body until close', request: G, raw: 'HTTP/1.1 200 OK\r\n\r\nuntil close', haproxy: 200},
]
