/** The stats page of the bundled engine on loopback: HTML, `;csv`, Basic auth, Refresh, and traffic next to it. */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseShowStat} from '../../../src/observe/stat-csv.js'
import type {ProxyEngine} from '../../../src/engine/proxy/engine.js'
import {echoBackend, type EchoBackend} from './http-helpers.js'
import {freePort, startEngine, waitFor} from './helpers.js'
import {get, rawExchange} from './stats-helpers.js'

let s1: EchoBackend
let s2: EchoBackend
let engine: ProxyEngine
let port: number

beforeAll(async () => {
  ;[s1, s2] = await Promise.all([echoBackend('s1'), echoBackend('s2')])
  port = await freePort()
  const dead = await freePort()
  engine = startEngine(`defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
listen web
  bind 127.0.0.1:${port}
  stats enable
  stats uri /stats
  stats refresh 30s
  stats realm HAProxy\\ Stats
  stats auth admin:admin
  stats auth bob:s3cret
  server s1 127.0.0.1:${s1.port} check inter 100
  server s2 127.0.0.1:${s2.port}
  server s3 127.0.0.1:${dead} check inter 100 fall 1 backup
`)
  await engine.start()
  await waitFor(() => engine.backends[0]!.servers.every((s) => s.lastCheck !== undefined || !s.plan.check))
})
afterAll(async () => {
  await engine.stop(0)
  await Promise.all([s1.close(), s2.close()])
})

describe('stats page (bundled engine)', () => {
  it('answers 401 with the realm without credentials or with wrong ones', async () => {
    for (const auth of [undefined, 'admin:wrong', 'nobody:admin', 'admin']) {
      const res = await get(port, '/stats', auth)
      expect(res.status).toBe(401)
      expect(res.headers['www-authenticate']).toBe('Basic realm="HAProxy Stats"')
      expect(res.body).toContain('401 Unauthorized')
    }
  })

  it('serves the HTML page to each configured user, with the Refresh header', async () => {
    for (const auth of ['admin:admin', 'bob:s3cret']) {
      const res = await get(port, '/stats', auth)
      expect(res.status).toBe(200)
      expect(res.headers['content-type']).toBe('text/html')
      expect(res.headers['cache-control']).toBe('no-cache')
      expect(res.headers.refresh).toBe('30')
      expect(res.body).toContain('<title>Statistics Report for HAProxy</title>')
      for (const name of ['s1', 's2', 's3']) expect(res.body).toMatch(new RegExp(`data-name="${name}"`))
      expect(res.body).toMatch(/<tr class="active_up" data-name="s1">.*UP<\/td><td class="al">L4OK in \d+ms<\/td>/)
      expect(res.body).toMatch(/<tr class="active_no_check" data-name="s2">.*no check/)
      expect(res.body).toMatch(/<tr class="backup_down" data-name="s3">.*DOWN<\/td><td class="al">L4CON in \d+ms<\/td>/)
      expect(res.body).toMatch(/<tr class="frontend" data-name="FRONTEND">.*OPEN/)
      expect(res.body).toMatch(/<tr class="backend" data-name="BACKEND">.*UP/)
      expect(res.body).toContain('HAProxy version')
    }
  })

  it(';norefresh drops the Refresh header', async () => {
    const res = await get(port, '/stats;norefresh', 'admin:admin')
    expect(res.status).toBe(200)
    expect(res.headers.refresh).toBeUndefined()
  })

  it(';csv is show stat, parsed by the stat-csv reader', async () => {
    await get(port, '/x', undefined)
    const res = await get(port, '/stats;csv', 'admin:admin')
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('text/plain')
    const rows = parseShowStat(res.body)
    expect(rows.map((r) => `${r.proxy}/${r.name}`)).toEqual(['web/FRONTEND', 'web/s1', 'web/s2', 'web/s3', 'web/BACKEND'])
    const s1Row = rows.find((r) => r.name === 's1')!
    expect(s1Row.status.state).toBe('UP')
    expect(s1Row.checkText).toMatch(/^L4OK in \d+ms$/)
    expect(rows.find((r) => r.name === 's3')!.status.state).toBe('DOWN')
    expect(rows.find((r) => r.name === 'FRONTEND')!.reqTot).toBeGreaterThanOrEqual(1)
  })

  it('forwards other requests to the servers, on the same connection as a stats request', async () => {
    const raw = 'GET /stats;csv HTTP/1.1\r\nHost: x\r\nAuthorization: Basic YWRtaW46YWRtaW4=\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n'
    const seenBefore = s1.seen.length + s2.seen.length
    const reply = await rawExchange(port, raw)
    expect(reply.status).toBe(200)
    expect(reply.closed).toBe(false)
    await waitFor(() => s1.seen.length + s2.seen.length > seenBefore)
    expect([...s1.seen, ...s2.seen].some((s) => s.url === '/after')).toBe(true)
  })

  it('a POST without stats admin is sent back with 303, its body read', async () => {
    const reply = await rawExchange(port, 'POST /stats HTTP/1.1\r\nHost: x\r\nAuthorization: Basic YWRtaW46YWRtaW4=\r\nContent-Length: 5\r\n\r\nhello')
    expect(reply.status).toBe(303)
    expect(reply.headers).toContain('location: /stats;st=DENY')
    expect(reply.closed).toBe(false)
  })
})
