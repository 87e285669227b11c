/** Table tests generated from the keyword specs' ok/fail examples; the oracle part proves haproxy -c agrees. */
import {describe, expect, it} from 'vitest'
import {ALL_SPECS} from '../../../src/config/haproxy/keywords/index.js'
import {SECTION_SPECS} from '../../../src/config/haproxy/keywords/sections.js'
import {requireBinary} from '../../helpers/oracles.js'
import {errors, haproxyAccepts, parseText, pool, wrapExample} from './helpers.js'

const examples = ALL_SPECS.flatMap((spec) => [
  ...(spec.ok ?? []).map((line) => ({spec, line, ok: true})),
  ...(spec.fail ?? []).map((line) => ({spec, line, ok: false})),
  ...(spec.removed ? [{spec, line: `${spec.name} x`, ok: false}] : []),
])

describe('keyword specs: ok/fail examples', () => {
  it('has examples for the main keywords', () => {
    expect(examples.length).toBeGreaterThan(150)
  })

  it.each(examples.map((e) => [e.ok ? 'accepts' : 'rejects', e.line, e] as const))('%s `%s`', (_verdict, _line, e) => {
    const parse = parseText(wrapExample(e.spec, e.line))
    const found = errors(parse.diagnostics)
    if (e.ok) expect(found, JSON.stringify(found)).toEqual([])
    else expect(found.length, `expected an error for '${e.line}'`).toBeGreaterThan(0)
  })

  it('parse → print round-trips every example', async () => {
    const {printHaproxyFile} = await import('../../../src/config/haproxy/index.js')
    for (const e of examples) {
      const text = wrapExample(e.spec, e.line)
      const parse = parseText(text)
      expect(printHaproxyFile(parse.files[0]!)).toBe(text)
    }
  })
})

describe('section headers', () => {
  const cases = Object.values(SECTION_SPECS).flatMap((s) => [...s.ok.map((l) => ({l, ok: true})), ...s.fail.map((l) => ({l, ok: false}))])
  it.each(cases.map((c) => [c.l, c.ok] as const))('`%s` accepted: %s', (line, ok) => {
    const text = line.includes(' from ') ? `defaults base\ndefaults web from base\n${line}\n` : `${line}\n`
    const found = errors(parseText(text).diagnostics)
    expect(found.length === 0).toBe(ok)
  })
})

describe.skipIf(!requireBinary('haproxy'))('keyword specs agree with haproxy -c 2.6', () => {
  it('every ok example is accepted and every fail example rejected by the real binary', async () => {
    const verdicts = await pool(examples, 8, async (e) => ({e, result: await haproxyAccepts(wrapExample(e.spec, e.line))}))
    const wrong = verdicts.filter(({e, result}) => result.accepted !== e.ok).map(({e, result}) => `${e.ok ? 'ok' : 'fail'} example \`${e.line}\`: haproxy ${result.accepted ? 'accepted' : 'rejected'}\n${result.output.split('\n').filter((l) => l.includes('ALERT')).slice(0, 2).join('\n')}`)
    expect(wrong).toEqual([])
  })
})
