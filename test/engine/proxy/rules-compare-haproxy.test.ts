/**
 * http-request / http-response rules, redirects, monitor-uri, errorfiles, userlists and cookie
 * persistence: one config under real haproxy 2.6 and under the bundled engine, the same raw requests
 * to both; the bytes each client gets back (status line, headers, body, and whether the connection
 * stays open) must be identical, including the request heads the servers echo back.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {requireBinary} from '../../helpers/oracles.js'
import {freePort, startEngine, startHaproxy} from './helpers.js'
import {exchangeRaw, headEcho, type HeadEcho} from './rules-helpers.js'

const hasHaproxy = requireBinary('haproxy')

/** Pipelined after each request: its answer shows the connection stayed open, then it closes. */
const END = 'GET /end HTTP/1.1\r\nConnection: close\r\n\r\n'
const get = (path: string, headers: string[] = [], version = '1.1') => `GET ${path} HTTP/${version}\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n`
const basic = (userPass: string) => `Authorization: Basic ${Buffer.from(userPass).toString('base64')}`

const REQUESTS: [label: string, raw: string][] = [
  ['monitor-uri answers and keeps the connection', get('/mon')],
  ['monitor fail: 503', get('/mon', ['X-Fail: 1'])],
  ['no use_backend matches, no default_backend: 503', get('/zzz')],
  ['deny', get('/deny')],
  ['deny deny_status 429', get('/deny429')],
  ['deny over HTTP/1.0', get('/deny', [], '1.0')],
  ['HEAD: no body after a deny', 'HEAD /deny HTTP/1.1\r\n\r\n'],
  ['HEAD: no body after a return', 'HEAD /ret HTTP/1.1\r\n\r\n'],
  ['HEAD: no body after an errorfile', 'HEAD /ef HTTP/1.1\r\n\r\n'],
  ['HEAD: no body after the 503 of no backend', 'HEAD /zzz HTTP/1.1\r\n\r\n'],
  ['tarpit: held, then 500', get('/tarpit')],
  ['tarpit deny_status 403', get('/tarpit403', ['Connection: close'])],
  ['deny with an unread body closes', 'POST /deny HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc'],
  ['auth without credentials', get('/auth')],
  ['auth insecure-password', get('/auth', [basic('alice:secret')])],
  ['auth wrong password', get('/auth', [basic('bob:wrong')])],
  ['auth $6$ sha512-crypt', get('/auth', [basic('carol:c6pw')])],
  ['auth $6$ wrong', get('/auth', [basic('carol:bad')])],
  ['auth $5$ sha256-crypt', get('/auth', [basic('dave:d5pw')])],
  ['auth $1$ md5-crypt', get('/auth', [basic('erin:e1pw')])],
  ['group from a group line', get('/admin', [basic('bob:pw')])],
  ['group from user groups', get('/admin', [basic('alice:secret')])],
  ['not in the group: realm', get('/admin', [basic('carol:c6pw')])],
  ['http-request redirect location code 301', get('/r1')],
  ['redirect location keep-alive HTTP/1.0', get('/r1', ['Connection: keep-alive'], '1.0')],
  ['redirect prefix', get('/r2/a?q=1', ['Host: h'])],
  ['redirect scheme keeps the Host port', get('/r3/a?q=1', ['Host: h:80'])],
  ['redirect prefix drop-query append-slash', get('/r4/a?q=1', ['Host: h'])],
  ['redirect directive location', get('/r5')],
  ['redirect scheme code 308 without Host', get('/r6')],
  ['redirect scheme https if !{ ssl_fc }', get('/r7/x?y', ['Host: www.example.com'])],
  ['redirect code 303', get('/303')],
  ['redirect 307 set-cookie', get('/307')],
  ['redirect prefix / clear-cookie', get('/clr?x')],
  ['return string with hdr', get('/ret')],
  ['return without payload', get('/ret2')],
  ['return errorfiles of an http-errors section', get('/ef')],
  ['errorfile for deny', get('/b/deny')],
  ['auth in a backend: its name is the realm', get('/b/auth', ['Host: a'])],
  ['return file with hdr', get('/b/file', ['Host: a'])],
  ['errorloc303 for deny_status 410', get('/gone')],
  ['http-response deny, errorloc 502 of the backend', get('/rd', ['Host: a'])],
  ['allow stops the frontend list; backend rules run', get('/allowed', ['Host: a'])],
  ['set/add/del/replace-header, log-format', get('/b/hdr', ['Host: hh', 'User-Agent: a-x', 'X-Drop: 1'])],
  ['set-path before use_backend', get('/sp/z?k=v', ['Host: a'])],
  ['http-response set-status and del-header', get('/b/status', ['Host: a'])],
  ['set-var, set-var-fmt, var() in a condition and a header', get('/b/vars', ['Host: WWW.Example.com'])],
  ['unset-var', get('/b/unset', ['Host: x'])],
  ['cookie insert: first visit gets the cookie', get('/c', ['Host: a'])],
  ['cookie names s2: indirect strips it, no new cookie', get('/c', ['Host: a', 'Cookie: a=b; SRV=two; c=d'])],
  ['cookie alone is removed', get('/c', ['Host: a', 'Cookie: SRV=two'])],
  ['unknown cookie value: balanced, cookie inserted', get('/c', ['Host: a', 'Cookie: SRV=bad'])],
  ['prefix cookie', get('/p', ['Host: a', 'Cookie: JS=one~abc'])],
  ['dynamic use_backend', get('/x', ['Host: a', 'X-Be: b'])],
  ['dynamic use_backend naming no backend: the default (none: 503)', get('/c', ['Host: a', 'X-Be: nosuch'])],
  ['rewrite cookie', get('/w', ['Host: a', 'Cookie: RW=two'])],
]

