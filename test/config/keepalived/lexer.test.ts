import {readdirSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {parseKeepalived, printKeepalivedFile} from '../../../src/config/keepalived/index.js'
import {tokenize} from '../../../src/config/keepalived/lexer.js'
import {fixture, parseText} from './helpers.js'

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path) : name.endsWith('.conf') ? [path] : []
  })
}

describe('round trip', () => {
  it.each(walk(fixture()))('%s prints back byte for byte', (path) => {
    const text = readFileSync(path, 'latin1')
    const parse = parseKeepalived({path, text}, {reader: {read: () => ({path, text: ''}), glob: () => []}})
    expect(printKeepalivedFile(parse.files[0]!)).toBe(text)
  })

  it.each([
    ['CRLF and no final newline', 'global_defs {\r\n  router_id a\r\n}'],
    ['tabs and blank lines', '\n\n\tvrrp_instance VI_1 {\n\t\tinterface eth0\n\n}\n\n'],
    ['unterminated quote', 'vrrp_script x {\n  script "abc\n}\n'],
    ['escaped quotes', 'vrrp_script x {\n  script "/bin/sh -c \\"exit 0\\""\n}\n'],
    ['stray carriage returns', 'a\rb \r\n'],
    ['empty', ''],
  ])('%s', (_name, text) => {
    expect(printKeepalivedFile(parseText(text).files[0]!)).toBe(text)
  })
})

describe('lexer', () => {
  const words = (text: string) => tokenize(text).filter((t) => t.kind !== 'space' && t.kind !== 'newline').map((t) => `${t.kind}:${t.value || t.text}`)

  it.each([
    ['vrrp_instance VI_1{', ['word:vrrp_instance', 'word:VI_1', 'open:{']],
    ['virtual_ipaddress{192.168.1.1}', ['word:virtual_ipaddress', 'open:{', 'word:192.168.1.1', 'close:}']],
    ['priority 100#comment', ['word:priority', 'word:100', 'comment:#comment']],
    ['state BACKUP ! comment', ['word:state', 'word:BACKUP', 'comment:! comment']],
    ['script "killall -0 haproxy"', ['word:script', 'word:killall -0 haproxy']],
    ['script "a # not { a comment }"', ['word:script', 'word:a # not { a comment }']],
    ['router_id a\\#b', ['word:router_id', 'word:a#b']],
    ['dev ${IF}', ['word:dev', 'word:${IF}']],
    // keepalived's alloc_strvec_r: a backslash does not escape a quote, and a quote ends an unquoted word.
    ['script "/bin/sh -c \\"exit 0\\""', ['word:script', 'word:/bin/sh -c \\', 'word:exit', 'word:0\\', 'word:""']],
    ['router_id a"b c"d', ['word:router_id', 'word:a', 'word:b c', 'word:d']],
  ])('%s', (text, expected) => {
    expect(words(text)).toEqual(expected)
  })

  it('reports a quote left open by a backslash as keepalived does', () => {
    expect(tokenize('router_id "a\\"b c"').some((t) => t.unterminatedQuote)).toBe(true)
  })

  it('tracks lines and columns', () => {
    const t = tokenize('a\r\n  bb {\n').filter((x) => x.kind === 'word' || x.kind === 'open')
    expect(t.map((x) => [x.text, x.line, x.column])).toEqual([
      ['a', 1, 1],
      ['bb', 2, 3],
      ['{', 2, 6],
    ])
  })
})

describe('CST', () => {
  it('nests blocks and keeps positions', () => {
    const parse = parseText('vrrp_instance VI_1\n{\n  authentication {\n    auth_type PASS\n  }\n}\n')
    const [vi] = parse.files[0]!.statements
    expect(vi).toMatchObject({keyword: 'vrrp_instance', args: ['VI_1'], line: 1, column: 1})
    const auth = vi!.block!.statements[0]!
    expect(auth).toMatchObject({keyword: 'authentication', line: 3, column: 3, file: '/etc/keepalived/keepalived.conf'})
    expect(auth.block!.statements[0]).toMatchObject({keyword: 'auth_type', args: ['PASS'], line: 4, column: 5})
    expect(parse.diagnostics).toEqual([])
  })

  it.each([
    ['}\n', 'keepalived/extra-close', "Extra '}' found"],
    ['global_defs {\n', 'keepalived/missing-close', "There are 1 missing '}'s or extra '{'s"],
    ['{\n}\n', 'keepalived/unexpected-open', "Unexpected '{' - ignoring"],
  ])('%j reports %s', (text, code, message) => {
    expect(parseText(text).diagnostics).toContainEqual(expect.objectContaining({code, message}))
  })

  it('expands $NAME definitions and skips @id lines for another host', () => {
    const parse = parseText('$IF=eth1\n@other bogus\n@^other vrrp_instance V {\n  interface $IF\n}\n')
    expect(parse.model.vrrpInstances[0]?.interface).toBe('eth1')
    expect(parse.diagnostics.filter((d) => d.code === 'keepalived/unknown-keyword')).toEqual([])
  })
})
