/**
 * Two log lines HAProxy writes in its own way, compared with real haproxy 2.6 on the same config:
 * - `http-request tarpit`: state `PT`, TR/Tc/Tr -1 and the time held in Tw (HAProxy stores the
 *   time since accept as the queue time, and Tw = that - TR = that + 1 since TR is -1);
 * - `<BADREQ>` (bad syntax, client timeout, client leaving) with `capture request|response header`
 *   configured: no capture blocks at all, in httplog and in %hr/%hs/%hrl/%hsl of a log-format
 *   (which then write nothing, not even their separators), and `<BADREQ>` in each of %HM/%HU/%HP/%HQ/%HV.
 * %rt (HAProxy's stream id, from 0) is compared once shifted: haproxy's count also holds the
 * harness's probe of its stats socket.
 */
import {connect} from 'node:net'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {requireBinary} from '../../helpers/oracles.js'
import {freePort, startEngine, startHaproxy} from './helpers.js'
import {rfc3164Message, type ScriptedBackend, scriptedBackend, shape, type Syslog, syslogCollector} from './log-helpers.js'
import {exchangeRaw} from './rules-helpers.js'

const hasHaproxy = requireBinary('haproxy')
const TARPIT_MS = 200
let backend: ScriptedBackend

beforeAll(async () => {
  backend = await scriptedBackend()
})
afterAll(async () => {
  await backend.close()
})

interface Ports {
  http: number
  custom: number
  stats: number
}

function config(ports: Ports, syslogPort: number): string {
  return `global
  log 127.0.0.1:${syslogPort} local0
  stats socket ipv4@127.0.0.1:${ports.stats} level admin
defaults
  mode http
  log global
  option httplog
  timeout connect 1s
  timeout client 500ms
  timeout server 5s
  timeout tarpit ${TARPIT_MS}ms
frontend f
  bind 127.0.0.1:${ports.http}
  capture request header Host len 8
  capture request header X-None len 4
  capture response header Server len 6
  http-request tarpit if { path /tarpit }
  http-request tarpit deny_status 403 if { path /tarpit403 }
  default_backend app
frontend g
  bind 127.0.0.1:${ports.custom}
  capture request header Host len 8
  capture response header Server len 6
  log-format "%hr %hs %hrl %hsl %{+Q}r %ST %tsc %TR/%Tw/%Tc/%Tr/%Ta Tq=%Tq Th=%Th Tt=%Tt %HM %{+Q}HU %HP %HQ %{+Q}HQ %HV B=%B U=%U rt=%rt"
  http-request tarpit if { path /tarpit }
  default_backend app
backend app
  server s1 127.0.0.1:${backend.port}
`
}

