/** The log module on its own: `log` lines, log-format parsing, frames, and the engine writing to stdout and files. */
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {connect} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {PassThrough} from 'node:stream'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseHaproxyFiles} from '../../../src/config/haproxy/index.js'
import {ProxyEngine} from '../../../src/engine/proxy/engine.js'
import {compileLogFormat, frame, LogLine, type LogRecord, parseLogTarget} from '../../../src/engine/proxy/log/index.js'
import {StreamLog} from '../../../src/engine/proxy/log/stream.js'
import {planEngine} from '../../../src/engine/proxy/plan.js'
import {freePort, waitFor} from './helpers.js'
import {request, type ScriptedBackend, scriptedBackend} from './log-helpers.js'

describe('log targets', () => {
  it.each([
    ['127.0.0.1 local0', {address: {kind: 'udp', host: '127.0.0.1', port: 514}, facility: 16, maxLevel: 7, minLevel: 0, format: 'rfc3164'}],
    ['127.0.0.1:5140 local1 notice', {address: {kind: 'udp', host: '127.0.0.1', port: 5140}, facility: 17, maxLevel: 5}],
    ['udp@[::1]:5140 len 2048 format rfc5424 user info notice', {address: {kind: 'udp', host: '::1', port: 5140}, maxLength: 2048, format: 'rfc5424', facility: 1, maxLevel: 6, minLevel: 5}],
    ['/dev/log local0 info', {address: {kind: 'unix', path: '/dev/log'}, facility: 16, maxLevel: 6}],
    ['stdout format raw local0', {address: {kind: 'stdout'}, format: 'raw'}],
    ['stderr local0', {address: {kind: 'stderr'}}],
    ['file@/var/log/lb.log local0', {address: {kind: 'file', path: '/var/log/lb.log'}}],
    ['127.0.0.1 sample 1-2,5:10 local0', {sample: {ranges: [[1, 2], [5, 5]], size: 10}}],
  ])('log %s', (line, expected) => {
    const parsed = parseLogTarget(line.split(' '))
    expect(parsed.ok).toBe(true)
    if (parsed.ok) expect(parsed.value).toMatchObject(expected)
  })

  it.each([
    ['127.0.0.1', 'missing facility'],
    ['127.0.0.1 local9', "unknown log facility 'local9'"],
    ['127.0.0.1 local0 loud', "unknown optional log level 'loud'"],
    ['127.0.0.1 len 60 local0', 'must be between 80 and 65535'],
    ['127.0.0.1 format json local0', "unknown log format 'json'"],
    ['ring@buf local0', 'ring@ targets are not supported'],
    ['127.0.0.1:99999 local0', "invalid port '99999'"],
  ])('refuses log %s', (line, problem) => {
    const parsed = parseLogTarget(line.split(' '))
    expect(parsed.ok).toBe(false)
    if (!parsed.ok) expect(parsed.problem).toContain(problem)
  })
})

const RECORD: LogRecord = {
  clientIp: '10.0.0.1', clientPort: 40000, frontendIp: '127.0.0.1', frontendPort: 80, acceptMs: Date.UTC(2026, 10, 21, 7, 46, 31, 528), requestMs: Date.UTC(2026, 10, 21, 7, 46, 31, 530),
  frontend: 'fe', backend: 'app', server: 's1', Th: 0, Ti: 2, TR: 0, Tw: 0, Tc: 1, Tr: 3, Ta: 5, Tt: 7, status: 200, bytesOut: 526, bytesIn: 80,
  state: '--', actconn: 1, feconn: 1, beconn: 0, srvconn: 0, retries: 1, redispatched: true, srvQueue: 0, backendQueue: 0,
  method: 'GET', uri: '/a?b=c', version: 'HTTP/1.1', requestCounter: 1,
}

