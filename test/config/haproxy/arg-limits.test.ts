/** ARG_LIMITS and options without arguments: lbctl refuses one argument too many like haproxy -c, and the limits are haproxy's own. */
import {describe, expect, it} from 'vitest'
import {ARG_LIMITS} from '../../../src/config/haproxy/keywords/arg-limits.js'
import {lookupKeyword} from '../../../src/config/haproxy/keywords/index.js'
import {OPTION_KEYWORD, OPTIONS} from '../../../src/config/haproxy/keywords/options.js'
import {requireBinary} from '../../helpers/oracles.js'
import {errors, haproxyAccepts, parseText, pool, wrapExample} from './helpers.js'

const entries = Object.entries(ARG_LIMITS).flatMap(([section, limits]) => Object.entries(limits).map(([name, max]) => ({section, name, max})))
const specOf = (section: string, name: string) => lookupKeyword((section === 'proxy' ? 'listen' : section) as never, name)!
/** Argument values that some keyword of the table takes: a count, a time, a path, a word, a switch, sizes. */
const VALUES = ['1', '1s', '/tmp/x', 'x', 'on', '2048', '16384']
const line = (name: string, count: number, value: string) => [name, ...Array<string>(count).fill(value)].join(' ')

describe('arguments past the limit', () => {
  it.each(entries.map((e) => [e.section, e.name, e.max] as const))('%s `%s`: %i arguments at most', (section, name, max) => {
    const spec = specOf(section, name)
    expect(spec.maxArgs).toBe(max)
    const found = errors(parseText(wrapExample(spec, `${line(name, max, '1')} bogus`)).diagnostics)
    expect(found.map((d) => d.message)).toContain(`'${name}' cannot handle unexpected argument 'bogus'.`)
  })
})

describe.skipIf(!requireBinary('haproxy'))('the limits are the ones haproxy 2.6 applies', () => {
  it('for every entry, haproxy -c takes some line with that many arguments and refuses one more', async () => {
    const wrong = await pool(entries, 8, async ({section, name, max}) => {
      const spec = specOf(section, name)
      for (const value of VALUES) {
        const base = line(name, max, value)
        if (!(await haproxyAccepts(wrapExample(spec, base))).accepted) continue
        const more = await haproxyAccepts(wrapExample(spec, `${base} bogus`))
        return !more.accepted && more.output.includes('cannot handle unexpected argument') ? undefined : `${section} ${name}: haproxy takes ${max + 1} arguments`
      }
      return `${section} ${name}: no line of ${max} arguments accepted`
    })
    expect(wrong.filter(Boolean)).toEqual([])
  })
})

describe('options', () => {
  const fixed = Object.entries(OPTIONS).filter(([, o]) => !o.removed && o.validate === undefined && o.args === undefined).map(([name]) => name)
  const open = Object.entries(OPTIONS).filter(([, o]) => o.args !== undefined).map(([name]) => name)

  it.each(fixed)('`option %s` takes no argument', (name) => {
    const found = errors(parseText(wrapExample(OPTION_KEYWORD, `option ${name} bogus`)).diagnostics)
    expect(found.map((d) => d.message)).toContain(`'option ${name}' cannot handle unexpected argument 'bogus'.`)
  })

  it.skipIf(!requireBinary('haproxy'))('haproxy -c refuses an argument to each of them, and takes words after the others', async () => {
    const wrong = await pool([...fixed.map((name) => ({name, takes: false})), ...open.map((name) => ({name, takes: true}))], 8, async ({name, takes}) => {
      const result = await haproxyAccepts(wrapExample(OPTION_KEYWORD, `option ${name} bogus`))
      const refused = !result.accepted && result.output.includes(`'option ${name}' cannot handle unexpected argument 'bogus'`)
      return takes === result.accepted && takes !== refused ? undefined : `option ${name}: haproxy ${result.accepted ? 'takes' : 'refuses'} an argument`
    })
    expect(wrong.filter(Boolean)).toEqual([])
  })
})
