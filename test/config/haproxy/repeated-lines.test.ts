// Big configs repeat the same server options on thousands of lines: the parser remembers option words it
// already checked and shares their options object, and makes a directive's args only when read. These tests
// pin that none of it changes what is reported or modelled.
import {describe, expect, it} from 'vitest'
import {diagnose, errors, parseText} from './helpers.js'

const PRELUDE = 'defaults\n    mode http\n    timeout connect 5s\n    timeout client 30s\n    timeout server 30s\n'

describe('repeated server lines', () => {
  it('reports a wrong option on every line that has it, at each line and column', () => {
    const text = `${PRELUDE}backend app\n    server s1 127.0.0.1:80 check weight 300\n    server s2 127.0.0.2:80 check weight 300\n`
    const found = errors(diagnose(text)).filter((d) => d.code === 'haproxy/out-of-range')
    expect(found.map((d) => [d.line, d.column, d.message])).toEqual([
      [7, 41, "'server app/s1' : weight of server s1 is not within 0 and 256 (300)."],
      [8, 41, "'server app/s2' : weight of server s2 is not within 0 and 256 (300)."],
    ])
  })

  it('still checks options first seen clean when they come back with an error, and in another backend', () => {
    const text = `${PRELUDE}backend a\n    server s1 127.0.0.1:80 check inter 2s\n    server s2 127.0.0.1:81 check inter 2s\n    server s3 127.0.0.1:82 check inter 2x\nbackend b\n    server s1 127.0.0.1:80 check inter 2s\n`
    expect(errors(diagnose(text)).map((d) => [d.line, d.code])).toEqual([[9, 'haproxy/invalid-time']])
  })

  it('models each server from its own words; default-server settings give each proxy its own options', () => {
    const text = `${PRELUDE}backend a\n    server s1 127.0.0.1:80 check weight 5\n    server s2 127.0.0.2:80 check weight 5\nbackend b\n    default-server inter 3s\n    server s1 127.0.0.3:80 check weight 5\n`
    const {model} = parseText(text)
    const [a1, a2] = model.backends[0]?.servers ?? []
    const b1 = model.backends[1]?.servers[0]
    expect(a1).toMatchObject({name: 's1', host: '127.0.0.1', port: 80, check: true, weight: 5, inter: 2000, options: {check: true, weight: '5'}})
    expect(a2).toMatchObject({name: 's2', host: '127.0.0.2', port: 80, check: true, weight: 5})
    expect(b1).toMatchObject({name: 's1', inter: 3000, weight: 5, options: {inter: '3s', check: true, weight: '5'}})
    expect(a1?.options).toEqual({check: true, weight: '5'})
  })

  it('reports and models a server line whose options were seen before exactly like one with options of its own', () => {
    // The same lines twice: with one option text throughout (after its first line, each server line is read
    // from its first three words), and with a different option text on every line (each read word by word).
    const lines = (options: (i: number) => string) =>
      `${PRELUDE}backend a\n    server s1 127.0.0.1:80 ${options(1)}\n    server s2 127.0.0.1:99999 ${options(2)}\n    server s1 127.0.0.2:80 ${options(3)}\n` +
      `    server s3 web.invalid:80 ${options(4)}\n    no server s4 127.0.0.4:80 ${options(5)}\nfrontend f\n    bind 127.0.0.1:18081\n    default_backend a\n    server s5 127.0.0.5:80 ${options(6)}\n` +
      `listen l\n    bind 127.0.0.1:18082\n    server s6 127.0.0.6:80 ${options(7)}\n    server s7 [::1]:80 ${options(8)}\n    server s8 127.0.0.8 ${options(9)}\n`
    const same = lines(() => 'check inter 2s rise 2 fall 3')
    const distinct = lines((i) => `check inter 2s rise 2 fall ${i + 2}`)
    const shape = (text: string) => diagnose(text).map((d) => [d.code, d.line, d.column, d.message.replace(/fall \d+/, 'fall N')])
    expect(shape(same)).toEqual(shape(distinct))
    expect(shape(same).map(([code, line]) => [code, line])).toEqual(expect.arrayContaining([['haproxy/invalid-address', 8], ['haproxy/duplicate-server', 9], ['haproxy/invalid-prefix', 11], ['haproxy/misplaced-keyword', 15]]))
    const servers = (text: string) => parseText(text).model.proxies.flatMap((p) => p.servers.map((s) => [p.name, s.name, s.address, s.family, s.port, s.check, s.inter, s.line, s.directive.keyword, s.directive.args.length]))
    expect(servers(same)).toEqual(servers(distinct))
    expect(servers(same)).toHaveLength(7) // not the prefixed line nor the one in a frontend
  })

  it('gives a directive its unescaped arguments, server lines included', () => {
    const text = `${PRELUDE}backend a\n    server s1 127.0.0.1:80 check\n    http-request set-header X-A "a b" if { path /x }\n`
    const directives = parseText(text).model.backends[0]?.directives ?? []
    expect(directives.map((d) => [d.keyword, d.args])).toEqual([
      ['server', ['s1', '127.0.0.1:80', 'check']],
      ['http-request', ['set-header', 'X-A', 'a b', 'if', '{', 'path', '/x', '}']],
    ])
    // `args` is made when read (a getter), not stored with every directive.
    expect(Object.keys(directives[0] ?? {})).not.toContain('args')
  })
})
