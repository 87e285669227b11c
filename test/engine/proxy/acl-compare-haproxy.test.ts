/**
 * ACLs against real haproxy 2.6: every expression of the unit table evaluated by haproxy (through
 * `http-request set-var ... if ACL`, answered with `http-request return`), and the seeds' ACL routing
 * configs run under both with the same requests, the same backend answering each.
 */
import {readFileSync} from 'node:fs'
import {connect} from 'node:net'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {compileExpression} from '../../../src/engine/proxy/acl/index.js'
import {requireBinary} from '../../helpers/oracles.js'
import {aclRequest, CASES, type CaseRequest, REQUESTS} from './acl-cases.js'
import {echoBackend, type EchoBackend, RawClient} from './http-helpers.js'
import {freePort, startEngine, startHaproxy} from './helpers.js'

const hasHaproxy = requireBinary('haproxy')

function rawRequest(r: CaseRequest): string {
  const head = [r.line, ...(r.headers ?? []).map(([n, v]) => `${n}: ${v}`), 'Connection: close'].join('\r\n')
  const length = r.headers?.find(([n]) => n.toLowerCase() === 'content-length')?.[1]
  return `${head}\r\n\r\n${'x'.repeat(Number(length ?? 0))}`
}

/** Sends one request on its own connection, returns the response body. */
function ask(port: number, raw: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({port, host: '127.0.0.1'})
    let text = ''
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error('no answer in time'))
    }, 3000)
    socket.on('data', (c: Buffer) => (text += c.toString('latin1')))
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(text.slice(text.indexOf('\r\n\r\n') + 4))
    })
    socket.on('error', () => {})
    socket.write(raw)
  })
}

describe.skipIf(!hasHaproxy)('ACL expressions: bundled engine = real haproxy', () => {
  it('every expression of the table matches the same requests', async () => {
    const [front, stats] = [await freePort(), await freePort()]
    const acls = CASES.map(([expression], i) => `  acl a${i} ${expression}\n  http-request set-var(txn.a${i}) str(1) if a${i}`).join('\n')
    const format = CASES.map((_, i) => `%[var(txn.a${i})]`).join('|')
    const cfg = `global
  stats socket ipv4@127.0.0.1:${stats} level admin
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend f
  bind 127.0.0.1:${front}
${acls}
  http-request return status 200 content-type text/plain lf-string "${format}"
`
    const real = await startHaproxy(cfg, stats)
    const haproxy: Record<string, string[]> = {}
    try {
      for (const [name, r] of Object.entries(REQUESTS)) {
        const flags = (await ask(front, rawRequest(r))).split('|')
        haproxy[name] = CASES.filter((_, i) => flags[i] === '1').map(([e]) => e)
      }
    } finally {
      await real.stop()
    }
    const ours: Record<string, string[]> = {}
    for (const [name, r] of Object.entries(REQUESTS)) {
      ours[name] = CASES.filter(([expression]) => {
        const compiled = compileExpression(expression.split(' '))
        return compiled.ok && compiled.value.test(aclRequest(r))
      }).map(([e]) => e)
    }
    expect(ours).toEqual(haproxy)
  })
})

describe.skipIf(!hasHaproxy)('seed ACL routing: bundled engine = real haproxy', () => {
  const names = ['web1', 'web2', 'web3']
  let servers: EchoBackend[] = []
  beforeAll(async () => {
    servers = await Promise.all(names.map((n) => echoBackend(n)))
  })
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()))
  })

  /** The seed on loopback: no TLS bind nor its https redirect, no cookie persistence (not run yet), local servers. */
  function adapt(seed: string, front: number, stats: number): string {
    const ips = ['10.230.150.68', '10.230.150.69', '10.230.150.70']
    let body = seed
      .split('\n')
      .filter((l) => !/^\s*(bind :443|redirect scheme|cookie )/.test(l))
      .join('\n')
      .replace(/bind :80\b/, `bind 127.0.0.1:${front}`)
    ips.forEach((ip, i) => (body = body.replace(`${ip}:80`, `127.0.0.1:${servers[i]!.port}`)))
    return `global\n  stats socket ipv4@127.0.0.1:${stats} level admin\ndefaults\n  mode http\n  timeout connect 1s\n  timeout client 5s\n  timeout server 5s\n${body}\n`
  }

  /** Which server answered each request: all on one keep-alive connection, then each on its own. */
  async function answers(port: number, requests: string[]): Promise<string[]> {
    const out: string[] = []
    const client = new RawClient(port)
    try {
      for (const r of requests) {
        client.send(r)
        out.push((await client.next()).body.split(' ')[0] ?? '')
      }
    } finally {
      client.close()
    }
    for (const r of requests) out.push((await ask(port, r.replace('\r\n\r\n', '\r\nConnection: close\r\n\r\n'))).split(' ')[0] ?? '')
    return out
  }

  const get = (path: string, host?: string) => `GET ${path} HTTP/1.1\r\n${host === undefined ? '' : `Host: ${host}\r\n`}\r\n`
  const SEEDS: [string, string[], string[]][] = [
    [
      '000-haproxy-acl-path.cfg',
      [get('/test1', 'a'), get('/test1/x?y=1', 'a'), get('/test2abc', 'a'), get('/', 'a'), get('/other/test1', 'a'), get('/TEST1', 'a'), get('http://h/test2/z', 'h')],
      ['web2', 'web2', 'web3', 'web1', 'web1', 'web1', 'web3'],
    ],
    [
      '000-haproxy-acl-host.cfg',
      [get('/', 'www.test1.com'), get('/x', 'www.test1.com:8080'), get('/', 'www.test2.com.cn'), get('/', 'WWW.TEST1.COM'), get('/', 'test1.com'), 'GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n', get('/test1', 'other')],
      ['web2', 'web2', 'web3', 'web1', 'web1', 'web1', 'web1'],
    ],
  ]

  it.each(SEEDS)('%s', async (file, requests, expected) => {
    const seed = readFileSync(new URL(`../../fixtures/seeds/${file}`, import.meta.url), 'utf8')
    const [front, stats] = [await freePort(), await freePort()]
    const cfg = adapt(seed, front, stats)
    const real = await startHaproxy(cfg, stats)
    let haproxy: string[]
    try {
      haproxy = await answers(front, requests)
    } finally {
      await real.stop()
    }
    const engine = startEngine(cfg)
    await engine.start()
    try {
      const ours = await answers(front, requests)
      expect(ours).toEqual(haproxy)
      expect(ours).toEqual([...expected, ...expected])
    } finally {
      await engine.stop()
    }
  })
})
