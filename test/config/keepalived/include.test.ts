import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {parseKeepalived} from '../../../src/config/keepalived/index.js'
import {readSourceFile} from '../../../src/config/source.js'
import {expandBraces, segmentRegExp} from '../../../src/config/keepalived/reader.js'
import {parseText} from './helpers.js'

const vi = (name: string, vrid: number) => `vrrp_instance ${name} {\n  interface eth0\n  virtual_router_id ${vrid}\n  virtual_ipaddress {\n    10.0.0.${vrid}\n  }\n}\n`

describe('include (in memory)', () => {
  it('expands globs in sorted order, relative to the including file, nested', () => {
    const parse = parseText('include conf.d/*.conf\n', '/etc/keepalived/keepalived.conf', {
      '/etc/keepalived/conf.d/b.conf': vi('VI_B', 2),
      '/etc/keepalived/conf.d/a.conf': `include ../extra/{x,y}.inc\n${vi('VI_A', 1)}`,
      '/etc/keepalived/extra/x.inc': vi('VI_X', 3),
      '/etc/keepalived/conf.d/skip.txt': 'bogus\n',
    })
    expect(parse.files.map((f) => f.source.path)).toEqual([
      '/etc/keepalived/keepalived.conf',
      '/etc/keepalived/conf.d/a.conf',
      '/etc/keepalived/extra/x.inc',
      '/etc/keepalived/conf.d/b.conf',
    ])
    expect(parse.model.vrrpInstances.map((v) => v.name)).toEqual(['VI_X', 'VI_A', 'VI_B'])
    expect(parse.diagnostics).toEqual([])
  })

  it('reports diagnostics in the included file', () => {
    const parse = parseText('include other.conf\n', '/k/main.conf', {'/k/other.conf': 'bogus_word 1\n'})
    expect(parse.diagnostics).toContainEqual(expect.objectContaining({code: 'keepalived/unknown-keyword', file: '/k/other.conf', line: 1}))
  })

  it('includes inside a block join that block', () => {
    const parse = parseText('vrrp_instance V {\n  include vips.inc\n}\n', '/k/main.conf', {'/k/vips.inc': 'interface eth3\n'})
    expect(parse.model.vrrpInstances[0]?.interface).toBe('eth3')
  })

  it('warns when nothing matches and stops include loops', () => {
    expect(parseText('include nothing/*.conf\n').diagnostics).toContainEqual(expect.objectContaining({code: 'keepalived/include-not-found', severity: 'warning'}))
    const loop = parseText('include self.conf\n', '/k/self.conf')
    expect(loop.diagnostics).toContainEqual(expect.objectContaining({code: 'keepalived/include-loop'}))
  })

  it.each([
    ['*.conf', 'a.conf', true],
    ['*.conf', '.hidden.conf', true],
    ['[ab].conf', 'b.conf', true],
    ['[!ab].conf', 'b.conf', false],
    ['?.conf', 'ab.conf', false],
  ])('glob segment %s vs %s', (pattern, name, matches) => {
    expect(segmentRegExp(pattern).test(name)).toBe(matches)
  })

  it('expands braces', () => expect(expandBraces('a/{x,y}/{1,2}')).toEqual(['a/x/1', 'a/x/2', 'a/y/1', 'a/y/2']))
})

describe('include (real file system)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lbctl-inc-'))
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  it('resolves relative to the including file like keepalived', () => {
    mkdirSync(join(dir, 'sub'))
    writeFileSync(join(dir, 'main.conf'), 'include sub/*.conf\n')
    writeFileSync(join(dir, 'sub', 'a.conf'), `include b.inc\n${vi('VI_1', 1)}`)
    writeFileSync(join(dir, 'sub', 'b.inc'), 'bogus_in_b\n')
    const parse = parseKeepalived(readSourceFile(join(dir, 'main.conf')))
    expect(parse.files.map((f) => f.source.path)).toEqual([join(dir, 'main.conf'), join(dir, 'sub', 'a.conf'), join(dir, 'sub', 'b.inc')])
    expect(parse.diagnostics).toEqual([expect.objectContaining({code: 'keepalived/unknown-keyword', file: join(dir, 'sub', 'b.inc'), message: "Unknown keyword 'bogus_in_b'"})])
  })
})