const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: www.example.com\r\nConnection: close\r\n\r\n`
const partial = 'GET / HTTP/1.1\r\nHost: x'
const IDLE_MS = 300

/** Two tarpitted requests on one keep-alive connection, the second sent after IDLE_MS of quiet (counted in Ti and Tw). */
function tarpitTwice(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({port, host: '127.0.0.1'})
    let text = ''
    socket.on('connect', () => socket.write('GET /tarpit HTTP/1.1\r\nHost: www.example.com\r\n\r\n'))
    socket.on('data', (c: Buffer) => {
      text += c.toString('latin1')
      if (text.split('</html>').length === 2 && !text.endsWith('#')) {
        text += '#'
        setTimeout(() => socket.write(get('/tarpit')), IDLE_MS)
      }
    })
    socket.on('close', () => resolve())
    socket.on('error', reject)
    socket.setTimeout(5000, () => socket.destroy(new Error('tarpitTwice: no answer')))
  })
}

/** Each step waits for its own log line, so the order is fixed. */
async function scenario(ports: Ports, syslog: Syslog): Promise<string[]> {
  const steps: (() => Promise<unknown>)[] = [
    () => exchangeRaw(ports.http, get('/tarpit'), 2000, 3000), // PT 500
    () => exchangeRaw(ports.http, get('/tarpit403'), 2000, 3000), // PT 403
    () => exchangeRaw(ports.http, 'GARBAGE\r\n\r\n', 2000, 3000), // PR 400 <BADREQ>
    () => exchangeRaw(ports.http, partial, 100, 3000), // CR 400 <BADREQ>: the client leaves
    () => exchangeRaw(ports.http, partial, 2000, 3000), // cR 408 <BADREQ>: timeout client
    () => exchangeRaw(ports.custom, get('/tarpit'), 2000, 3000),
    () => exchangeRaw(ports.custom, 'GARBAGE\r\n\r\n', 2000, 3000),
    () => exchangeRaw(ports.custom, partial, 100, 3000),
    () => tarpitTwice(ports.custom), // two lines
  ]
  const lines: string[] = []
  for (const step of steps) {
    await step()
    lines.push(rfc3164Message(await syslog.line(lines.length + 1)).message)
  }
  lines.push(rfc3164Message(await syslog.line(lines.length + 1)).message)
  return lines
}

/** The custom format's timers masked like shape() does for httplog: a value becomes N, -1 stays; %rt cut off. */
function maskCustom(message: string): string {
  return message
    .replace(/ rt=\d+$/, '')
    .replace(/-?\d+(?:\/-?\d+){4}/, (timers) => timers.split('/').map((t) => (t === '-1' ? t : 'N')).join('/'))
    .replace(/\b(T[a-zA-Z])=(-?\d+)/g, (_, name: string, value: string) => `${name}=${value === '-1' ? value : 'N'}`)
}

const mask = (message: string, i: number): string => (i < 5 ? shape(message) : maskCustom(message))

/** TR/Tw/Tc/Tr/Ta of a line (httplog: the 5th field; the custom format: the first a/b/c/d/e group). */
function timers(message: string): number[] {
  return /(-?\d+(?:\/-?\d+){4})/.exec(message)![1]!.split('/').map(Number)
}

describe.skipIf(!hasHaproxy)('tarpit and <BADREQ> log lines: bundled engine = real haproxy', () => {
  it('PT with the held time in Tw; no capture blocks on <BADREQ>', {timeout: 30_000}, async () => {
    const p: Ports = {http: await freePort(), custom: await freePort(), stats: await freePort()}
    const syslogReal = await syslogCollector()
    let theirs: string[]
    try {
      const real = await startHaproxy(config(p, syslogReal.port), p.stats)
      try {
        theirs = await scenario(p, syslogReal)
      } finally {
        await real.stop()
      }
    } finally {
      await syslogReal.close()
    }
    const syslogOurs = await syslogCollector()
    let ours: string[]
    try {
      const engine = startEngine(config(p, syslogOurs.port))
      await engine.start()
      try {
        ours = await scenario(p, syslogOurs)
      } finally {
        await engine.stop(0)
      }
    } finally {
      await syslogOurs.close()
    }
    expect(ours.map(mask)).toEqual(theirs.map(mask))
    // httplog's byte count too (HTX-sized: the tarpit page, 0 for <BADREQ>).
    const bytes = (l: string) => l.split(' ')[6]
    expect(ours.slice(0, 5).map(bytes)).toEqual(theirs.slice(0, 5).map(bytes))
    // What this test is about, spelled out on haproxy's lines (so a change of the oracle shows).
    expect(theirs[0]).toMatch(/ -1\/\d+\/-1\/-1\/\d+ 500 .* PT-- .* \{www\.exam\|\} \{\} "GET \/tarpit HTTP\/1\.1"$/)
    expect(theirs[2]).toMatch(/ PR-- \d+\/\d+\/\d+\/\d+\/\d+ \d+\/\d+ "<BADREQ>"$/)
    expect(theirs[5]).toMatch(/ GET "\/tarpit" \/tarpit {2}"" HTTP\/1\.1 B=208 U=\d+ rt=\d+$/)
    expect(theirs[7]).toMatch(/^"<BADREQ>" 400 CR-- .* <BADREQ> "<BADREQ>" <BADREQ> <BADREQ> "<BADREQ>" <BADREQ> B=0 U=0 rt=\d+$/)
    // %rt: one per stream, from 0 (five httplog lines before the first custom one).
    const rt = (lines: string[]) => lines.slice(5).map((l) => Number(/ rt=(\d+)$/.exec(l)![1]))
    const shift = rt(theirs)[0]! - 5
    expect(rt(ours)).toEqual(rt(theirs).map((n) => n - shift))
    // The tarpit's timers, value by value: Tw holds the delay, Ta/Tt the same time.
    expect(theirs).toHaveLength(10)
    for (const i of [0, 1, 5, 8, 9]) {
      const [theirTR, theirTw, , , theirTa] = timers(theirs[i]!)
      const [ourTR, ourTw, , , ourTa] = timers(ours[i]!)
      expect([ourTR, theirTR]).toEqual([-1, -1])
      expect(ourTw).toBeGreaterThanOrEqual(i === 9 ? TARPIT_MS + IDLE_MS : TARPIT_MS)
      expect(Math.abs(ourTw! - theirTw!)).toBeLessThanOrEqual(60)
      expect(Math.abs(ourTa! - theirTa!)).toBeLessThanOrEqual(60)
    }
  })
})
