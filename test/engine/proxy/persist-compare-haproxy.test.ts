/**
 * Persistence and connection rules against real haproxy 2.6, same config and requests on both:
 * a cookie whose server failed its health checks is balanced elsewhere and replaced; `option
 * redispatch` moves a cookie-pinned request off a server that refuses connections; `tcp-request
 * connection accept|reject` by source address in mode tcp and mode http.
 */
import {connect} from 'node:net'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {requireBinary} from '../../helpers/oracles.js'
import {freePort, startEngine, startHaproxy, waitFor} from './helpers.js'
import {exchangeRaw, headEcho, type HeadEcho} from './rules-helpers.js'

const hasHaproxy = requireBinary('haproxy')

/** One `show stat` column of one row (proxy, server/FRONTEND/BACKEND) over the TCP stats socket. */
function statColumn(statsPort: number, backend: string, server: string, column = 'status'): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({port: statsPort, host: '127.0.0.1'}, () => socket.write('show stat\n'))
    let text = ''
    socket.on('data', (c: Buffer) => (text += c.toString()))
    socket.on('error', () => resolve(''))
    socket.on('end', () => {
      const header = text.split('\n')[0]!.replace(/^# /, '').split(',')
      const row = text.split('\n').find((l) => l.startsWith(`${backend},${server},`))?.split(',') ?? []
      resolve(row[header.indexOf(column)] ?? '')
    })
  })
}

/** What a connection from `src` gets: the first line of the answer, or `closed` when nothing came. */
function fromSource(port: number, src: string, raw: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({port, host: '127.0.0.1', localAddress: src})
    let text = ''
    socket.on('connect', () => socket.write(raw))
    socket.on('data', (c: Buffer) => {
      text += c.toString('latin1')
      // The echo keeps its connection open: its first body line is the answer.
      if (/\r\n\r\n[^\n]*\n/.test(text)) socket.destroy()
    })
    socket.on('close', () => resolve(text === '' ? 'closed' : (text.split('\r\n\r\n')[1]?.split('\n')[0] ?? text.split('\r\n')[0]!)))
    socket.on('error', () => {})
    setTimeout(() => socket.destroy(), 2000)
  })
}

