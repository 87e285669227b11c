/** The pieces of the rules engine on their own: crypt(3), log-format, redirects, userlists, captures. */
import {describe, expect, it} from 'vitest'
import {parseHaproxyFiles} from '../../../src/config/haproxy/index.js'
import {RawHeaders} from '../../../src/engine/proxy/http1/index.js'
import {crypt, verifyCrypt} from '../../../src/engine/proxy/rules/crypt.js'
import {compileLogFormat} from '../../../src/engine/proxy/rules/log-format.js'
import {compileRedirect} from '../../../src/engine/proxy/rules/redirect.js'
import {L7State, requestRules} from '../../../src/engine/proxy/rules/transaction.js'
import {planProxyRules, planRulesShared} from '../../../src/engine/proxy/rules/plan.js'
import {planUserlists} from '../../../src/engine/proxy/rules/userlist.js'
import {HeaderList, type RequestHead} from '../../../src/engine/proxy/http1/index.js'
import {headerKind} from '../../../src/engine/proxy/http1/raw-headers.js'

const request = (target: string, headers: [string, string][] = []) => ({method: 'GET', target, version: 'HTTP/1.1', headers: HeaderList.from(headers), src: '10.0.0.1', srcPort: 4000, dstPort: 80, nbsrv: () => 0})

function head(target: string, headers: [string, string][]): RequestHead {
  const text = `GET ${target} HTTP/1.1\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}`
  const buffer = Buffer.from(text, 'latin1')
  const offsets: number[] = []
  let at = text.indexOf('\r\n') + 2
  for (const [n, v] of headers) {
    offsets.push(at, at + n.length, at + n.length + 2, at + n.length + 2 + v.length, headerKind(buffer, at, at + n.length))
    at += n.length + v.length + 4
  }
  return {method: 'GET', target, version: 'HTTP/1.1', headers: new RawHeaders(buffer, offsets, headers.length), contentLength: -1, chunked: false, dropContentLength: false, keepAlive: true, upgrade: false, expectContinue: false}
}

describe('crypt(3)', () => {
  // Produced by `openssl passwd -1|-5|-6 -salt ...` and Python's crypt for the rounds= form.
  it.each([
    ['pw', '$1$abc$Kb85XxsXB.VXinPhbS4431'],
    ['secret', '$5$saltsalt$0IyaXrmV7.sGNS6tirgqHLqX/G.FBvgkYA.lpPdS5sA'],
    ['p@ss word', '$6$0123456789abcdef$3Jjr8psmPDzX2d5rG5TxUFQI4vMwFO5IryIOryA0gWMgYluPZTzaY5OCsNLW75c.m8yiauSnK/CpY2QzLfghX1'],
    ['pw', '$6$rounds=1000$xy$iuQKcZ2TAFa1eB.CJPNJxVLtmdJXVxW114bJViXTHZkF1Hxr3aQKJ1Xou3j6S3xBJBROkOtLLT.//lQM9XcAY.'],
  ])('%s → %s', (password, hash) => {
    expect(crypt(password, hash)).toBe(hash)
    expect(verifyCrypt(password, hash)).toBe(true)
    expect(verifyCrypt(`${password}x`, hash)).toBe(false)
  })
  it('refuses what it cannot compute', () => {
    expect(crypt('pw', '$2y$05$abcdefghijklmnopqrstuv')).toBeUndefined()
    expect(verifyCrypt('pw', 'abJnggxhB/yWI')).toBe(false)
  })
})