describe.skipIf(!hasHaproxy)('L7 rules: bundled engine = real haproxy', () => {
  let s1: HeadEcho
  let s2: HeadEcho
  let sx: HeadEcho
  let dir: string
  beforeAll(async () => {
    ;[s1, s2, sx] = await Promise.all([headEcho('s1'), headEcho('s2'), headEcho('sx', 'set-cookie: JS=abc; path=/\r\nset-cookie: RW=orig; Max-Age=60\r\nx-del: 1\r\n')])
    dir = mkdtempSync(join(tmpdir(), 'lbctl-rules-'))
    writeFileSync(join(dir, '404.http'), 'HTTP/1.1 404 Not Here\r\nContent-Type: text/plain\r\nX-Mixed-Case: Yes\r\nContent-Length: 9\r\n\r\nnot here\n')
    writeFileSync(join(dir, '200.http'), 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nalive\n')
    writeFileSync(join(dir, 'page.html'), '<p>static page</p>\n')
    writeFileSync(join(dir, '403.http'), 'HTTP/1.0 403 Nope\r\nX-A: 1\r\n\r\nforbidden!')
  })
  afterAll(async () => {
    await Promise.all([s1.close(), s2.close(), sx.close()])
    rmSync(dir, {recursive: true, force: true})
  })

  function config(front: number, stats: number): string {
    return `global
  stats socket ipv4@127.0.0.1:${stats} level admin
userlist UL
  group admins users bob
  user alice insecure-password secret groups admins
  user bob insecure-password pw
  user carol password $6$Zr4u8Q2w$VeBYcuUttw5e65bkP3iPDo7dKzCcZ06ObbmXvPqx.orINbtBbeo0Hi8gQl4YpVqq4sysu8SsNxBsc5Gp.wVIT/
  user dave password $5$abcdefgh$BoKM4VAwYjKK4ER3kPcUQtFWlhZnQAwkhRHrPFH8Lt.
  user erin password $1$xyz$K8tQLjF5PlizVWW9tc6hL1
http-errors myerrs
  errorfile 404 ${dir}/404.http
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
  timeout tarpit 150ms
frontend f
  bind 127.0.0.1:${front}
  monitor-uri /mon
  errorfile 200 ${dir}/200.http
  acl dead nbsrv(c) lt 1
  monitor fail if dead
  monitor fail if { req.hdr(x-fail) -m found }
  capture request header Host len 5
  http-request return status 200 content-type text/plain string end if { path /end }
  http-request deny if { path /deny }
  http-request deny deny_status 429 if { path /deny429 }
  http-request deny deny_status 410 if { path /gone }
  http-request tarpit if { path /tarpit }
  http-request tarpit deny_status 403 if { path /tarpit403 }
  errorloc303 410 /gone.html
  http-request auth if { path /auth } !{ http_auth(UL) }
  http-request auth realm Admins\\ only if { path /admin } !{ http_auth_group(UL) admins }
  http-request return status 200 content-type text/plain lf-string "user ok %[path]" if { path /auth } || { path /admin }
  http-request redirect location /x code 301 if { path /r1 }
  http-request redirect prefix /pre if { path_beg /r2 }
  http-request redirect scheme https if { path_beg /r3 }
  http-request redirect prefix /pre drop-query append-slash if { path_beg /r4 }
  http-request return status 201 content-type text/plain string hello hdr X-One 1 hdr X-Two %[path] if { path /ret }
  http-request return if { path /ret2 }
  http-request return status 404 errorfiles myerrs if { path /ef }
  http-request allow if { path /allowed }
  http-request deny if { path /allowed }
  http-request set-header X-A %[req.hdr(host)]-%[src]-%[path] if { path_beg /b/hdr }
  http-request set-var(txn.host) req.hdr(host),lower
  http-request set-var(txn.none) req.hdr(x-none)
  http-request set-var-fmt(txn.both) %[path]:%[var(txn.host)]
  http-request unset-var(txn.both) if { path /b/unset }
  http-request set-header X-Var %[var(txn.both)] if { var(txn.host) -m found } !{ var(txn.none) -m found }
  http-response set-header X-Host %[var(txn.host)]
  http-request add-header X-B b1
  http-request del-header X-Drop
  http-request replace-header User-Agent (.*)-x \\1-y
  http-request set-path /b/p%[path] if { path_beg /sp }
  http-response set-header X-R r1
  http-after-response set-header X-After %[status]
  http-after-response del-header x-one
  http-response set-status 299 reason Fine if { res.hdr(x-backend-status) -m found }
  redirect location /loc if { path /r5 }
  redirect scheme https code 308 if { path /r6 }
  redirect scheme https if !{ ssl_fc } { path_beg /r7 }
  redirect location /a code 303 if { path /303 }
  redirect location /a code 307 set-cookie FOO=bar if { path /307 }
  redirect prefix / clear-cookie FOO if { path /clr }
  use_backend %[req.hdr(x-be)] if { req.hdr(x-be) -m found }
  use_backend c if { path_beg /c }
  use_backend p if { path_beg /p }
  use_backend rd if { path_beg /rd }
  use_backend w if { path_beg /w }
  use_backend b if { path_beg /b } || { path_beg /allowed }
backend b
  errorfile 403 ${dir}/403.http
  http-request set-header X-Backend b
  http-request deny if { path /b/deny }
  http-request auth if { path /b/auth } !{ http_auth(UL) }
  http-request return status 200 content-type text/html file ${dir}/page.html hdr Cache-Control no-store if { path /b/file }
  http-response add-header X-Be b
  http-response set-header X-Backend-Status x if { status 200 }
  server s1 127.0.0.1:${s1.port}
backend c
  cookie SRV insert indirect nocache httponly
  server s1 127.0.0.1:${s1.port} cookie one
  server s2 127.0.0.1:${s2.port} cookie two
backend p
  cookie JS prefix
  http-response del-header x-del
  server s1 127.0.0.1:${sx.port} cookie one
backend rd
  http-response deny if { res.hdr(content-type) -m beg text/p } !{ status 500 }
  errorloc 502 http://err.example.com/502.html
  server s1 127.0.0.1:${s1.port}
backend w
  cookie RW rewrite
  server s2 127.0.0.1:${sx.port} cookie two
`
  }

  async function answers(front: number): Promise<Record<string, {text: string; closed: boolean}>> {
    const out: Record<string, {text: string; closed: boolean}> = {}
    for (const [label, raw] of REQUESTS) out[label] = await exchangeRaw(front, raw + END, 3000, 3000)
    return out
  }

  it('answers every request byte for byte like haproxy', async () => {
    const [front, stats] = [await freePort(), await freePort()]
    const cfg = config(front, stats)
    const real = await startHaproxy(cfg, stats)
    let haproxy: Record<string, {text: string; closed: boolean}>
    try {
      haproxy = await answers(front)
    } finally {
      await real.stop()
    }
    const engine = startEngine(cfg)
    await engine.start()
    try {
      const ours = await answers(front)
      const differing = REQUESTS.map(([label]) => label).filter((label) => JSON.stringify(ours[label]) !== JSON.stringify(haproxy[label]))
      expect(differing.map((label) => ({label, ours: ours[label], haproxy: haproxy[label]}))).toEqual([])
      // The oracle really exercised the features (not two identical failures).
      expect(haproxy['auth $6$ sha512-crypt']!.text).toContain('user ok /auth')
      expect(haproxy['cookie insert: first visit gets the cookie']!.text).toContain('set-cookie: SRV=one; path=/; HttpOnly')
      expect(haproxy['monitor-uri answers and keeps the connection']!.text).toContain('\r\n\r\nalive\n')
      expect(haproxy['monitor fail: 503']!.text).toMatch(/^HTTP\/1.1 503 /)
      expect(haproxy['http-response deny, errorloc 502 of the backend']!.text).toContain('location: http://err.example.com/502.html')
      expect(haproxy['errorloc303 for deny_status 410']!.text).toContain('HTTP/1.1 303 See Other')
      expect(haproxy['dynamic use_backend']!.text).toContain('x-backend: b')
      expect(haproxy['deny']!.text).toContain('\r\nx-after: 403\r\n')
      expect(haproxy['auth in a backend: its name is the realm']!.text).toContain('www-authenticate: Basic realm="b"')
      expect(haproxy['return file with hdr']!.text).toContain('<p>static page</p>')
      expect(haproxy['tarpit: held, then 500']!.text).toMatch(/^HTTP\/1.1 500 Internal Server Error\r\n[^]*HTTP\/1.1 200 OK/)
      const started = Date.now()
      await exchangeRaw(front, get('/tarpit403', ['Connection: close']), 3000, 3000)
      expect(Date.now() - started).toBeGreaterThanOrEqual(140)
      expect(haproxy['return string with hdr']!.text).not.toContain('x-one')
      expect(haproxy['dynamic use_backend']!.text).toContain('\r\nx-after: 200\r\n')
      expect(haproxy['set-var, set-var-fmt, var() in a condition and a header']!.text).toMatch(/x-host: www.example.com\r\n[^]*\r\nx-var: \/b\/vars:www.example.com\r\n/)
      expect(haproxy['unset-var']!.text).toContain('\r\nx-var: \r\n')
      expect(haproxy['dynamic use_backend naming no backend: the default (none: 503)']!.text).toContain('HTTP/1.1 503 Service Unavailable')
    } finally {
      await engine.stop()
    }
  })
})