describe.skipIf(!hasHaproxy)('persistence and tcp-request connection: bundled engine = real haproxy', () => {
  let a: HeadEcho
  let b: HeadEcho
  let dead: number
  beforeAll(async () => {
    ;[a, b] = await Promise.all([headEcho('a', ''), headEcho('b', '')])
    dead = await freePort()
  })
  afterAll(async () => {
    await Promise.all([a.close(), b.close()])
  })

  it('breaks persistence to a DOWN server, and redispatches away from a refusing one', async () => {
    const [front, stats, check] = [await freePort(), await freePort(), await freePort()]
    // `check port` points the health checks of `a` at a listener the test closes: `a` goes DOWN while still serving.
    const checkTarget = await headEcho('check', '', check)
    const cfg = `global
  stats socket ipv4@127.0.0.1:${stats} level admin
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend f
  bind 127.0.0.1:${front}
  use_backend r if { path_beg /r }
  default_backend c
backend c
  cookie SRV insert indirect nocache
  option httpchk GET /
  default-server inter 100 fall 1 rise 1
  server a 127.0.0.1:${a.port} cookie a check port ${check}
  server b 127.0.0.1:${b.port} cookie b check
backend r
  option redispatch
  retries 1
  cookie SRV insert indirect
  server gone 127.0.0.1:${dead} cookie g
  server b 127.0.0.1:${b.port} cookie b
`
    const run = async (serve: () => Promise<{stop(): Promise<void>}>) => {
      const checker = await headEcho('check', '', check).catch(() => checkTarget)
      const proxy = await serve()
      try {
        await waitFor(async () => (await statColumn(stats, 'c', 'a')) === 'UP', 5000)
        const get = (path: string, cookie: string) => exchangeRaw(front, `GET ${path} HTTP/1.1\r\nHost: h\r\nCookie: ${cookie}\r\nConnection: close\r\n\r\n`, 3000, 4000)
        const out = [(await get('/', 'SRV=a')).text]
        await checker.close()
        await waitFor(async () => (await statColumn(stats, 'c', 'a')).startsWith('DOWN'), 5000)
        out.push((await get('/', 'SRV=a')).text, (await get('/', 'SRV=b')).text, (await get('/r', 'SRV=g')).text)
        return out
      } finally {
        await proxy.stop()
      }
    }
    await checkTarget.close()
    const haproxy = await run(() => startHaproxy(cfg, stats))
    const ours = await run(async () => {
      const engine = startEngine(cfg)
      await engine.start()
      return {stop: () => engine.stop()}
    })
    expect(ours).toEqual(haproxy)
    expect(haproxy[0]).toMatch(/\r\n\r\na\n/)
    expect(haproxy[1]).toMatch(/set-cookie: SRV=b; path=\/\r\n[^]*\r\n\r\nb\n/)
    expect(haproxy[3]).toMatch(/set-cookie: SRV=b; path=\/\r\n[^]*\r\n\r\nb\n/)
  })

  it('use-server picks its server before the cookie, skipping one in maintenance', async () => {
    const [front, stats] = [await freePort(), await freePort()]
    const cfg = `global
  stats socket ipv4@127.0.0.1:${stats} level admin
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
listen u
  bind 127.0.0.1:${front}
  cookie SRV insert indirect
  use-server m if { path /to-m }
  use-server b if { path /to-b } || { path /to-m }
  use-server a if { path /to-a } !{ req.hdr(x-skip) -m found }
  server a 127.0.0.1:${a.port} cookie a
  server b 127.0.0.1:${b.port} cookie b
  server m 127.0.0.1:${a.port} cookie m disabled
`
    const observe = async () => {
      const out: string[] = []
      for (const [path, extra] of [['/to-b', ''], ['/to-b', 'Cookie: SRV=a\r\n'], ['/x', 'Cookie: SRV=a\r\n'], ['/x', ''], ['/to-m', ''], ['/to-a', 'X-Skip: 1\r\n'], ['/to-a', 'Cookie: SRV=b\r\n']] as const) {
        out.push((await exchangeRaw(front, `GET ${path} HTTP/1.1\r\nHost: h\r\n${extra}Connection: close\r\n\r\n`, 3000, 3000)).text)
      }
      return out
    }
    const real = await startHaproxy(cfg, stats)
    let haproxy: string[]
    try {
      haproxy = await observe()
    } finally {
      await real.stop()
    }
    const engine = startEngine(cfg)
    await engine.start()
    try {
      expect(await observe()).toEqual(haproxy)
      expect(haproxy[0]).toMatch(/\r\n\r\nb\n/)
      expect(haproxy[4]).toMatch(/\r\n\r\nb\n/)
      // A server chosen by use-server is direct: no cookie is inserted; a balanced request gets one.
      expect(haproxy.map((t) => /set-cookie: (.*)\r\n/.exec(t)?.[1])).toEqual([undefined, undefined, undefined, 'SRV=a; path=/', undefined, 'SRV=b; path=/', undefined])
    } finally {
      await engine.stop()
    }
  })

  it('tcp-request connection accept|reject by source, in mode tcp and http', async () => {
    const [tcp, http, stats] = [await freePort(), await freePort(), await freePort()]
    const cfg = `global
  stats socket ipv4@127.0.0.1:${stats} level admin
defaults
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend ft
  mode tcp
  bind 127.0.0.1:${tcp}
  tcp-request connection accept if { src 127.0.0.3 }
  tcp-request connection reject if { src 127.0.0.2 } || { src 127.0.0.3 }
  tcp-request connection reject unless { src 127.0.0.0/29 }
  default_backend bt
backend bt
  mode tcp
  server a 127.0.0.1:${a.port}
frontend fh
  mode http
  bind 127.0.0.1:${http}
  tcp-request connection reject if { src 127.0.0.4 } { dst_port ${http} }
  default_backend bh
backend bh
  mode http
  server b 127.0.0.1:${b.port}
`
    const observe = async () => {
      const out: string[] = []
      for (const src of ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.9']) {
        out.push(`tcp ${src}: ${await fromSource(tcp, src, 'GET /t HTTP/1.0\r\n\r\n')}`)
        out.push(`http ${src}: ${await fromSource(http, src, 'GET /h HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n')}`)
      }
      return out
    }
    // Denied connections are counted in the frontends' dcon column.
    const denied = async () => [await statColumn(stats, 'ft', 'FRONTEND', 'dcon'), await statColumn(stats, 'fh', 'FRONTEND', 'dcon')]
    const real = await startHaproxy(cfg, stats)
    let haproxy: string[]
    let haproxyDenied: string[]
    try {
      haproxy = await observe()
      haproxyDenied = await denied()
    } finally {
      await real.stop()
    }
    const engine = startEngine(cfg)
    await engine.start()
    try {
      expect(await observe()).toEqual(haproxy)
      expect(await denied()).toEqual(haproxyDenied)
      expect(haproxyDenied).toEqual(['2', '1'])
      expect(haproxy).toContain('tcp 127.0.0.2: closed')
      expect(haproxy).toContain('tcp 127.0.0.3: a')
      expect(haproxy).toContain('http 127.0.0.4: closed')
    } finally {
      await engine.stop()
    }
  })
})