describe('log-format', () => {
  it('renders variables, flags and collapses separators around empty captures', () => {
    const compiled = compileLogFormat('%ci:%cp  %b/%s %{+Q}r %hr %hs %ST %rc %{+X}B %HM %HP %HQ %%')
    expect(compiled.ok).toBe(true)
    if (!compiled.ok) return
    expect(new LogLine(compiled.value).render(RECORD)).toBe('10.0.0.1:40000 app/s1 "GET /a?b=c HTTP/1.1" 200 +1 20E GET /a ?b=c %')
    expect(new LogLine(compiled.value, 2, 1).render({...RECORD, requestCaptures: ['host.example', undefined]})).toBe('10.0.0.1:40000 app/s1 "GET /a?b=c HTTP/1.1" {host.example|} {} 200 +1 20E GET /a ?b=c %')
  })

  it('shows <BADREQ> for a request that never parsed and - for unknown values', () => {
    const compiled = compileLogFormat('%{+Q}r %si %HM %HU %HP %HQ %{+Q}HV')
    if (!compiled.ok) throw new Error(compiled.problem)
    const {method: _m, uri: _u, version: _v, ...bad} = RECORD
    expect(new LogLine(compiled.value).render(bad)).toBe('"<BADREQ>" - <BADREQ> <BADREQ> <BADREQ> <BADREQ> "<BADREQ>"')
  })

  it('writes no capture blocks nor their separators for <BADREQ>, as HAProxy has no capture slots then', () => {
    const compiled = compileLogFormat('%hr %hs %hrl %hsl %{+Q}r %ST')
    if (!compiled.ok) throw new Error(compiled.problem)
    const {method: _m, uri: _u, version: _v, ...bad} = RECORD
    const line = new LogLine(compiled.value, 2, 1)
    expect(line.render({...bad, status: 400})).toBe('"<BADREQ>" 400')
    expect(line.render(RECORD)).toBe('{|} {} - - - "GET /a?b=c HTTP/1.1" 200')
  })

  it('tarpit: TR -1, the time held since accept + 1 in Tw, state PT', () => {
    const log = new StreamLog(1000, 1010)
    log.headMs = 1020
    log.tarpitEndMs = 1320
    log.fail('P', 'T')
    log.fail('P', 'R')
    expect(log.timers(1321)).toMatchObject({TR: -1, Tw: 321, Tc: -1, Tr: -1, Ti: 10, Ta: 311, Tt: 321})
    expect(log.state).toBe('PT')
  })

  it.each([
    ['%[src]', 'sample expressions'],
    ['%zz', "no such format variable '%zz'"],
    ['%{+Q r', "missing '}'"],
  ])('refuses %s', (text, problem) => {
    const compiled = compileLogFormat(text)
    expect(compiled.ok).toBe(false)
    if (!compiled.ok) expect(compiled.problem).toContain(problem)
  })

  it('frames rfc3164 with a space-padded day and rfc5424 with microseconds', () => {
    const micros = new Date(2026, 10, 1, 7, 5, 9, 123).getTime() * 1000 + 456
    expect(frame('rfc3164', 16, 6, 'msg', {tag: 'haproxy', pid: 42}, micros, 1024)).toBe('<134>Nov  1 07:05:09 haproxy[42]: msg\n')
    expect(frame('rfc5424', 16, 6, 'msg', {tag: 'haproxy', pid: 42, hostname: 'lb1'}, micros, 1024)).toMatch(/^<134>1 2026-11-01T07:05:09\.123456[+-]\d\d:\d\d lb1 haproxy 42 - - msg\n$/)
    expect(frame('raw', 16, 6, 'x'.repeat(100), {tag: 'haproxy', pid: 42}, micros, 80)).toBe(`${'x'.repeat(80)}\n`)
  })
})

