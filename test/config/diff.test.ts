import {describe, expect, it} from 'vitest'
import {diffOutlines, REDACTED} from '../../src/config/diff.js'
import {renderChanges} from '../../src/config/diff-render.js'
import type {OutlineDirective, OutlineSection} from '../../src/config/outline.js'

function dir(key: string, keyword: string, args: string[], extra: Partial<OutlineDirective> = {}): OutlineDirective {
  return {key, keyword, args, file: 'x.cfg', line: 1, ...extra}
}
function section(key: string, directives: OutlineDirective[], children: OutlineSection[] = []): OutlineSection {
  const [kind = key, name = ''] = key.split(' ')
  return {key, kind, name, file: 'x.cfg', line: 1, directives, children}
}

describe('diffOutlines', () => {
  const base = [
    section('backend app', [
      dir('balance', 'balance', ['roundrobin']),
      dir('server web1', 'server', ['web1', '127.0.0.1:9001', 'check']),
      dir('server web2', 'server', ['web2', '127.0.0.1:9002', 'check']),
    ]),
  ]

  it('finds nothing between identical outlines', () => {
    expect(diffOutlines(base, structuredClone(base))).toEqual({same: true, changes: []})
  })

  it.each([
    {
      name: 'changed server address',
      after: [section('backend app', [base[0]!.directives[0]!, dir('server web1', 'server', ['web1', '127.0.0.1:9009', 'check']), base[0]!.directives[2]!])],
      expected: [{kind: 'changed', section: 'backend app', directive: 'server', before: 'server web1 127.0.0.1:9001 check', after: 'server web1 127.0.0.1:9009 check'}],
    },
    {
      name: 'removed server and added option',
      after: [section('backend app', [base[0]!.directives[0]!, base[0]!.directives[1]!, dir('option httpchk', 'option', ['httpchk', 'GET', '/'])])],
      expected: [
        {kind: 'removed', section: 'backend app', directive: 'server', before: 'server web2 127.0.0.1:9002 check', after: null},
        {kind: 'added', section: 'backend app', directive: 'option', before: null, after: 'option httpchk GET /'},
      ],
    },
    {
      name: 'new section',
      after: [...base, section('frontend www', [dir('bind :80', 'bind', [':80'])])],
      expected: [{kind: 'added', section: 'frontend www', directive: null, before: null, after: 'frontend www (1 directive)'}],
    },
  ])('$name', ({after, expected}) => {
    const result = diffOutlines(base, after)
    expect(result.same).toBe(false)
    expect(result.changes.map(({kind, section, directive, before, after}) => ({kind, section, directive, before, after}))).toEqual(expected)
  })

  it('reports reordering only inside an order group', () => {
    const rules = (order: string[]) =>
      section('frontend www', [
        dir('timeout client', 'timeout', ['client', '5s']),
        ...order.map((name) => dir(`use_backend ${name}`, 'use_backend', [name, 'if', `is_${name}`], {orderGroup: 'use_backend'})),
        dir('bind :80', 'bind', [':80']),
      ])
    expect(diffOutlines([rules(['a', 'b'])], [rules(['a', 'b'])]).same).toBe(true)
    const moved = diffOutlines([rules(['a', 'b'])], [rules(['b', 'a'])])
    expect(moved.changes).toHaveLength(1)
    expect(moved.changes[0]).toMatchObject({kind: 'reordered', directive: 'use_backend'})
    // Order outside a group never counts.
    const shuffled = section('frontend www', [...rules(['a', 'b']).directives].reverse().map((d) => ({...d, orderGroup: undefined})))
    const plain = section('frontend www', rules(['a', 'b']).directives.map((d) => ({...d, orderGroup: undefined})))
    expect(diffOutlines([plain], [shuffled]).same).toBe(true)
  })

  it('redacts secrets and still says a secret changed', () => {
    const auth = (pass: string) => [section('vrrp_instance VI_1', [dir('auth_pass', 'auth_pass', [pass], {secretArgs: [0]})])]
    const result = diffOutlines(auth('s3cret'), auth('0ther'))
    expect(result.changes).toHaveLength(1)
    expect(JSON.stringify(result)).not.toMatch(/s3cret|0ther/)
    expect(result.changes[0]!.after).toBe(`auth_pass ${REDACTED} (secret changed)`)
  })

  it('pairs repeated keys by occurrence and recurses into children', () => {
    const vs = (port: string) => [
      section('virtual_server 198.18.0.1 80', [dir('lb_algo', 'lb_algo', ['rr'])], [section('real_server 198.18.0.11 80', [dir('weight', 'weight', ['1'])], [section('TCP_CHECK', [dir('connect_port', 'connect_port', [port])])])]),
    ]
    const result = diffOutlines(vs('80'), vs('8080'))
    expect(result.changes).toEqual([
      expect.objectContaining({kind: 'changed', section: 'virtual_server 198.18.0.1 80 > real_server 198.18.0.11 80 > TCP_CHECK', before: 'connect_port 80', after: 'connect_port 8080'}),
    ])
  })
})

describe('renderChanges', () => {
  it('groups by section without colour when asked', () => {
    const text = renderChanges(
      [
        {kind: 'changed', section: 'backend app', directive: 'balance', before: 'balance roundrobin', after: 'balance leastconn', file: 'b.cfg', line: 3},
        {kind: 'added', section: 'frontend api', directive: null, before: null, after: 'frontend api (2 directives)', file: 'b.cfg', line: 9},
      ],
      false,
    )
    expect(text).toBe('backend app\n  ~ balance roundrobin → balance leastconn (b.cfg:3)\n+ frontend api (b.cfg:9)')
  })
})
