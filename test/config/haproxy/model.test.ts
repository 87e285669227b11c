import {describe, expect, it} from 'vitest'
import {outlineHaproxy} from '../../../src/config/haproxy/index.js'
import {parseText} from './helpers.js'

const TEXT = `global
    maxconn 30000
    ulimit-n 65535
    user haproxy
    stats socket /run/haproxy.sock mode 660 level admin
    log 127.0.0.1 local0 info
defaults base
    mode http
    timeout connect 5s
    timeout client 1m
    timeout server 1m
    option httplog
    default-server inter 3s fall 2
frontend www from base
    bind :80
    bind 198.18.0.100:443 ssl crt /etc/ssl/site.pem transparent
    acl is_api path_beg -i /api
    use_backend api if is_api
    http-request set-header X-Proto https if { ssl_fc }
    default_backend web
backend web
    balance leastconn
    cookie SRV insert indirect nocache
    server w1 10.0.0.1:8080 check weight 10 cookie w1 maxconn 200
    server w2 10.0.0.2:8080 check backup disabled
backend api
    mode tcp
    timeout server 5m
    server a1 10.0.1.1:9000
listen stats
    bind :1080
    stats enable
    stats uri /stats
    stats auth admin:s3cret
userlist ops
    user alice password $6$x$y
`

describe('typed model', () => {
  const {model, diagnostics} = parseText(TEXT)

  it('parses without errors', () => {
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([])
  })

  it('reads global settings', () => {
    expect(model.global).toMatchObject({maxconn: 30000, ulimitN: 65535, user: 'haproxy', line: 1})
    expect(model.global?.statsSockets[0]).toMatchObject({address: '/run/haproxy.sock', options: ['mode', '660', 'level', 'admin']})
  })

  it('reads binds, servers and routing', () => {
    const www = model.frontends[0]!
    expect(www.binds.map((b) => [b.addresses[0]?.host, b.addresses[0]?.port, b.ssl, b.transparent, b.certificates])).toEqual([
      ['', 80, false, false, []],
      ['198.18.0.100', 443, true, true, ['/etc/ssl/site.pem']],
    ])
    expect(www.acls[0]).toMatchObject({name: 'is_api', criterion: 'path_beg', args: ['-i', '/api'], line: 17})
    expect(www.useBackends[0]).toMatchObject({backend: 'api', condition: {kind: 'if', aclNames: ['is_api']}})
    expect(www.rules[0]).toMatchObject({set: 'http-request', action: 'set-header', args: ['X-Proto', 'https'], condition: {text: '{ ssl_fc }'}})
    const web = model.backends.find((b) => b.name === 'web')!
    expect(web.servers.map((s) => [s.name, s.host, s.port, s.weight, s.check, s.inter, s.fall, s.backup, s.disabled, s.cookie ?? null, s.maxconn ?? null])).toEqual([
      ['w1', '10.0.0.1', 8080, 10, true, 3000, 2, false, false, 'w1', 200],
      ['w2', '10.0.0.2', 8080, 1, true, 3000, 2, true, true, null, null],
    ])
    expect(web.cookie).toMatchObject({name: 'SRV', mode: 'insert'})
    // Servers read most fields through getters: JSON still shows them as data.
    expect(JSON.parse(JSON.stringify(web.servers[0]))).toMatchObject({name: 'w1', address: '10.0.0.1:8080', host: '10.0.0.1', family: 'ipv4', port: 8080, weight: 10, check: true, inter: 3000, cookie: 'w1', maxconn: 200})
  })

  it('resolves defaults inheritance (from, mode, timeouts, options)', () => {
    const api = model.backends.find((b) => b.name === 'api')!
    expect(api.inheritsFrom?.name).toBe('base')
    expect(api.effective.mode).toBe('tcp')
    expect(api.effective.timeouts.server?.ms).toBe(300000)
    expect(api.effective.timeouts.connect?.ms).toBe(5000)
    expect(model.frontends[0]!.effective.options.httplog?.enabled).toBe(true)
    expect(model.frontends[0]!.from).toBe('base')
  })

  it('reads stats settings with secrets', () => {
    const stats = model.listens[0]!.stats
    expect(stats).toMatchObject({enabled: true, uri: '/stats'})
    expect(stats.auth[0]).toMatchObject({user: 'admin', password: 's3cret'})
  })
})

describe('outlineHaproxy', () => {
  const outline = outlineHaproxy(parseText(TEXT).model)
  const section = (key: string) => outline.find((s) => s.key === key)!

  it('keys sections', () => {
    expect(outline.map((s) => s.key)).toEqual(['global', 'defaults base', 'frontend www', 'backend web', 'backend api', 'listen stats', 'userlist ops'])
  })

  it('keys directives so they pair across configs', () => {
    expect(section('backend web').directives.map((d) => d.key)).toEqual(['balance', 'cookie', 'server w1', 'server w2'])
    expect(section('frontend www').directives.map((d) => d.key)).toEqual(['bind :80', 'bind 198.18.0.100:443', 'acl is_api #1', 'use_backend #1', 'http-request #1', 'default_backend'])
    expect(section('defaults base').directives.find((d) => d.key === 'timeout connect')).toMatchObject({keyword: 'timeout connect', args: ['5s']})
  })

  it('groups order-sensitive rules', () => {
    const www = section('frontend www').directives
    expect(www.find((d) => d.key === 'use_backend #1')?.orderGroup).toBe('use_backend')
    expect(www.find((d) => d.key === 'http-request #1')?.orderGroup).toBe('http-request')
    expect(www.find((d) => d.key === 'bind :80')?.orderGroup).toBeUndefined()
  })

  it('marks secrets', () => {
    const auth = section('listen stats').directives.find((d) => d.keyword === 'stats auth')!
    expect(auth.args[auth.secretArgs![0]!]).toBe('admin:s3cret')
    const user = section('userlist ops').directives[0]!
    expect(user.args[user.secretArgs![0]!]).toBe('$6$x$y')
  })
})

describe('log inheritance', () => {
  const model = parseText(
    'defaults\n    mode http\n    log global\nbackend quiet\n    no log\n    server s1 127.0.0.1:80\nbackend loud\n    server s1 127.0.0.1:80\nbackend own\n    log 127.0.0.1 local1\n',
  ).model
  const effectiveLog = (name: string) => model.backends.find((p) => p.name === name)?.effective.log

  it('a proxy inherits the defaults log unless it says `no log` or logs itself', () => {
    expect(effectiveLog('loud')?.map((d) => d.args.join(' '))).toEqual(['global'])
    expect(effectiveLog('quiet')).toEqual([])
    expect(effectiveLog('own')?.map((d) => d.args.join(' '))).toEqual(['127.0.0.1 local1'])
  })
})