describe('the engine logging to stdout and to a file', () => {
  let backend: ScriptedBackend
  let dir: string
  beforeAll(async () => {
    backend = await scriptedBackend()
    dir = mkdtempSync(join(tmpdir(), 'lbctl-log-units-'))
  })
  afterAll(async () => {
    await backend.close()
    rmSync(dir, {recursive: true, force: true})
  })

  async function withEngine(cfg: string, run: (stdout: () => string) => Promise<void>): Promise<void> {
    const parse = parseHaproxyFiles([{path: 'test.cfg', text: cfg}])
    const planned = planEngine(parse.model)
    if (!planned.ok) throw new Error(planned.problems.join('; '))
    const stream = new PassThrough()
    let out = ''
    stream.on('data', (c: Buffer) => (out += c.toString()))
    const engine = new ProxyEngine(planned.plan, {logStreams: {stdout: stream}})
    await engine.start()
    try {
      await run(() => out)
    } finally {
      await engine.stop(0)
    }
  }

  it('log stdout format raw, file@, the Connect line without a log format, dontlognull, no log', async () => {
    const [web, plain, quiet] = [await freePort(), await freePort(), await freePort()]
    const file = join(dir, 'access.log')
    const cfg = `global
  log stdout format raw local0
defaults
  mode http
  log global
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend web
  bind 127.0.0.1:${web}
  option httplog
  option dontlognull
  log file@${file} local0
  default_backend app
frontend plain
  bind 127.0.0.1:${plain}
  default_backend app
frontend quiet
  bind 127.0.0.1:${quiet}
  no log
  option httplog
  default_backend app
backend app
  server s1 127.0.0.1:${backend.port}
`
    await withEngine(cfg, async (stdout) => {
      await request(web, '/one')
      await request(quiet, '/quiet')
      await request(plain, '/two')
      // A connection that sends nothing: not logged with dontlognull.
      await new Promise<void>((resolve) => {
        const s = connect(web, '127.0.0.1', () => s.end())
        s.on('close', () => resolve())
      })
      await waitFor(() => stdout().split('\n').length >= 3)
      const lines = stdout().trim().split('\n')
      expect(lines).toHaveLength(2)
      expect(lines[0]).toMatch(/^127\.0\.0\.1:\d+ \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d\.\d{3}\] web app\/s1 \d+\/\d+\/\d+\/\d+\/\d+ 200 \d+ - - ---- \d+\/\d+\/0\/0\/0 0\/0 "GET \/one HTTP\/1\.1"$/)
      expect(lines[1]).toMatch(/^Connect from 127\.0\.0\.1:\d+ to 127\.0\.0\.1:\d+ \(plain\/HTTP\)$/)
      await waitFor(() => readFileSync(file, 'utf8').includes('GET /one'))
      expect(readFileSync(file, 'utf8')).toMatch(/^<134>\w{3} [ \d]\d \d\d:\d\d:\d\d haproxy\[\d+\]: 127\.0\.0\.1:\d+ .* "GET \/one HTTP\/1\.1"\n$/)
    })
  })

  it('option log-separate-errors sends failed streams at level err; logasap is refused', async () => {
    const [web, dead] = [await freePort(), await freePort()]
    const cfg = `global
  log stdout format short local0
defaults
  mode http
  log global
  option httplog
  option log-separate-errors
  retries 0
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend web
  bind 127.0.0.1:${web}
  use_backend down if { path /down }
  default_backend app
backend app
  server s1 127.0.0.1:${backend.port}
backend down
  server s2 127.0.0.1:${dead}
`
    await withEngine(cfg, async (stdout) => {
      await request(web, '/fine')
      await request(web, '/down')
      await waitFor(() => stdout().split('\n').length >= 3)
      const lines = stdout().trim().split('\n')
      expect(lines[0]).toMatch(/^<6>.* 200 .*"GET \/fine HTTP\/1\.1"$/)
      expect(lines[1]).toMatch(/^<3>.* 503 .* SC-- .*"GET \/down HTTP\/1\.1"$/)
    })
    const refused = planEngine(parseHaproxyFiles([{path: 't.cfg', text: `${cfg.replace('option log-separate-errors', 'option logasap')}`}]).model)
    expect(!refused.ok && refused.problems.join('\n')).toMatch(/t\.cfg:\d+: .*option logasap is not supported by the bundled engine yet/)
  })

  it('a unix socket nobody listens on is reported once, and requests still go through', async () => {
    const web = await freePort()
    const parse = parseHaproxyFiles([{path: 't.cfg', text: `global\n  log ${join(dir, 'no-syslog.sock')} local0 info\ndefaults\n  mode http\n  log global\n  option httplog\n  timeout connect 1s\n  timeout client 5s\n  timeout server 5s\nfrontend web\n  bind 127.0.0.1:${web}\n  default_backend app\nbackend app\n  server s1 127.0.0.1:${backend.port}\n`}])
    const planned = planEngine(parse.model)
    if (!planned.ok) throw new Error(planned.problems.join('; '))
    const events: string[] = []
    const engine = new ProxyEngine(planned.plan, {onEvent: (e) => e.type === 'log' && events.push(e.message)})
    await engine.start()
    try {
      expect(await request(web, '/a')).toMatch(/^HTTP\/1\.1 200/)
      expect(await request(web, '/b')).toMatch(/^HTTP\/1\.1 200/)
      await waitFor(() => events.length > 0)
      expect(events).toEqual([expect.stringMatching(/^\[WARNING\] log .*no-syslog\.sock: cannot send: (ENOENT|unix datagram sockets need the unix-dgram package)/)])
    } finally {
      await engine.stop(0)
    }
  })
})
