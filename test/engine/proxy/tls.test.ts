/**
 * TLS termination pieces: certificate loading errors in HAProxy's wording (checked against haproxy -c),
 * the ClientHello reader on real ClientHellos, strict-sni, and a reload that swaps the certificate.
 */
import {execFileSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createServer, type AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {connect as tlsConnect} from 'node:tls'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseHaproxyFiles} from '../../../src/config/haproxy/index.js'
import {ProxyEngine} from '../../../src/engine/proxy/engine.js'
import {planEngine} from '../../../src/engine/proxy/plan.js'
import {readClientHello} from '../../../src/engine/proxy/tls/index.js'
import {requireBinary} from '../../helpers/oracles.js'
import {freePort, namedBackend, type NamedBackend} from './helpers.js'
import {makeCertificate} from './tls-helpers.js'

const hasOpenssl = requireBinary('openssl')
const hasHaproxy = requireBinary('haproxy')

/** The first bytes a Node TLS client sends: its ClientHello. */
function captureClientHello(options: {servername?: string; ALPNProtocols?: string[]}): Promise<Buffer> {
  return new Promise((resolve) => {
    const server = createServer((socket) => {
      socket.once('data', (chunk: Buffer) => {
        resolve(chunk)
        socket.destroy()
        server.close()
      })
    })
    server.listen(0, '127.0.0.1', () => {
      const client = tlsConnect({host: '127.0.0.1', port: (server.address() as AddressInfo).port, rejectUnauthorized: false, ...options})
      client.on('error', () => {})
    })
  })
}

describe('readClientHello', () => {
  it('reads the server name and the ALPN offer of a real ClientHello', async () => {
    const hello = await captureClientHello({servername: 'www.example.test', ALPNProtocols: ['h2', 'http/1.1']})
    expect(readClientHello(hello)).toEqual({status: 'hello', alpn: ['h2', 'http/1.1'], serverName: 'www.example.test'})
  })

  it('a ClientHello without SNI nor ALPN', async () => {
    expect(readClientHello(await captureClientHello({}))).toEqual({status: 'hello', alpn: []})
  })

  it('asks for more until the record is whole, and gives up on what is not TLS', async () => {
    const hello = await captureClientHello({servername: 'a.test'})
    expect(readClientHello(hello.subarray(0, 3))).toEqual({status: 'more'})
    expect(readClientHello(hello.subarray(0, hello.length - 1))).toEqual({status: 'more'})
    expect(readClientHello(Buffer.from('GET / HTTP/1.1\r\n'))).toEqual({status: 'other'})
    expect(readClientHello(Buffer.from([0x16, 3, 1, 0xff, 0xff]))).toEqual({status: 'other'})
  })
})

const plan = (cfg: string) => {
  const parse = parseHaproxyFiles([{path: 'p.cfg', text: cfg}])
  return planEngine(parse.model)
}
const frontend = (bindOptions: string, global = '') => `${global}defaults
    mode http
    timeout connect 1s
    timeout client 1s
    timeout server 1s
frontend fe
    bind 127.0.0.1:1 ssl ${bindOptions}
    default_backend be
backend be
    server s 127.0.0.1:2
`

