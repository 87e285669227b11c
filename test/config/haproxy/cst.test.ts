import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {lexLine, parseHaproxyFiles, printHaproxyFile} from '../../../src/config/haproxy/index.js'
import {FIXTURES, parseText} from './helpers.js'

function fixtureFiles(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((e) => (e.isDirectory() ? fixtureFiles(join(dir, e.name)) : e.name.endsWith('.cfg') ? [join(dir, e.name)] : []))
}

describe('lossless CST', () => {
  const files = fixtureFiles(FIXTURES)
  it('finds the fixtures', () => expect(files.length).toBeGreaterThan(40))

  it.each(files.map((f) => [f.slice(FIXTURES.length), f]))('round-trips %s byte for byte', (_name, path) => {
    const text = readFileSync(path, 'utf8')
    const parse = parseHaproxyFiles([{path, text}])
    expect(printHaproxyFile(parse.files[0]!)).toBe(text)
  })

  // Plain lines keep no words: each read splits the text again (without the word cache once the model is built).
  it.each(files.map((f) => [f.slice(FIXTURES.length), f]))('gives every line the words the lexer gives, before and after the build: %s', (_name, path) => {
    const text = readFileSync(path, 'utf8')
    const parse = parseHaproxyFiles([{path, text}], {env: {}})
    const shape = (words: readonly {value: string; raw: string; column: number; endColumn: number; quoted: boolean}[]) => words.map((w) => [w.value, w.raw, w.column, w.endColumn, w.quoted])
    for (const line of parse.files[0]!.lines) {
      const expected = shape(lexLine(line.text, {}).words)
      expect(shape(line.words), `${path}:${line.line}`).toEqual(expected)
      expect(shape(line.words), `${path}:${line.line} read again`).toEqual(expected)
    }
    for (const p of [...parse.model.proxies, ...parse.model.defaults]) {
      for (const d of p.directives) expect(d.column, `${path}:${d.line}`).toBe(d.cst.words[0]!.column)
      for (const s of p.servers) expect([s.name, s.address], `${path}:${s.line}`).toEqual(s.directive.words.slice(1, s.template ? 4 : 3).filter((_, i) => !s.template || i !== 1).map((w) => w.value))
    }
  })

  it.each([
    ['CRLF', 'global\r\n    maxconn 10\r\nbackend b\r\n    server s 127.0.0.1:80\r\n'],
    ['mixed endings', 'global\n    maxconn 10\r\n'],
    ['tabs and trailing spaces', 'global\t \n\tmaxconn\t10   \n  \n'],
    ['no final newline', 'global\n    maxconn 10'],
    ['empty', ''],
    ['blank lines only', '\n\n\n'],
    ['unterminated quote', 'global\n    description "oops\n'],
  ])('round-trips %s', (_name, text) => {
    expect(printHaproxyFile(parseText(text).files[0]!)).toBe(text)
  })

  it('groups lines into sections with positions', () => {
    const cst = parseText('# head\nglobal\n    maxconn 10\n\nbackend app # web\n    server s1 127.0.0.1:80\n').files[0]!
    expect(cst.sections.map((s) => [s.kind, s.name, s.line, s.body.length])).toEqual([
      ['none', undefined, 1, 1],
      ['global', undefined, 2, 2],
      ['backend', 'app', 5, 1],
    ])
    const server = cst.sections[2]!.body[0]!
    expect(server).toMatchObject({file: 'test.cfg', line: 6, kind: 'directive', eol: '\n'})
    expect(server.words.map((w) => w.column)).toEqual([5, 12, 15])
    expect(cst.sections[2]!.header!.comment).toEqual({column: 13, text: '# web'})
  })

  it('keeps CR out of the words of a CRLF line', () => {
    const line = parseText('global\r\n    maxconn 10\r\n').files[0]!.lines[1]!
    expect(line).toMatchObject({text: '    maxconn 10', eol: '\r\n'})
    expect(line.words.map((w) => w.value)).toEqual(['maxconn', '10'])
  })

  it('reports a last line without LF, as haproxy 2.6 does', () => {
    const d = parseText('global\n    maxconn 10').diagnostics
    expect(d).toMatchObject([{code: 'haproxy/missing-final-newline', severity: 'error', line: 2, message: 'Missing LF on last line, file might have been truncated at position 15.'}])
  })

  it('evaluates .if/.elif/.else/.endif and skips inactive lines', () => {
    const text = '.if defined(NOPE)\nglobal\n    bogus1\n.elif version_atleast(2.4)\nglobal\n    maxconn 10\n.else\n    bogus2\n.endif\n'
    const parse = parseText(text)
    expect(parse.diagnostics).toEqual([])
    expect(parse.model.global?.maxconn).toBe(10)
    expect(parseText('.if streq(a,a)\nglobal\n    bogus\n.endif\n').diagnostics.map((d) => d.code)).toEqual(['haproxy/unknown-keyword'])
    expect(parseText('.if 1\nglobal\n').diagnostics.map((d) => d.code)).toEqual(['haproxy/unterminated-if'])
    expect(parseText('.foo\n').diagnostics.map((d) => d.code)).toEqual(['haproxy/unknown-directive'])
  })

  it('skips a line whose first word is empty, like haproxy', () => {
    expect(parseText('global\n    "" anything\n    "${EMPTY}" x\n', 'test.cfg', {EMPTY: ''}).diagnostics).toEqual([])
  })
})
