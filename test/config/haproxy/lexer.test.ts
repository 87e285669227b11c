import {describe, expect, it} from 'vitest'
import {lexLine, type WordCache} from '../../../src/config/haproxy/lexer.js'

const env = {HOME: '/root', LIST: 'p q  r', EMPTY: '', NAME_1: 'x'}
const values = (line: string): string[] => lexLine(line, env).words.map((w) => w.value)

describe('lexLine: words, quotes, escapes (HAProxy 2.6, checked with haproxy -c)', () => {
  it.each([
    ['  bind  :80\tname web', ['bind', ':80', 'name', 'web']],
    ['a\\ b', ['a b']],
    ['a\\#b', ['a#b']],
    ['a#b c', ['a']],
    ['"a#b"', ['a#b']],
    ['a\\x41b', ['aAb']],
    ['a\\tb', ['a\tb']],
    ['a\\qb', ['a\\qb']],
    ['"a\\qb"', ['a\\qb']],
    ['a"b c"d', ['ab cd']],
    ['a\\\\b', ['a\\b']],
    ["a\\'b", ["a'b"]],
    ['a\\"b', ['a"b']],
    ['"a\\\'b"', ["a'b"]],
    ['a\\', ['a\\']],
    ['\\$HOME', ['\\$HOME']],
    ["'${HOME}'", ['${HOME}']],
    ['${HOME}', ['${HOME}']],
    ['"$HOME"x', ['/rootx']],
    ['"${HOME}"', ['/root']],
    ['"a${HOME}b"', ['a/rootb']],
    ['"${UNSET}"z', ['z']],
    ['"${UNSET-def}"', ['def']],
    ['"${UNSET-a b}"', ['a b']],
    ['"${HOME-x}"', ['/root']],
    ['"${EMPTY-x}"', ['']],
    ['"${LIST[*]}"', ['p', 'q', 'r']],
    ['"x${LIST[*]}y"', ['xp', 'q', 'ry']],
    ['"${LIST}"', ['p q  r']],
    ['"${NAME_1}"', ['x']],
    ['a""b', ['ab']],
    ['"" x', ['', 'x']],
  ])('%s → %j', (line, expected) => {
    const lexed = lexLine(line, env)
    expect(lexed.errors).toEqual([])
    expect(values(line)).toEqual(expected)
  })

  it('keeps raw text and 1-based column ranges', () => {
    const [a, b] = lexLine('  server "web 1"  x\\ y', env).words
    expect(a).toMatchObject({value: 'server', raw: 'server', column: 3, endColumn: 9, quoted: false})
    expect(b).toMatchObject({value: 'web 1', raw: '"web 1"', column: 10, endColumn: 17, quoted: true})
  })

  it('separates the comment', () => {
    expect(lexLine('  maxconn 10 # max', env).comment).toEqual({column: 14, text: '# max'})
    expect(lexLine('# only a comment', env)).toMatchObject({words: [], comment: {column: 1}})
  })

  it.each([
    ['  nbthread "2', 'haproxy/unmatched-quote', 12, 'unmatched quote at position 12'],
    ["  'a\\'b'", 'haproxy/unmatched-quote', 8, 'unmatched quote at position 8'],
    ['  a\\x4', 'haproxy/bad-escape', 4, 'truncated or invalid hexadecimal sequence at position 4'],
    ['  "${FOO:-x}"', 'haproxy/bad-env', 5, 'unmatched brace in environment variable name at position 5'],
    ['  "$"', 'haproxy/bad-env', 5, 'forbidden first char in environment variable name at position 5'],
    ['  "${1abc}"', 'haproxy/bad-env', 6, 'forbidden first char in environment variable name at position 6'],
  ])('%s → %s at column %i', (line, code, column, message) => {
    const {errors} = lexLine(line, env)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({code, column, message})
  })

  it('rejects more than 64 words', () => {
    const line = Array.from({length: 70}, (_, i) => String(i + 1)).join(' ')
    expect(lexLine(line, env).errors[0]?.code).toBe('haproxy/too-many-words')
    expect(lexLine(line.split(' ').slice(0, 64).join(' '), env).errors).toEqual([])
  })
})

describe('lexLine with a word cache (one parse)', () => {
  it('shares equal plain words at the same place, and only those', () => {
    const cache: WordCache = new Map()
    // `Aa` and `BB` have the same hash: they must stay two words.
    const [server, aa] = lexLine('    server Aa x', env, cache).words
    const [server2, bb] = lexLine('    server BB x', env, cache).words
    const [, aa2, y] = lexLine('    server Aa y', env, cache).words
    const [, , moved] = lexLine('   server  x Aa', env, cache).words
    expect(server2).toBe(server)
    expect(aa2).toBe(aa)
    expect(bb).toMatchObject({value: 'BB', raw: 'BB', column: 12, endColumn: 14, quoted: false})
    expect(y?.value).toBe('y')
    expect(moved).toMatchObject({value: 'Aa', raw: 'Aa', column: 14, endColumn: 16, quoted: false})
    expect(lexLine('    server "Aa" x', env, cache).words[1]).toEqual({value: 'Aa', raw: '"Aa"', column: 12, endColumn: 16, quoted: true})
  })

  it('gives the same words as without a cache', () => {
    const cache: WordCache = new Map()
    for (const line of ['  server s1 10.0.0.1:80 check', '  server s2 10.0.0.2:80 check', '\tserver\ts1  x', 'BB Aa', 'Aa BB', 'a"b c"d e']) {
      expect(lexLine(line, env, cache)).toEqual(lexLine(line, env))
    }
  })
})
