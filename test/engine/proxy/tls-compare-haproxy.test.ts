/**
 * TLS termination: one config (a `crt DIR` bind with alpn, a `crt FILE` bind without, a mode tcp ssl bind,
 * ssl_fc routing) under real haproxy 2.6 and under the bundled engine, with certificates made here by the
 * openssl CLI. Both must present the same certificate for each SNI, agree on the same ALPN protocol, and
 * route and answer the same over TLS and in clear.
 */
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {connect as tcpConnect} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {connect as tlsConnect} from 'node:tls'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseHaproxyFiles} from '../../../src/config/haproxy/index.js'
import {ProxyEngine} from '../../../src/engine/proxy/engine.js'
import {planEngine} from '../../../src/engine/proxy/plan.js'
import {requireBinary} from '../../helpers/oracles.js'
import {freePort, namedBackend, type NamedBackend, startHaproxy} from './helpers.js'
import {echoBackend, type EchoBackend} from './http-helpers.js'
import {makeCertificate} from './tls-helpers.js'

const hasTools = requireBinary('haproxy') && requireBinary('openssl')

interface Handshake {
  cn: string
  alpn: string | false
}

function handshake(port: number, servername: string | undefined, alpn?: string[]): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({host: '127.0.0.1', port, rejectUnauthorized: false, ...(servername ? {servername} : {}), ...(alpn ? {ALPNProtocols: alpn} : {})}, () => {
      const cn = socket.getPeerCertificate().subject?.CN
      resolve({cn: Array.isArray(cn) ? cn.join(',') : (cn ?? ''), alpn: socket.alpnProtocol ?? false})
      socket.destroy()
    })
    socket.on('error', reject)
  })
}

