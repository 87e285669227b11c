/**
 * The same config under real haproxy 2.6 and under the bundled engine, each sending syslog (RFC 3164
 * over UDP) to a collector: for the same requests the lines must have the same fields — names,
 * status, termination state, retries, request line — and the same shape of timers (a timer HAProxy
 * leaves at -1 must be -1 here too).
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {requireBinary} from '../../helpers/oracles.js'
import {freePort, startEngine, startHaproxy} from './helpers.js'
import {abortAfterHead, keepAlivePair, request, rfc3164Message, type ScriptedBackend, scriptedBackend, shape, type Syslog, syslogCollector} from './log-helpers.js'

const hasHaproxy = requireBinary('haproxy')
let backend: ScriptedBackend

beforeAll(async () => {
  backend = await scriptedBackend()
})
afterAll(async () => {
  await backend.close()
})

interface Ports {
  web: number
  dead: number
  tcp: number
  stats: number
}

function config(ports: Ports, syslogPort: number, deadPort: number): string {
  return `global
  log 127.0.0.1:${syslogPort} local0
  stats socket ipv4@127.0.0.1:${ports.stats} level admin
defaults
  mode http
  log global
  option httplog
  retries 0
  timeout connect 1s
  timeout client 5s
  timeout server 400ms
frontend web
  bind 127.0.0.1:${ports.web}
  default_backend app
backend app
  server s1 127.0.0.1:${backend.port}
frontend web_dead
  bind 127.0.0.1:${ports.dead}
  default_backend dead
backend dead
  server d1 127.0.0.1:${deadPort}
listen tcp_in
  bind 127.0.0.1:${ports.tcp}
  mode tcp
  option tcplog
  server t1 127.0.0.1:${backend.port}
`
}

/** Each step waits for its own log line, so the order is fixed. */
async function scenario(ports: Ports, syslog: Syslog): Promise<{header: string; message: string}[]> {
  const steps: (() => Promise<unknown>)[] = [
    () => request(ports.web, '/'), // ----
    () => request(ports.dead, '/'), // SC--: connection refused
    () => request(ports.web, '/stall'), // sD--: the server stops in the middle of the body
    () => abortAfterHead(ports.web, '/stream'), // CD--: the client leaves while the body flows
    () => request(ports.web, '/nohead'), // sH--: no response head before timeout server
    () => request(ports.tcp, '/', 'HTTP/1.0'), // tcplog, --
  ]
  const lines = []
  for (const [i, step] of steps.entries()) {
    await step()
    lines.push(rfc3164Message(await syslog.line(i + 1)))
  }
  // Keep-alive: one line per request, the second one's idle time not counted in its timers.
  await keepAlivePair(ports.web)
  lines.push(rfc3164Message(await syslog.line(steps.length + 1)), rfc3164Message(await syslog.line(steps.length + 2)))
  return lines
}

async function ports(): Promise<Ports> {
  return {web: await freePort(), dead: await freePort(), tcp: await freePort(), stats: await freePort()}
}

describe.skipIf(!hasHaproxy)('httplog and tcplog: bundled engine = real haproxy', () => {
  it('same fields, termination states and timer shapes for normal, refused, server timeout and client abort', {timeout: 30_000}, async () => {
    const deadPort = await freePort()
    const p = await ports()
    const syslogReal = await syslogCollector()
    const real = await startHaproxy(config(p, syslogReal.port, deadPort), p.stats)
    let theirs: {header: string; message: string}[]
    try {
      theirs = await scenario(p, syslogReal)
    } finally {
      await real.stop()
      await syslogReal.close()
    }
    const syslogOurs = await syslogCollector()
    const engine = startEngine(config(p, syslogOurs.port, deadPort))
    await engine.start()
    let ours: {header: string; message: string}[]
    try {
      ours = await scenario(p, syslogOurs)
    } finally {
      await engine.stop(0)
      await syslogOurs.close()
    }
    // The same header: local0.info, the `haproxy` tag and a pid.
    expect(ours.map((l) => l.header.replace(/^<(\d+)>.*$/, '$1'))).toEqual(theirs.map((l) => l.header.replace(/^<(\d+)>.*$/, '$1')))
    expect(ours.map((l) => shape(l.message))).toEqual(theirs.map((l) => shape(l.message)))
    // Byte counts as HAProxy 2.6 counts them (HTX form: see htx-size.ts), except while a body streams to a client that leaves.
    const bytes = (l: {message: string}) => l.message.split(' ')[l.message.includes('"') ? 6 : 5]
    expect(ours.map(bytes).filter((_, i) => i !== 3)).toEqual(theirs.map(bytes).filter((_, i) => i !== 3))
    // The termination states this test is about, spelled out.
    expect(ours.map((l) => l.message.split(' ')[l.message.includes('"') ? 9 : 6])).toEqual(['----', 'SC--', 'sD--', 'CD--', 'sH--', '--', '----', '----'])
  })
})
