import {describe, expect, it} from 'vitest'
import {codes, diagnose, errors} from './helpers.js'

const D = 'defaults\n    mode http\n    timeout connect 5s\n    timeout client 30s\n    timeout server 30s\n'
const B = 'backend app\n    server s1 127.0.0.1:80\n'
const FE = (body: string) => `${D}frontend www\n    bind :8080\n${body}    default_backend app\n${B}`
const has = (text: string, code: string, options = {}) => codes(diagnose(text, options)).includes(code)

describe('rules: what haproxy -c rejects after parsing', () => {
  it.each([
    ['undefined default_backend', `${D}frontend f\n    bind :80\n    default_backend nosuch\n`, 'haproxy/undefined-backend'],
    ['undefined use_backend', FE('    use_backend api if { path_beg /api }\n'), 'haproxy/undefined-backend'],
    ['duplicate backend', `${D}${B}${B}`, 'haproxy/duplicate-proxy'],
    ['listen vs frontend name', `${D}frontend a\n    bind :80\n    default_backend app\nlisten a\n    bind :81\n    server x 127.0.0.1:1\n${B}`, 'haproxy/duplicate-proxy'],
    ['duplicate server', `${D}backend app\n    server s1 127.0.0.1:80\n    server s1 127.0.0.1:81\n`, 'haproxy/duplicate-server'],
    ['tracked server missing', `${D}backend app\n    server s1 127.0.0.1:80 track nosuch\n`, 'haproxy/undefined-server'],
    ['http frontend to tcp backend', `${D}frontend f\n    bind :80\n    default_backend t\nbackend t\n    mode tcp\n    server s 127.0.0.1:1\n`, 'haproxy/mode-mismatch'],
    ['ACL used before declared', FE('    use_backend app if is_api\n    acl is_api path_beg /api\n'), 'haproxy/undefined-acl'],
    ['track-sc without table', FE('    http-request track-sc0 src\n'), 'haproxy/undefined-table'],
    ['transparent with balance', `${D}backend app\n    option transparent\n    balance roundrobin\n    server s 127.0.0.1:1\n`, 'haproxy/conflicting-settings'],
  ])('%s', (_name, text, code) => {
    const e = errors(diagnose(text))
    expect(e.map((d) => d.code)).toContain(code)
  })

  it('says where the duplicate was declared', () => {
    const d = diagnose(`${D}${B}${B}`).find((x) => x.code === 'haproxy/duplicate-proxy')
    expect(d?.message).toBe("backend 'app' has the same name as backend 'app' declared at test.cfg:6.")
    expect(d?.line).toBe(8)
  })

  it('suggests the closest backend name', () => {
    const d = diagnose(FE('    use_backend apq if TRUE\n')).find((x) => x.code === 'haproxy/undefined-backend')
    expect(d?.suggestions).toEqual(["did you mean 'app'?"])
  })

  it('accepts use_backend with a dynamic name', () => {
    expect(errors(diagnose(FE('    use_backend %[req.hdr(host),lower]\n')))).toEqual([])
  })
})

describe('rules: lbctl warnings beyond haproxy -c', () => {
  it('flags unused backends and ACLs', () => {
    const text = `${FE('    acl unused_one path /x\n')}backend orphan\n    server s 127.0.0.1:1\n`
    const ds = diagnose(text)
    expect(codes(ds)).toEqual(expect.arrayContaining(['haproxy/unused-backend', 'haproxy/unused-acl']))
    expect(errors(ds)).toEqual([])
  })

  it('flags the same ip:port bound by two frontends, and wildcard overlaps', () => {
    const text = `${D}frontend a\n    bind :80\n    default_backend app\nfrontend b\n    bind *:80\n    default_backend app\nfrontend c\n    bind 10.0.0.1:80\n    default_backend app\n${B}`
    const dup = diagnose(text).filter((d) => d.code === 'haproxy/duplicate-bind')
    expect(dup.map((d) => d.line)).toEqual([10, 13])
  })

  it('reminds about ip_nonlocal_bind for VIP binds without transparent', () => {
    const text = `${D}frontend f\n    bind 198.18.0.100:80\n    bind 198.18.0.100:81 transparent\n    default_backend app\n${B}`
    const vip = diagnose(text, {vips: ['198.18.0.100']}).filter((d) => d.code === 'haproxy/vip-bind')
    expect(vip).toHaveLength(1)
    expect(vip[0]?.suggestions.join(' ')).toContain('net.ipv4.ip_nonlocal_bind=1')
  })

  it('flags HTTP-only settings in tcp mode', () => {
    const text = `${D}frontend f\n    mode tcp\n    bind :80\n    option httplog\n    option forwardfor\n    default_backend t\nbackend t\n    mode tcp\n    cookie SRV insert\n    server s 127.0.0.1:1 cookie s\n`
    const msgs = diagnose(text).filter((d) => d.code === 'haproxy/mode-mismatch').map((d) => d.message)
    expect(msgs).toEqual(
      expect.arrayContaining([
        "'option httplog' not usable with frontend 'f' (needs 'mode http'). Falling back to 'option tcplog'.",
        "'option forwardfor' ignored for frontend 'f' as it requires HTTP mode.",
        "cookie will be ignored for backend 't' (needs 'mode http').",
      ]),
    )
  })

  it('flags missing timeouts', () => {
    const ds = diagnose(`frontend f\n    bind :80\n    default_backend app\n${B}`)
    expect(ds.filter((d) => d.code === 'haproxy/missing-timeouts').map((d) => d.line)).toEqual([1, 4])
  })

  it('flags rule-order traps', () => {
    const text = FE('    http-request allow\n    http-request deny if { src 10.0.0.1 }\n    use_backend app\n    use_backend app if TRUE\n')
    const lines = diagnose(text).filter((d) => d.code === 'haproxy/unreachable-rule').map((d) => d.line)
    expect(lines).toEqual([9, 11, 12])
  })

  it('checks ulimit-n against maxconn×2+18', () => {
    const text = `global\n    maxconn 30000\n    ulimit-n 60000\n${D}`
    const d = diagnose(text).find((x) => x.code === 'haproxy/ulimit-too-low')
    expect(d?.message).toContain('60018')
    expect(has(`global\n    maxconn 30000\n    ulimit-n 60018\n${D}`, 'haproxy/ulimit-too-low')).toBe(false)
  })

  it('applies --target-version', () => {
    const text = `${D}backend app\n    bind-process all\n    balance hash req.cook(x)\n    server s 127.0.0.1:1\n`
    expect(codes(errors(diagnose(text, {targetVersion: '2.7'})))).toContain('haproxy/removed-keyword')
    expect(codes(errors(diagnose(text, {targetVersion: '2.4'})))).toContain('haproxy/unsupported-keyword')
    expect(errors(diagnose(text, {targetVersion: '2.6'}))).toEqual([])
  })
})

