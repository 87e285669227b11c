/** planEngine for mode http: what runs, with which settings, and what is refused clearly. */
import {describe, expect, it} from 'vitest'
import {parseHaproxyFiles} from '../../../src/config/haproxy/index.js'
import {planEngine} from '../../../src/engine/proxy/plan.js'

function plan(body: string, defaults = '') {
  const parse = parseHaproxyFiles([{path: 't.cfg', text: `defaults\n  mode http\n  timeout connect 1s\n  timeout client 3s\n  timeout server 5s\n${defaults}\n${body}`}])
  return planEngine(parse.model)
}

describe('planEngine in mode http', () => {
  it.each([
    ['', 'keep-alive'],
    ['  option http-server-close', 'server-close'],
    ['  option httpclose', 'close'],
  ])('frontend %j gives connection mode %s', (option, mode) => {
    const result = plan(`frontend fe\n  bind :8080\n${option}\n  default_backend be\nbackend be\n  server a 127.0.0.1:80`)
    expect(result.ok && result.plan.frontends[0]?.http?.connection).toBe(mode)
  })

  it('httpclose on the backend wins over the frontend, the proxy line wins over defaults', () => {
    const a = plan(`frontend fe\n  bind :8080\n  option http-server-close\n  default_backend be\nbackend be\n  option httpclose\n  server a 127.0.0.1:80`)
    expect(a.ok && a.plan.frontends[0]?.http?.connection).toBe('close')
    const b = plan(`listen l\n  bind :8080\n  option http-keep-alive\n  server a 127.0.0.1:80`, '  option httpclose')
    expect(b.ok && b.plan.frontends[0]?.http?.connection).toBe('keep-alive')
  })

  it('reads forwardfor and the http timeouts', () => {
    const result = plan(`listen l\n  bind :8080\n  option forwardfor except 10.0.0.0/8 header X-Real-IP if-none\n  timeout http-request 2s\n  server a 127.0.0.1:80`)
    expect(result.ok && result.plan.frontends[0]?.http).toEqual({
      connection: 'keep-alive',
      forwardFor: {header: 'X-Real-IP', except: {address: '10.0.0.0', prefix: 8, family: 'ipv4'}, ifNone: true},
      timeouts: {httpRequest: 2000, keepAlive: 2000, client: 3000},
    })
  })

  it.each([
    ['listen l\n  bind :80\n  cookie SRV insert dynamic\n  server a 127.0.0.1:80 cookie a', 'cookie SRV dynamic is not supported'],
    ['frontend fe\n  bind :80\n  redirect scheme https code 304\n  default_backend be\nbackend be\n  server a 127.0.0.1:80', 'redirect: code must be one of 301, 302, 303, 307 or 308'],
    ['frontend fe\n  bind :80\n  acl busy sc0_conn_cur gt 1\n  use_backend be if busy\n  default_backend be\nbackend be\n  server a 127.0.0.1:80', "ACL 'busy': fetch 'sc0_conn_cur' is not supported by the bundled engine yet"],
    ['frontend fe\n  bind :80\n  http-request tarpit status 200 string x\n  default_backend be\nbackend be\n  server a 127.0.0.1:80', "http-request tarpit: a 'string' or 'file' answer needs a 'content-type'"],
    ['frontend fe\n  bind :80\n  errorfile 503 /nonexistent/503.http\n  default_backend be\nbackend be\n  server a 127.0.0.1:80', "cannot read errorfile '/nonexistent/503.http': no such file"],
    ['userlist L\n  user u password $2y$05$abcdefghijklmnopqrstuv\nfrontend fe\n  bind :80\n  default_backend be\nbackend be\n  server a 127.0.0.1:80', 'only $1$ (MD5), $5$ (SHA-256) and $6$ (SHA-512) crypt hashes'],
    ['frontend fe\n  bind :80\n  tcp-request connection expect-proxy layer4\n  default_backend be\nbackend be\n  server a 127.0.0.1:80', 'tcp-request connection expect-proxy is not supported'],
    ['backend be\n  use-server %[req.hdr(x)] if { path /a }\n  server a 127.0.0.1:80', 'use-server is not supported'],
    ['backend be\n  use-server nosuch if { path /a }\n  server a 127.0.0.1:80', "use-server: no server named 'nosuch'"],
    ['backend be\n  stick-table type ip size 1k\n  stick on src\n  server a 127.0.0.1:80', 'stick on is not supported'],
    ['backend be\n  option persist\n  server a 127.0.0.1:80', 'option persist is not supported'],
  ])('refuses %j', (body, message) => {
    const result = plan(body)
    expect(result.ok).toBe(false)
    expect(!result.ok && result.problems.join('\n')).toContain(message)
  })
})
