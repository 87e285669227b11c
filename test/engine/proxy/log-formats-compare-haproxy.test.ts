/**
 * Every `log ... format X` of HAProxy 2.6, levels and `log-tag`, over UDP and a unix datagram socket
 * (`log /dev/log`-style): real haproxy and the bundled engine send the same datagrams for the same
 * request, once timestamps, pids and timer values are masked.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {createRequire} from 'node:module'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {requireBinary} from '../../helpers/oracles.js'
import {freePort} from './helpers.js'
import {request, type ScriptedBackend, scriptedBackend, shape, type StartProxy, startBundledEngine, startRealHaproxy, type Syslog, syslogCollector} from './log-helpers.js'

const hasHaproxy = requireBinary('haproxy')

interface UnixDgram {
  bind(path: string): void
  close(): void
  on(event: 'message', listener: (msg: Buffer) => void): void
  on(event: 'error', listener: (error: Error) => void): void
}
const unixDgram = (() => {
  try {
    return createRequire(import.meta.url)('unix-dgram') as {createSocket(type: 'unix_dgram'): UnixDgram}
  } catch {
    return undefined
  }
})()

let backend: ScriptedBackend
let dir: string
beforeAll(async () => {
  backend = await scriptedBackend()
  dir = mkdtempSync(join(tmpdir(), 'lbctl-log-'))
})
afterAll(async () => {
  await backend.close()
  rmSync(dir, {recursive: true, force: true})
})

function config(front: number, stats: number, udp: number, unixPath: string | undefined): string {
  return `global
  log 127.0.0.1:${udp} format rfc5424 local0
  log 127.0.0.1:${udp} format short local1
  log 127.0.0.1:${udp} format priority local2
  log 127.0.0.1:${udp} format timed local3
  log 127.0.0.1:${udp} format iso local4
  log 127.0.0.1:${udp} format raw local5
  log 127.0.0.1:${udp} format local local6 notice
  log 127.0.0.1:${udp} len 80 local7 info info
${unixPath ? `  log ${unixPath} local0 info\n` : ''}  log-tag lbtest
  stats socket ipv4@127.0.0.1:${stats} level admin
defaults
  mode http
  log global
  option httplog
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend web
  bind 127.0.0.1:${front}
  log 127.0.0.1:${udp} format rfc5424 user warning
  log 127.0.0.1:${udp} sample 1:2 daemon
  default_backend app
backend app
  server s1 127.0.0.1:${backend.port}
`
}

/** Masks what differs between runs: ISO and RFC 3164 timestamps, pids, the client port, timer values. */
function mask(datagram: string): string {
  let text = datagram
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}[+-]\d\d:\d\d/g, 'ISO')
    .replace(/^(<\d+>)\w{3} [ \d]\d \d\d:\d\d:\d\d /, '$1DATE ')
    .replace(/\[\d+\]: /, '[PID]: ')
    .replace(/^(<\d+>1 ISO - lbtest )\d+ /, '$1PID ')
  // The log message itself: the same shape as in the httplog comparison.
  const at = text.indexOf('127.0.0.1:')
  if (at >= 0) {
    const cut = text.endsWith('\n') ? text.slice(at, -1) : text.slice(at)
    // The `len 80` target truncates the message: compare only what fits.
    text = text.slice(0, at) + (cut.length + at < 79 ? shape(cut) : '<TRUNCATED>') + (text.endsWith('\n') ? '\n' : '')
  }
  return text
}

async function run(start: StartProxy): Promise<{udp: string[]; unix: string[]}> {
  const [front, stats] = [await freePort(), await freePort()]
  const syslog: Syslog = await syslogCollector()
  const unixLines: string[] = []
  let unixSocket: UnixDgram | undefined
  const unixPath = unixDgram ? join(dir, `log-${front}.sock`) : undefined
  if (unixDgram && unixPath) {
    unixSocket = unixDgram.createSocket('unix_dgram')
    unixSocket.on('message', (msg) => unixLines.push(msg.toString('utf8')))
    unixSocket.on('error', () => {})
    unixSocket.bind(unixPath)
  }
  const stop = await start(config(front, stats, syslog.port, unixPath))
  try {
    // Two requests: `sample 1:2` keeps the first only.
    await request(front, '/')
    await syslog.line(8)
    await request(front, '/')
    await syslog.line(15)
    const end = Date.now() + 2000
    while (unixPath && unixLines.length < 2 && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 20))
    // Nothing more arrives (the notice-level target and the second sampled line stay quiet).
    await new Promise((resolve) => setTimeout(resolve, 150))
    return {udp: syslog.lines.map(mask), unix: unixLines.map(mask)}
  } finally {
    await stop()
    unixSocket?.close()
    await syslog.close()
  }
}

describe.skipIf(!hasHaproxy)('log formats: bundled engine = real haproxy', () => {
  it('rfc5424, short, priority, timed, iso, raw, local, len, levels, sample, log-tag, unix socket', {timeout: 20_000}, async () => {
    const theirs = await run(startRealHaproxy)
    const ours = await run(startBundledEngine)
    expect(theirs.udp).toHaveLength(15)
    expect(ours.udp).toEqual(theirs.udp)
    if (unixDgram) {
      expect(theirs.unix).toHaveLength(2)
      expect(ours.unix).toEqual(theirs.unix)
    }
  })
})