describe('log-format', () => {
  it.each([
    ['plain', 'plain'],
    ['100%%', '100%'],
    ['%[req.hdr(host)]-%[src]-%[path]', 'h2-10.0.0.1-/p'],
    ['%[hdr(x-list)]', 'c'],
    ['%[req.hdr(host),upper]:%[dst_port]', 'H2:80'],
    ['%ci:%cp', '10.0.0.1:4000'],
    ['%[url_param(q)]|%[query]', '1|q=1'],
    ['%[req.hdr(nosuch)]', ''],
  ])('%s', (format, expected) => {
    const compiled = compileLogFormat(format)
    if (!compiled.ok) throw new Error(compiled.problem)
    expect(compiled.value(request('/p?q=1', [['Host', 'h1'], ['host', 'h2'], ['X-List', 'a, b'], ['x-list', 'c']]))).toBe(expected)
  })
  it('names what it does not know', () => {
    expect(compileLogFormat('%[rand]')).toEqual({ok: false, problem: "sample fetch 'rand' is not supported by the bundled engine yet"})
    expect(compileLogFormat('%[path,sha2]')).toEqual({ok: false, problem: "converter 'sha2' is not supported by the bundled engine yet"})
    expect(compileLogFormat('%[path')).toEqual({ok: false, problem: "missing ']' in '%[path'"})
  })
})

describe('redirect', () => {
  it.each<[string, string, [string, string][], string, number]>([
    ['location /x code 301', '/a?b', [], '/x', 301],
    ['prefix /pre', '/a?b', [], '/pre/a?b', 302],
    ['prefix /pre drop-query append-slash', '/a?b', [], '/pre/a/', 302],
    ['prefix / set-cookie K=V', '/a', [], '/a', 302],
    ['scheme https', '/a?b', [['Host', 'h:80']], 'https://h:80/a?b', 302],
    ['scheme https', 'http://other/z', [['Host', 'h']], 'https://h/z', 302],
    ['location https://%[req.hdr(host)]%[path] code 308', '/p?q', [['Host', 'h']], 'https://h/p', 308],
  ])('%s for %s', (words, target, headers, location, code) => {
    const compiled = compileRedirect(words.split(' '))
    if (!compiled.ok) throw new Error(compiled.problem)
    const reply = compiled.value.build(request(target, headers))
    expect(reply.status).toBe(code)
    expect(reply.headers.find(([n]) => n === 'location')?.[1]).toBe(location)
  })
  it('checks its words', () => {
    expect(compileRedirect(['scheme'])).toEqual({ok: false, problem: 'redirect scheme: missing the scheme'})
    expect(compileRedirect(['location', '/x', 'code', '200'])).toEqual({ok: false, problem: "redirect: code must be one of 301, 302, 303, 307 or 308, not '200'"})
  })
})

describe('userlists and captures', () => {
  const parse = (text: string) => parseHaproxyFiles([{path: 't.cfg', text}]).model
  it('groups come from group lines and user lines; unknown users fail', () => {
    const model = parse('userlist L\n  group g1 users bob\n  group g2\n  user alice insecure-password a groups g2\n  user bob insecure-password b\n')
    const lists = planUserlists(model, [])
    const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`
    expect(lists.get('L')!.authenticate(basic('bob:b'))).toEqual({user: 'bob', groups: ['g1']})
    expect(lists.get('L')!.authenticate(basic('alice:a'))).toEqual({user: 'alice', groups: ['g2']})
    expect(lists.get('L')!.authenticate(basic('alice:b'))).toBeUndefined()
    expect(lists.get('L')!.authenticate(basic('eve:a'))).toBeUndefined()
    expect(lists.get('L')!.authenticate('Bearer x')).toBeUndefined()
  })

  it('captures the last occurrence of each header, cut to its length, in declaration order', () => {
    const model = parse('frontend f\n  mode http\n  bind :80\n  capture request header Host len 5\n  capture request header X-None len 3\n  capture request header User-Agent len 64\n')
    const p = model.proxies[0]!
    const problems: string[] = []
    const rules = planProxyRules(p, planRulesShared(model, problems), problems)!
    expect(problems).toEqual([])
    const state = new L7State()
    requestRules(state, rules, head('/', [['Host', 'first.example'], ['host', 'www.example.com'], ['User-Agent', 'curl/8']]), () => ({src: '', srcPort: 0, dstPort: 80, ssl: false, nbsrv: () => 0}), 'rules', true)
    expect(state.captures).toEqual({request: ['www.e', undefined, 'curl/8'], response: []})
  })
})
