/**
 * `capture request|response header` shows in the httplog line as HAProxy writes it (`{a|b} {c}`,
 * values cut to their length, `-`-less empty slots): same config and requests under real haproxy
 * and the bundled engine, the lines compared once timers and dates are masked.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {requireBinary} from '../../helpers/oracles.js'
import {freePort, startEngine, startHaproxy} from './helpers.js'
import {rfc3164Message, shape, syslogCollector} from './log-helpers.js'
import {exchangeRaw, headEcho, type HeadEcho} from './rules-helpers.js'

const hasHaproxy = requireBinary('haproxy')
let server: HeadEcho
beforeAll(async () => {
  server = await headEcho('s1', 'server: echo/1.0 (test build)\r\ncache-control: no-store, private\r\n')
})
afterAll(async () => {
  await server.close()
})

describe.skipIf(!hasHaproxy)('captures in the log line: bundled engine = real haproxy', () => {
  it('logs the captured request and response headers', async () => {
    const syslog = await syslogCollector()
    const [front, stats] = [await freePort(), await freePort()]
    const cfg = `global
  log 127.0.0.1:${syslog.port} local0
  stats socket ipv4@127.0.0.1:${stats} level admin
defaults
  mode http
  log global
  option httplog
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend f
  bind 127.0.0.1:${front}
  capture request header Host len 8
  capture request header X-None len 4
  capture request header User-Agent len 64
  capture response header Server len 6
  capture response header Cache-Control len 100
  http-request deny if { path /deny }
  http-request auth if { path /auth }
  http-request redirect location /x if { path /redir }
  http-request return status 200 content-type text/plain string ok if { path /ret }
  redirect prefix /p if { path /old }
  use_backend b if { path_beg /a } || { path_beg /bdeny }
backend b
  http-request deny deny_status 429 if { path /bdeny }
  server s1 127.0.0.1:${server.port}
`
    const requests = [
      'GET /a HTTP/1.1\r\nHost: www.example.com\r\nUser-Agent: curl/8.0\r\nConnection: close\r\n\r\n',
      'GET /deny HTTP/1.1\r\nHost: second\r\nUser-Agent: a\r\nUser-Agent: b\r\nConnection: close\r\n\r\n',
      ...['/auth', '/redir', '/ret', '/old', '/bdeny', '/nobackend'].map((p) => `GET ${p} HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n`),
    ]
    const run = async () => {
      const lines: string[] = []
      const first = syslog.lines.length
      for (const [i, raw] of requests.entries()) {
        await exchangeRaw(front, raw, 3000, 3000)
        lines.push(rfc3164Message(await syslog.line(first + i + 1)).message)
      }
      return lines
    }
    try {
      const real = await startHaproxy(cfg, stats)
      let haproxy: string[]
      try {
        haproxy = await run()
      } finally {
        await real.stop()
      }
      const engine = startEngine(cfg)
      await engine.start()
      try {
        const ours = await run()
        expect(ours.map(shape)).toEqual(haproxy.map(shape))
        // Byte counts as HAProxy counts them (HTX form), for proxied answers and local replies alike.
        expect(ours.map((l) => l.split(' ')[6])).toEqual(haproxy.map((l) => l.split(' ')[6]))
        expect(haproxy[0]).toContain('{www.exam||curl/8.0} {echo/1|no-store, private}')
        expect(haproxy[1]).toContain('{second||b}')
      } finally {
        await engine.stop()
      }
    } finally {
      await syslog.close()
    }
  })
})
