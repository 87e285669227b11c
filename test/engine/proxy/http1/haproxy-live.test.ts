// Sends each raw case to a real haproxy (mode http, loopback) with a node:net backend and compares its status with our parser's verdict.
import {spawn, type ChildProcess} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {createConnection, createServer, type Server} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {createRequestParser, createResponseParser, type RequestHead, type ResponseHead} from '../../../../src/engine/proxy/http1/index.js'
import {requireBinary} from '../../../helpers/oracles.js'
import {requestCases, responseCases} from './cases.js'
import {recorder} from './record.js'

const listen = (server: Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as {port: number}).port)))

describe.skipIf(!requireBinary('haproxy'))('parser verdicts match a live haproxy 2.6', () => {
  let haproxy: ChildProcess
  let backend: Server
  let port = 0
  let dir = ''
  let answer: string | undefined

  beforeAll(async () => {
    backend = createServer((sock) => {
      let seen = ''
      sock.on('error', () => {})
      sock.on('data', (d) => {
        seen += d.toString('latin1')
        if (!seen.includes('\r\n\r\n')) return
        // Answer a little later so HAProxy has seen the whole request (a bad trailer must win the race).
        const reply = answer ?? 'HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n'
        setTimeout(() => sock.end(reply), 30)
        seen = '\0'.repeat(1e6) // answer once
      })
    })
    const backendPort = await listen(backend)
    const probe = createServer()
    port = await listen(probe)
    await new Promise((r) => probe.close(r))
    dir = mkdtempSync(join(tmpdir(), 'lbctl-http1-'))
    const cfg = join(dir, 'haproxy.cfg')
    writeFileSync(cfg, `defaults\n  mode http\n  timeout connect 1s\n  timeout client 2s\n  timeout server 2s\n  timeout http-request 1s\nfrontend fe\n  bind 127.0.0.1:${port}\n  default_backend be\nbackend be\n  server s1 127.0.0.1:${backendPort}\n`)
    haproxy = spawn('haproxy', ['-db', '-f', cfg], {stdio: 'ignore'})
    for (let i = 0; i < 100; i++) {
      const up = await new Promise<boolean>((r) => createConnection(port, '127.0.0.1').on('connect', function (this: ReturnType<typeof createConnection>) { this.destroy(); r(true) }).on('error', () => r(false)))
      if (up) break
      await new Promise((r) => setTimeout(r, 30))
    }
  })

  afterAll(async () => {
    haproxy?.kill()
    await new Promise((r) => backend.close(r))
    rmSync(dir, {recursive: true, force: true})
  })

  const send = (raw: string) =>
    new Promise<number>((resolve) => {
      let out = ''
      const c = createConnection(port, '127.0.0.1')
      c.on('data', (d) => (out += d.toString('latin1')))
      c.on('error', () => {})
      c.on('close', () => resolve(Number(/^HTTP\/1\.[01] (\d{3})/.exec(out)?.[1] ?? 0)))
      c.write(Buffer.from(raw, 'latin1'))
      setTimeout(() => c.end(), 100)
    })

  it('requests', async () => {
    answer = undefined
    const mismatches: string[] = []
    for (const c of requestCases.filter((x) => !x.racesWithServer)) {
      const {sink, events} = recorder<RequestHead>()
      const parser = createRequestParser(sink)
      parser.feed(Buffer.from(c.raw, 'latin1'))
      const error = events.find((e) => e.type === 'error')
      const ours = error && error.type === 'error' ? error.status : 200
      const theirs = await send(c.raw)
      if (ours !== theirs || theirs !== c.haproxy) mismatches.push(`${c.name}: haproxy ${theirs}, recorded ${c.haproxy}, ours ${ours}`)
    }
    expect(mismatches).toEqual([])
  })

  it('responses', async () => {
    const mismatches: string[] = []
    for (const c of responseCases) {
      answer = c.raw
      const {sink, events} = recorder<ResponseHead>()
      const parser = createResponseParser(sink)
      parser.expect(c.request.split(' ')[0]!)
      parser.feed(Buffer.from(c.raw, 'latin1'))
      parser.finish()
      const first = events[0]
      const ours = events.some((e) => e.type === 'error') ? 502 : first?.type === 'head' ? (first.head.status as number) : 0
      const theirs = await send(c.request)
      if (ours !== theirs || theirs !== c.haproxy) mismatches.push(`${c.name}: haproxy ${theirs}, recorded ${c.haproxy}, ours ${ours}`)
    }
    answer = undefined
    expect(mismatches).toEqual([])
  })
})