describe('rules: environment checks are warnings unless strictEnv', () => {
  const text = `global\n    user lbctl-no-such-user\n${D}frontend f\n    bind :443 ssl crt /nonexistent/lbctl.pem\n    default_backend app\nbackend app\n    server s1 no-such-host.invalid:80\n`
  it.each([
    [false, 'warning'],
    [true, 'error'],
  ])('strictEnv=%s → %s', (strictEnv, severity) => {
    const env = diagnose(text, {strictEnv}).filter((d) => ['haproxy/unknown-user', 'haproxy/missing-file', 'haproxy/unresolved-host'].includes(d.code))
    expect(env.map((d) => d.code).sort()).toEqual(['haproxy/missing-file', 'haproxy/unknown-user', 'haproxy/unresolved-host'])
    expect(new Set(env.map((d) => d.severity))).toEqual(new Set([severity]))
  })

  it('does not ask to resolve names with init-addr none', () => {
    expect(has(`${D}backend app\n    server s1 later.invalid:80 init-addr last,libc,none\n`, 'haproxy/unresolved-host')).toBe(false)
  })
})

describe('unknown and removed keywords', () => {
  it('uses haproxy wording and suggests the closest keyword', () => {
    const d = diagnose('global\n    maxcon 10\n')[0]
    expect(d).toMatchObject({code: 'haproxy/unknown-keyword', message: "unknown keyword 'maxcon' in 'global' section", suggestions: ["did you mean 'maxconn'?"], line: 2, column: 5, endColumn: 11})
  })

  it('says what to write instead of a removed keyword', () => {
    const d = diagnose(`${D}backend app\n    contimeout 5000\n`).find((x) => x.code === 'haproxy/removed-keyword')
    expect(d?.message).toBe("the 'contimeout' directive is not supported anymore since HAProxy 2.1. Use 'timeout connect'.")
    expect(d?.suggestions).toEqual(["use 'timeout connect'"])
  })
})

describe('rules that search every argument see through quotes, escapes and environment variables', () => {
  const users = (acl: string) => FE(`    acl auth ${acl}\n    http-request deny if !auth\n`)
  it.each([
    ['plain', 'http_auth(nosuch)'],
    ['hex escape', 'http\\x5fauth(nosuch)'],
    ['quoted', '"http_auth(nosuch)"'],
    ['environment variable', '"${AUTH}"'],
  ])('userlist in http_auth: %s', (_name, acl) => {
    expect(codes(diagnose(users(acl), {}, {AUTH: 'http_auth(nosuch)'}))).toContain('haproxy/undefined-userlist')
  })

  it.each([
    ['plain', 'map(/nonexistent/x.map)'],
    ['hex escape', 'm\\x61p(/nonexistent/x.lst)'],
    ['environment variable', '"${CONV}"'],
  ])('map file of a converter: %s', (_name, conv) => {
    const text = FE(`    http-request set-var(txn.x) req.hdr(host),${conv}\n`)
    expect(codes(diagnose(text, {}, {CONV: 'map(/nonexistent/x.map)'}))).toContain('haproxy/missing-file')
  })
})
