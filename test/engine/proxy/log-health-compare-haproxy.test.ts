/**
 * Health transitions in the backend's syslog: real haproxy 2.6 and the bundled engine send the same
 * messages at the same levels when a server goes DOWN (and the backend loses its last one) and UP.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {requireBinary} from '../../helpers/oracles.js'
import {freePort, startEngine, startHaproxy, waitFor} from './helpers.js'
import {rfc3164Message, type ScriptedBackend, scriptedBackend, type Syslog, syslogCollector} from './log-helpers.js'

const hasHaproxy = requireBinary('haproxy')
let backend: ScriptedBackend
beforeAll(async () => {
  backend = await scriptedBackend()
})
afterAll(async () => {
  await backend.close()
})

function config(syslog: number, stats: number, dead: number, front: number): string {
  return `global
  log 127.0.0.1:${syslog} local0
  stats socket ipv4@127.0.0.1:${stats} level admin
defaults
  mode http
  log global
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend web
  bind 127.0.0.1:${front}
  default_backend app
backend app
  server s1 127.0.0.1:${backend.port} check inter 100 rise 1 fall 1
backend lonely
  server s2 127.0.0.1:${dead} check inter 100 rise 1 fall 1
`
}

/** `<129>Nov 21 ... haproxy[1]: Server lonely/s2 is DOWN, ... check duration: 0ms. ...` → `129 Server lonely/s2 is DOWN, ... check duration: Nms. ...` */
async function collect(syslog: Syslog): Promise<string[]> {
  await waitFor(() => syslog.lines.some((l) => l.includes('has no server available')), 5000, 20)
  return syslog.lines
    .map((line) => {
      const {header, message} = rfc3164Message(line)
      return `${/^<(\d+)>/.exec(header)![1]} ${message.replace(/check duration: \d+ms/, 'check duration: Nms')}`
    })
    .sort()
}

describe.skipIf(!hasHaproxy)('health transitions in syslog: bundled engine = real haproxy', () => {
  it('the same DOWN, no-server and level lines', {timeout: 20_000}, async () => {
    const [stats, dead, front] = [await freePort(), await freePort(), await freePort()]
    let syslog = await syslogCollector()
    const real = await startHaproxy(config(syslog.port, stats, dead, front), stats)
    let theirs: string[]
    try {
      theirs = await collect(syslog)
    } finally {
      await real.stop()
      await syslog.close()
    }
    syslog = await syslogCollector()
    const engine = startEngine(config(syslog.port, stats, dead, front))
    await engine.start()
    let ours: string[]
    try {
      ours = await collect(syslog)
    } finally {
      await engine.stop(0)
      await syslog.close()
    }
    expect(theirs).toContain('129 Server lonely/s2 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: Nms. 0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.')
    expect(ours).toEqual(theirs)
  })
})