describe.skipIf(!hasOpenssl)('bind ssl: certificate problems are startup errors naming file:line', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lbctl-tlsplan-'))
    makeCertificate(join(dir, 'good.pem'), 'good.test')
    makeCertificate(join(dir, 'other.pem'), 'other.test')
    const [cert, key] = readFileSync(join(dir, 'good.pem'), 'utf8').split(/(?=-----BEGIN PRIVATE KEY-----)/)
    const otherKey = readFileSync(join(dir, 'other.pem'), 'utf8').split(/(?=-----BEGIN PRIVATE KEY-----)/)[1]
    writeFileSync(join(dir, 'nokey.pem'), cert ?? '')
    writeFileSync(join(dir, 'mismatch.pem'), (cert ?? '') + (otherKey ?? ''))
    writeFileSync(join(dir, 'garbage.pem'), 'not a certificate\n')
    writeFileSync(join(dir, 'key-only.pem'), key ?? '')
    mkdirSync(join(dir, 'empty'))
  })
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  // HAProxy's message for each, after `parsing [file:line] : 'bind ...' in section 'frontend' :`.
  it.each([
    ['missing.pem', "unable to stat SSL certificate from file '%D/missing.pem' : No such file or directory."],
    ['nokey.pem', "No Private Key found in '%D/nokey.pem.key'."],
    ['mismatch.pem', "inconsistencies between private key and certificate loaded '%D/mismatch.pem'."],
    ['garbage.pem', "unable to load certificate from file '%D/garbage.pem'."],
    ['key-only.pem', "unable to load certificate from file '%D/key-only.pem'."],
  ])('crt %s', (file, message) => {
    const expected = message.replace('%D', dir)
    const result = plan(frontend(`crt ${dir}/${file}`))
    expect(result).toEqual({ok: false, problems: [`p.cfg:7: bind 127.0.0.1:1: ${expected}`]})
    if (hasHaproxy) {
      const cfgPath = join(dir, 'h.cfg')
      writeFileSync(cfgPath, frontend(`crt ${dir}/${file}`))
      let out = ''
      try {
        execFileSync('haproxy', ['-c', '-f', cfgPath], {stdio: 'pipe'})
      } catch (error) {
        out = String((error as {stderr?: Buffer}).stderr)
      }
      expect(out).toContain(expected)
    }
  })

  it('an empty directory has no certificate', () => {
    expect(plan(frontend(`crt ${dir}/empty`))).toEqual({ok: false, problems: ["p.cfg:7: bind 127.0.0.1:1: no SSL certificate specified for bind (use 'crt')."]})
  })

  it('crt-base resolves relative crt paths', () => {
    expect(plan(frontend('crt good.pem', `global\n    crt-base ${dir}\n`)).ok).toBe(true)
  })

  it.each([
    ['crt-list', `crt-list ${'/x'}`],
    ['verify required', 'crt %D/good.pem verify required ca-file %D/good.pem'],
  ])('refuses what it cannot honour: %s', (_label, options) => {
    const result = plan(frontend(options.replaceAll('%D', dir)))
    expect(result.ok).toBe(false)
    expect(result.ok ? '' : result.problems.join()).toMatch(/not supported by the bundled engine yet/)
  })
})

describe.skipIf(!hasOpenssl)('strict-sni and reload', () => {
  let dir: string
  let backend: NamedBackend
  let engine: ProxyEngine | undefined
  let port: number
  const cfg = (crt: string, strict: boolean) => `defaults
    mode tcp
    timeout connect 1s
    timeout client 2s
    timeout server 2s
listen l
    bind 127.0.0.1:${port} ssl crt ${join(dir, crt)}${strict ? ' strict-sni' : ''}
    server s 127.0.0.1:${backend.port}
`
  const planOf = (text: string) => {
    const planned = planEngine(parseHaproxyFiles([{path: 'r.cfg', text}]).model)
    if (!planned.ok) throw new Error(planned.problems.join('; '))
    return planned.plan
  }
  const served = (servername?: string, maxVersion?: 'TLSv1.2') =>
    new Promise<string>((resolve) => {
      const socket = tlsConnect({host: '127.0.0.1', port, rejectUnauthorized: false, ...(servername ? {servername} : {}), ...(maxVersion ? {maxVersion} : {})}, () => {
        resolve(String(socket.getPeerCertificate().subject?.CN))
        socket.destroy()
      })
      socket.on('error', () => resolve('refused'))
    })

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lbctl-tlsreload-'))
    makeCertificate(join(dir, 'one.pem'), 'one.test')
    makeCertificate(join(dir, 'two.pem'), 'two.test')
    backend = await namedBackend('b')
    port = await freePort()
  })
  afterAll(async () => {
    await engine?.stop(0)
    await backend?.close()
    rmSync(dir, {recursive: true, force: true})
  })

  it('strict-sni refuses unknown or missing names; a reload swaps certificate and options on the same socket', async () => {
    engine = new ProxyEngine(planOf(cfg('one.pem', true)))
    await engine.start()
    expect(await served('one.test')).toBe('one.test')
    expect(await served('other.test')).toBe('refused')
    expect(await served()).toBe('refused')
    await engine.reload(planOf(cfg('two.pem', false)))
    expect(await served('other.test')).toBe('two.test')
    expect(await served()).toBe('two.test')
    expect(await served(undefined, 'TLSv1.2')).toBe('two.test')
    await engine.reload(planOf(cfg('two.pem ssl-min-ver TLSv1.3', false)))
    expect(await served(undefined, 'TLSv1.2')).toBe('refused')
    expect(await served()).toBe('two.test')
  })
})
