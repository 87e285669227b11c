/** Fetches and matchers as unit tables: each expression against each request (the same table runs against real haproxy in acl-compare-haproxy). */
import {describe, expect, it} from 'vitest'
import {compileExpression} from '../../../src/engine/proxy/acl/index.js'
import {patternsFromFile, splitCriterion} from '../../../src/engine/proxy/acl/expression.js'
import {pathOf, urlParams} from '../../../src/engine/proxy/acl/fetches.js'
import {intRanges, matchWord} from '../../../src/engine/proxy/acl/matchers.js'
import {aclRequest, CASES, REQUESTS} from './acl-cases.js'

const words = (expression: string) => expression.split(' ')

describe('ACL expressions (fetch + matcher) on requests', () => {
  it.each(CASES)('%s', (expression, expected) => {
    const compiled = compileExpression(words(expression))
    if (!compiled.ok) throw new Error(compiled.problem)
    const matched = Object.entries(REQUESTS)
      .filter(([, r]) => compiled.value.test(aclRequest(r)))
      .map(([name]) => name)
    expect(matched).toEqual(expected)
  })
})

describe('connection and backend fetches', () => {
  const req = REQUESTS.plain!
  it.each([
    ['dst_port 8080', {}, true],
    ['dst_port 80', {}, false],
    ['dst_port ge 1024', {}, true],
    ['src 192.168.1.0/24', {src: '192.168.1.77'}, true],
    ['src 192.168.1.0/24', {src: '192.168.2.77'}, false],
    ['src ::1', {src: '::1'}, true],
    ['nbsrv(app) lt 1', {nbsrv: () => 0}, true],
    ['nbsrv(app) lt 1', {nbsrv: () => 2}, false],
    ['nbsrv(app) ge 2', {nbsrv: (b: string) => (b === 'app' ? 2 : 0)}, true],
    ['nbsrv(app) eq 1', {nbsrv: () => 1}, true],
  ] as const)('%s with %o → %s', (expression, extra, expected) => {
    const compiled = compileExpression(words(expression))
    if (!compiled.ok) throw new Error(compiled.problem)
    expect(compiled.value.test(aclRequest(req, extra))).toBe(expected)
  })
})

describe('pattern files (-f)', () => {
  it('reads one pattern per line, skipping comments and empty lines, relative to the working directory', () => {
    expect(patternsFromFile('# hosts\n  www.x.com\n\napi.example.org\r\n#x\n')).toEqual(['www.x.com', 'api.example.org'])
    const read = (path: string) => {
      expect(path).toBe('hosts.lst')
      return 'api.example.org\nwww.x.com:80\n'
    }
    const compiled = compileExpression(['hdr(host)', '-f', 'hosts.lst'], read)
    if (!compiled.ok) throw new Error(compiled.problem)
    expect(Object.entries(REQUESTS).filter(([, r]) => compiled.value.test(aclRequest(r))).map(([n]) => n)).toEqual(['plain', 'post'])
  })

  it('a missing file is refused', () => {
    expect(compileExpression(['path_beg', '-f', '/nonexistent/lbctl.lst'])).toEqual({ok: false, problem: 'failed to open pattern file </nonexistent/lbctl.lst>'})
  })
})

describe('refusals', () => {
  it.each([
    ['sc0_conn_cur gt 0', "fetch 'sc0_conn_cur' is not supported by the bundled engine yet"],
    ['req.body x', "fetch 'req.body' is not supported by the bundled engine yet"],
    ['hdr(host),sha1 x', "converter 'sha1' is not supported by the bundled engine yet"],
    ['path -m bin 00', "matching method '-m bin' is not supported by the bundled engine yet"],
    ['path_reg (', 'path_reg: invalid regex \'(\''],
    ['hdr_cnt(x) abc', "hdr_cnt(x): 'abc' is not a number"],
  ])('%s', (expression, problem) => {
    expect(compileExpression(words(expression))).toEqual({ok: false, problem})
  })
})

describe('building blocks', () => {
  it('path of a target', () => {
    expect([pathOf('/a?b'), pathOf('http://h:80/x/y?z'), pathOf('http://h'), pathOf('*'), pathOf('/')]).toEqual(['/a', '/x/y', undefined, undefined, '/'])
  })
  it('url params need name=', () => {
    expect(urlParams('/p?a=1&b&a=&c=3', 'a')).toEqual(['1', ''])
    expect(urlParams('/p?a=1&b&a=&c=3', 'b')).toEqual([])
  })
  it('words between delimiters', () => {
    expect(matchWord('/img/logo.png', '/img/', '/?')).toBe(true)
    expect(matchWord('/images/logo.png', 'img', '/?')).toBe(false)
    expect(matchWord('www.example.com:8080', 'example.com', '/?.:')).toBe(true)
    expect(matchWord('www.myexample.com', 'example.com', '/?.:')).toBe(false)
    expect(matchWord('/a', '///', '/?')).toBe(false)
  })
  it('integer operators apply to the following patterns', () => {
    expect(intRanges(['gt', '1', '5', 'eq', '0', '3:4', ':2'])).toEqual({ranges: [[2, Infinity], [6, Infinity], [0, 0], [3, 4], [-Infinity, 2]]})
  })
  it('criterion parts', () => {
    expect(splitCriterion('hdr_beg(host)')).toEqual({name: 'hdr_beg', args: ['host'], converters: []})
    expect(splitCriterion('req.hdr(x-a,-1),lower')).toEqual({name: 'req.hdr', args: ['x-a', '-1'], converters: ['lower']})
    expect(splitCriterion('path,lower,upper')).toEqual({name: 'path', args: [], converters: ['lower', 'upper']})
  })
})
