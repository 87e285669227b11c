// Every shape of header line reads the same, whichever way the parser takes it: the one-pass read of the usual
// `name: value CRLF`, or the byte-exact one that also handles folds and errors. The reference is a plain
// regular-expression reading of RFC 9110's field-line (HAProxy 2.6 agrees on these: see cases.ts).
import {describe, expect, it} from 'vitest'
import {parseHead} from '../../../../src/engine/proxy/http1/head-parser.js'
import {headerKind} from '../../../../src/engine/proxy/http1/raw-headers.js'

const NAMES = ['Host', 'host', 'X-A', 'Content-Length', 'CONNECTION', 'x!#$%&\'*+-.^_`|~9', 'Transfer-Encoding', 'Sec-WebSocket-Key', 'a']
const OWS = ['', ' ', '  ', '\t', ' \t ']
const VALUES = ['', 'v', 'a b', 'keep-alive, Upgrade', 'x\ty', '"quoted:value"', 'é\u00ff', ':colon:', 'Sat, 21 Nov 2026 20:05:00 GMT']
const EOL = ['\r\n', '\n']

const LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*(.*?)[ \t]*$/

/** A seeded generator (mulberry32): the same sections on every run. */
function random(seed: number): (n: number) => number {
  return (n) => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * n
  }
}

describe('header lines', () => {
  it('read the same in every shape of whitespace, value and line end', () => {
    const pick = random(42)
    const of = <T>(list: T[]) => list[Math.floor(pick(list.length))]!
    for (let round = 0; round < 2000; round++) {
      const lines = Array.from({length: 1 + Math.floor(pick(8))}, () => `${of(NAMES)}:${of(OWS)}${of(VALUES)}${of(OWS)}`)
      const text = `GET / HTTP/1.1${of(EOL)}${lines.map((l) => l + of(EOL)).join('')}${of(EOL)}`
      const buf = Buffer.from(text, 'latin1')
      const {headers} = parseHead(buf, 0, buf.length, true, {room: 1 << 20, maxHeaders: 101})
      expect(headers.length).toBe(lines.length)
      lines.forEach((line, i) => {
        const [, name, value] = LINE.exec(line)!
        expect([headers.name(i), headers.value(i)]).toEqual([name, value])
        const start = text.indexOf(line)
        expect(headers.kind(i)).toBe(headerKind(buf, start, start + name!.length))
      })
    }
  })

  it('keep a fold, and refuse a bare CR or a bad name, after lines read in one pass', () => {
    const read = (text: string) => {
      const buf = Buffer.from(text, 'latin1')
      return parseHead(buf, 0, buf.length, true, {room: 1 << 20, maxHeaders: 101}).headers
    }
    const folded = read('GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n  2\r\nX-B: 3\r\n\r\n')
    expect(folded.toArray()).toEqual([['Host', 'a'], ['X-A', '1    2'], ['X-B', '3']])
    expect(() => read('GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r2\r\n\r\n')).toThrow('bare CR')
    expect(() => read('GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\r\n\r\n')).toThrow('bare CR')
    expect(() => read('GET / HTTP/1.1\r\nHost: a\r\nBad Name: 1\r\n\r\n')).toThrow('invalid header name')
    expect(() => read('GET / HTTP/1.1\r\nHost : a\r\n\r\n')).toThrow('invalid header name')
  })

  it('count toward the header limit the same way', () => {
    const text = `GET / HTTP/1.1\r\n${'X: y\r\n'.repeat(100)}\r\n`
    const buf = Buffer.from(text, 'latin1')
    expect(parseHead(buf, 0, buf.length, true, {room: 1 << 20, maxHeaders: 101}).headers.length).toBe(100)
    expect(() => parseHead(buf, 0, buf.length, true, {room: 1 << 20, maxHeaders: 100})).toThrow('too many headers')
  })

  it('find where a head ends when read with the bytes after it, and refuse one cut anywhere', () => {
    const limits = {room: 1 << 20, maxHeaders: 101}
    for (const eol of EOL) {
      const head = `HTTP/1.1 200 OK${eol}Server: nginx${eol}Content-Length: 5${eol}X-Empty:${eol}${eol}`
      const buf = Buffer.from(`${head}hello`, 'latin1')
      expect(parseHead(buf, 0, buf.length, false, limits).end).toBe(head.length)
      for (let cut = 1; cut < head.length; cut++) {
        const part = buf.subarray(0, cut)
        expect(() => parseHead(part, 0, part.length, false, limits), `cut at ${cut}`).toThrow()
      }
    }
  })
})
