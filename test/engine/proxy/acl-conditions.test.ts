/** Conditions (named ACLs OR-ed across lines, anonymous ACLs, !, ||/or, implicit AND, unless) and how plan.ts turns use_backend rules into switching rules. */
import {describe, expect, it} from 'vitest'
import {parseHaproxyFiles} from '../../../src/config/haproxy/index.js'
import {planEngine} from '../../../src/engine/proxy/plan.js'
import {aclRequest} from './acl-cases.js'

const HEAD = `defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend f
  bind 127.0.0.1:8080
  acl api path_beg /api
  acl api hdr(host) api.local
  acl img path_end .png .jpg
  acl admin src 10.0.0.0/8
`
const TAIL = `  default_backend app
backend app
  server s1 127.0.0.1:9001
backend b
  server s1 127.0.0.1:9002
backend c
  server s1 127.0.0.1:9003
`

function plan(rules: string) {
  const parse = parseHaproxyFiles([{path: 'test.cfg', text: HEAD + rules + TAIL}])
  const errors = parse.diagnostics.filter((d) => d.severity === 'error')
  if (errors.length > 0) throw new Error(errors.map((d) => d.message).join('; '))
  return planEngine(parse.model)
}

/** Which backend the frontend's rules pick for a request. */
function route(rules: string, line: string, headers: [string, string][] = [], src = '127.0.0.1'): string {
  const planned = plan(rules)
  if (!planned.ok) throw new Error(planned.problems.join('; '))
  const f = planned.plan.frontends[0]!
  const req = aclRequest({line, headers}, {src})
  return f.switching.find((r) => r.condition.matches(req))?.backend ?? f.backend ?? '(none: 503)'
}

describe('use_backend conditions', () => {
  it.each([
    ['use_backend b if api', 'GET /api/x HTTP/1.1', [], 'b'],
    ['use_backend b if api', 'GET / HTTP/1.1', [['Host', 'api.local']], 'b'],
    ['use_backend b if api', 'GET / HTTP/1.1', [['Host', 'www.local']], 'app'],
    ['use_backend b if api img', 'GET /api/x.png HTTP/1.1', [], 'b'],
    ['use_backend b if api img', 'GET /api/x HTTP/1.1', [], 'app'],
    ['use_backend b if api || img', 'GET /x.jpg HTTP/1.1', [], 'b'],
    ['use_backend b if api or img', 'GET /x.jpg HTTP/1.1', [], 'b'],
    ['use_backend b if !api', 'GET /x HTTP/1.1', [], 'b'],
    ['use_backend b if ! api', 'GET /api HTTP/1.1', [], 'app'],
    ['use_backend b unless api', 'GET /api HTTP/1.1', [], 'app'],
    ['use_backend b unless api', 'GET /x HTTP/1.1', [], 'b'],
    ['use_backend b if { path_beg /static } !img', 'GET /static/a.css HTTP/1.1', [], 'b'],
    ['use_backend b if { path_beg /static } !img', 'GET /static/a.png HTTP/1.1', [], 'app'],
    ['use_backend b if METH_POST', 'POST /x HTTP/1.1', [], 'b'],
    ['use_backend b if HTTP_1.0', 'GET /x HTTP/1.0', [], 'b'],
    ['use_backend b if TRUE', 'GET /x HTTP/1.1', [], 'b'],
    ['use_backend b if api\n  use_backend c if img', 'GET /api/a.png HTTP/1.1', [], 'b'],
    ['use_backend b if api\n  use_backend c if img', 'GET /a.png HTTP/1.1', [], 'c'],
    ['use_backend b if api\n  use_backend c\n  use_backend b if img', 'GET /a.png HTTP/1.1', [], 'c'],
  ] as const)('%s: %s → %s', (rules, line, headers, expected) => {
    expect(route(`  ${rules}\n`, line, [...headers] as [string, string][])).toBe(expected)
  })

  it('admin from a private network', () => {
    expect(route('  use_backend c if admin\n', 'GET / HTTP/1.1', [], '10.1.2.3')).toBe('c')
    expect(route('  use_backend c if admin\n', 'GET / HTTP/1.1', [], '192.168.1.1')).toBe('app')
  })
})

describe('plan refusals', () => {
  const problems = (rules: string) => {
    const planned = plan(rules)
    return planned.ok ? [] : planned.problems
  }
  it('names an unsupported fetch', () => {
    expect(problems('  use_backend b if { req.body -m found }\n')).toEqual(["test.cfg:12: frontend f: use_backend b: anonymous ACL '{ req.body -m found }': fetch 'req.body' is not supported by the bundled engine yet"])
  })
  it('compiles dynamic backend names, refusing the samples it cannot compute', () => {
    expect(problems('  use_backend be_%[req.hdr(host),lower]\n')).toEqual([])
    expect(problems('  use_backend %[req.body]\n')).toEqual(["test.cfg:12: frontend f: use_backend %[req.body]: sample fetch 'req.body' is not supported by the bundled engine yet"])
  })
  it('fullconn counts frontends that reach a backend through use_backend', () => {
    const planned = plan('  maxconn 1000\n  use_backend b if api\n')
    if (!planned.ok) throw new Error(planned.problems.join('; '))
    expect(planned.plan.backends.find((x) => x.name === 'b')?.fullconn).toBe(100)
  })
})
