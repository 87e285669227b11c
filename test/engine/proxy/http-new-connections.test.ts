/**
 * A new connection per request (`Connection: close`), the bench's second load: every session is accounted for
 * when it ends (no promise tracks it), its server connection goes to the server's idle pool, and the pool's
 * connections serve later requests of keep-alive clients (`http-reuse safe`: never a session's first request).
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {ProxyEngine} from '../../../src/engine/proxy/engine.js'
import {RuntimeApiClient} from '../../../src/observe/runtime-api.js'
import {closeRequest, echoBackend, type EchoBackend, RawClient} from './http-helpers.js'
import {freePort, startEngine, waitFor} from './helpers.js'

describe('a new connection per request', () => {
  let s1: EchoBackend
  let s2: EchoBackend
  let engine: ProxyEngine
  let port = 0
  let stats = 0
  let admin: RuntimeApiClient
  beforeAll(async () => {
    ;[s1, s2] = [await echoBackend('s1'), await echoBackend('s2')]
    ;[port, stats] = [await freePort(), await freePort()]
    engine = startEngine(`global
  stats socket ipv4@127.0.0.1:${stats} level admin
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
listen web
  bind 127.0.0.1:${port}
  balance roundrobin
  server s1 127.0.0.1:${s1.port}
  server s2 127.0.0.1:${s2.port}
`)
    await engine.start()
    admin = RuntimeApiClient.connect(`127.0.0.1:${stats}`)
  })
  afterAll(async () => {
    await engine.stop(0)
    await s1.close()
    await s2.close()
  })

  it('answers each with Connection: close, ends every session, and pools the server connections', async () => {
    const answers: string[] = []
    for (let batch = 0; batch < 4; batch++) answers.push(...(await Promise.all(Array.from({length: 10}, (_, i) => closeRequest(port, `/b${batch}/${i}`)))))
    expect(answers).toHaveLength(40)
    for (const answer of answers) {
      expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
      expect(answer.toLowerCase()).toContain('\r\nconnection: close\r\n')
      expect(answer).toMatch(/\r\n\r\ns[12] GET \/b\d\/\d 0$/)
    }
    // Round robin over the two servers, each request on a server connection of its own.
    expect(answers.filter((a) => a.includes('\r\n\r\ns1 ')).length).toBe(20)
    expect(s1.connections + s2.connections).toBe(40)
    const frontend = async () => (await admin.showStat()).find((r) => r.proxy === 'web' && r.name === 'FRONTEND')!
    await waitFor(async () => (await frontend()).scur === 0, 2000)
    expect((await frontend()).stot).toBe(40)
    expect((await admin.showInfo()).currConns).toBe(0)
    const rows = await admin.showStat()
    const connects = rows.filter((r) => r.proxy === 'web' && (r.name === 's1' || r.name === 's2')).map((r) => Number(r.columns.connect ?? 0))
    expect(connects.reduce((a, b) => a + b, 0)).toBe(40)

    // A keep-alive client's second request takes a pooled connection instead of opening one.
    const before = s1.connections + s2.connections
    const client = new RawClient(port)
    try {
      client.send('GET /ka1 HTTP/1.1\r\nHost: t\r\n\r\n')
      expect((await client.next()).status).toBe(200)
      client.send('GET /ka2 HTTP/1.1\r\nHost: t\r\n\r\n')
      expect((await client.next()).status).toBe(200)
      client.send('GET /ka3 HTTP/1.1\r\nHost: t\r\n\r\n')
      expect((await client.next()).status).toBe(200)
    } finally {
      client.close()
    }
    // The first request opened one connection (its own); the others went over connections already open.
    expect(s1.connections + s2.connections - before).toBe(1)
  })
})
