/** ARG_LIMITS: lbctl refuses one argument too many like haproxy -c, and the limits are haproxy's own. */
import {describe, expect, it} from 'vitest'
import {ARG_LIMITS} from '../../../src/config/haproxy/keywords/arg-limits.js'
import {lookupKeyword} from '../../../src/config/haproxy/keywords/index.js'
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

describe.skipIf(!requireBinary('haproxy'))('the limits are haproxy 2.6 own', () => {
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