/** One request with Connection: close, over TLS or in clear; the status line and the body. */
function request(port: number, tls: boolean, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls ? tlsConnect({host: '127.0.0.1', port, rejectUnauthorized: false, servername: 'a.example.test'}) : tcpConnect({host: '127.0.0.1', port})
    let text = ''
    socket.on(tls ? 'secureConnect' : 'connect', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: www.example.test\r\nConnection: close\r\n\r\n`))
    socket.on('data', (c: Buffer) => (text += c.toString()))
    socket.on('end', () => {
      const [head = '', body = ''] = text.split('\r\n\r\n')
      const lines = head.split('\r\n')
      const location = lines.find((l) => l.toLowerCase().startsWith('location:'))
      resolve([lines[0], location, body].filter((x) => x !== undefined).join(' | '))
    })
    socket.on('error', reject)
  })
}

/** Reads what a mode tcp server sends over TLS until it closes. */
function tcpOverTls(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({host: '127.0.0.1', port, rejectUnauthorized: false})
    let text = ''
    socket.on('data', (c: Buffer) => (text += c.toString()))
    socket.on('end', () => resolve(text.trim()))
    socket.on('error', reject)
  })
}

describe.skipIf(!hasTools)('TLS termination, compared with real haproxy', () => {
  let dir: string
  let plain: EchoBackend
  let secure: EchoBackend
  let tcpName: NamedBackend
  let haproxy: Awaited<ReturnType<typeof startHaproxy>> | undefined
  let engine: ProxyEngine | undefined
  const events: string[] = []
  const ports = {haproxy: {clear: 0, dir: 0, file: 0, tcp: 0}, engine: {clear: 0, dir: 0, file: 0, tcp: 0}}

  const config = (p: typeof ports.haproxy, statsPort?: number) => `global
    crt-base ${dir}
defaults
    mode http
    timeout connect 2s
    timeout client 5s
    timeout server 5s
frontend www
    bind 127.0.0.1:${p.clear}
    bind 127.0.0.1:${p.dir} ssl crt certs alpn h2,http/1.1
    bind 127.0.0.1:${p.file} ssl crt ${dir}/single.pem
    http-request redirect scheme https if !{ ssl_fc } { path_beg /login }
    use_backend secure if { ssl_fc }
    default_backend plain
backend plain
    server p 127.0.0.1:${plain.port}
backend secure
    server s 127.0.0.1:${secure.port}
listen tcp_tls
    mode tcp
    bind 127.0.0.1:${p.tcp} ssl crt ${dir}/single.pem
    server t 127.0.0.1:${tcpName.port}
${statsPort ? `listen ready\n    bind 127.0.0.1:${statsPort}\n    server x 127.0.0.1:${plain.port}\n` : ''}`

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lbctl-tls-'))
    mkdirSync(join(dir, 'certs'))
    // Alphabetical order makes 00default.pem the default certificate of the directory.
    makeCertificate(join(dir, 'certs', '00default.pem'), 'default.test')
    makeCertificate(join(dir, 'certs', 'a.pem'), 'a.example.test', [], 'rsa')
    makeCertificate(join(dir, 'certs', 'b.pem'), 'bee', ['b.example.test', 'b2.example.test'])
    makeCertificate(join(dir, 'certs', 'w.pem'), 'wild', ['*.wild.test'])
    // A certificate whose key sits next to it in FILE.key (a reserved extension the directory scan skips).
    makeCertificate(join(dir, 'certs', 'k.pem'), 'keyfile.test')
    const [cert, key] = readFileSync(join(dir, 'certs', 'k.pem'), 'utf8').split(/(?=-----BEGIN PRIVATE KEY-----)/)
    writeFileSync(join(dir, 'certs', 'k.pem'), cert ?? '')
    writeFileSync(join(dir, 'certs', 'k.pem.key'), key ?? '')
    makeCertificate(join(dir, 'single.pem'), 'single.test')
    ;[plain, secure, tcpName] = await Promise.all([echoBackend('plain'), echoBackend('secure'), namedBackend('tcp-over-tls')])
    for (const side of [ports.haproxy, ports.engine]) for (const k of ['clear', 'dir', 'file', 'tcp'] as const) side[k] = await freePort()
    const ready = await freePort()
    haproxy = await startHaproxy(config(ports.haproxy, ready), ready)
    const parse = parseHaproxyFiles([{path: 'tls.cfg', text: config(ports.engine)}])
    expect(parse.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
    const planned = planEngine(parse.model)
    if (!planned.ok) throw new Error(planned.problems.join('; '))
    engine = new ProxyEngine(planned.plan, {onEvent: (e) => events.push(e.type === 'log' ? e.message : e.type)})
    await engine.start()
  }, 60_000)

  afterAll(async () => {
    await engine?.stop(0)
    await haproxy?.stop()
    await Promise.all([plain?.close(), secure?.close(), tcpName?.close()])
    rmSync(dir, {recursive: true, force: true})
  })

  it.each([
    ['exact CN', 'a.example.test'],
    ['CN in another case', 'A.Example.TEST'],
    ['subjectAltName', 'b2.example.test'],
    ['key in FILE.key', 'keyfile.test'],
    ['wildcard, one label', 'x.wild.test'],
    ['wildcard does not cover two labels: default', 'deep.x.wild.test'],
    ['wildcard does not cover its base name: default', 'wild.test'],
    ['unknown name: default', 'nowhere.test'],
    ['no SNI: default', undefined],
  ])('SNI %s picks the same certificate', async (_label, servername) => {
    const [theirs, ours] = await Promise.all([handshake(ports.haproxy.dir, servername), handshake(ports.engine.dir, servername)])
    expect(ours).toEqual(theirs)
  })

  it.each([
    ['http/1.1 only', 'dir', ['http/1.1']],
    ['nothing in common: no ALPN, no alert', 'dir', ['spdy/3']],
    ['no ALPN offered', 'dir', undefined],
    ['bind without alpn: none negotiated', 'file', ['h2', 'http/1.1']],
  ] as const)('ALPN: %s', async (_label, bind, alpn) => {
    const offer = alpn ? [...alpn] : undefined
    const [theirs, ours] = await Promise.all([handshake(ports.haproxy[bind], 'a.example.test', offer), handshake(ports.engine[bind], 'a.example.test', offer)])
    expect(ours).toEqual(theirs)
  })

  it('ALPN: a browser offering h2,http/1.1 gets http/1.1 (haproxy would speak h2, which the engine does not)', async () => {
    const offer = ['h2', 'http/1.1']
    const [theirs, ours] = await Promise.all([handshake(ports.haproxy.dir, 'a.example.test', offer), handshake(ports.engine.dir, 'a.example.test', offer)])
    expect(theirs).toEqual({cn: 'a.example.test', alpn: 'h2'})
    expect(ours).toEqual({cn: 'a.example.test', alpn: 'http/1.1'})
  })

  it('a crt FILE bind serves that certificate whatever the SNI', async () => {
    const [theirs, ours] = await Promise.all([handshake(ports.haproxy.file, 'a.example.test'), handshake(ports.engine.file, 'a.example.test')])
    expect(ours).toEqual({cn: 'single.test', alpn: false})
    expect(ours).toEqual(theirs)
  })

  it.each([
    ['ssl_fc routes TLS to secure', 'dir', true, '/x'],
    ['in clear to plain', 'clear', false, '/x'],
    ['redirect scheme https if !{ ssl_fc } in clear', 'clear', false, '/login?a=1'],
    ['no redirect over TLS', 'file', true, '/login?a=1'],
  ] as const)('HTTP: %s', async (_label, bind, tls, path) => {
    const [theirs, ours] = await Promise.all([request(ports.haproxy[bind], tls, path), request(ports.engine[bind], tls, path)])
    expect(ours).toEqual(theirs)
    expect(ours).toMatch(/^HTTP\/1\.1 (200|302)/)
  })

  it('mode tcp terminates TLS and forwards the clear bytes', async () => {
    const [theirs, ours] = await Promise.all([tcpOverTls(ports.haproxy.tcp), tcpOverTls(ports.engine.tcp)])
    expect(ours).toBe('tcp-over-tls')
    expect(ours).toBe(theirs)
  })

  it('says once that h2 is not served', () => {
    expect(events.filter((e) => e.includes('alpn h2'))).toEqual([`[WARNING] tls.cfg:10: bind 127.0.0.1:${ports.engine.dir}: alpn h2 is not implemented by the bundled engine: only http/1.1 is negotiated`])
  })

  it('closes a connection that sends no handshake within timeout client', async () => {
    // Garbage instead of a ClientHello: the handshake fails and the connection closes, as with haproxy.
    const closed = (port: number) =>
      new Promise<string>((resolve) => {
        const s = tcpConnect({host: '127.0.0.1', port}, () => s.write('GET / HTTP/1.1\r\n\r\n'))
        let got = ''
        s.on('data', (c: Buffer) => (got += c.toString()))
        s.on('error', () => {})
        s.on('close', () => resolve(got.startsWith('HTTP') ? 'http answer' : 'closed'))
      })
    const [theirs, ours] = await Promise.all([closed(ports.haproxy.dir), closed(ports.engine.dir)])
    expect(ours).toBe('closed')
    expect(ours).toBe(theirs)
  })
})
