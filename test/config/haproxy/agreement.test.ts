/**
 * lbctl's own agreement check: each fixture is named ok-* (haproxy -c accepts) or bad-* (it rejects).
 * lbctl must report an error exactly for the bad ones; with the real binary installed, its verdict is compared too.
 * Environment-only failures (users, certs, host names) count as errors here: strictEnv, like haproxy on this machine.
 */
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {checkHaproxy, parseHaproxyFiles} from '../../../src/config/haproxy/index.js'
import {requireBinary} from '../../helpers/oracles.js'
import {CHECK, FIXTURES, pool, runHaproxy} from './helpers.js'

const dirs = ['agreement', 'seeds']
const cases = dirs.flatMap((dir) =>
  readdirSync(join(FIXTURES, dir))
    .filter((f) => f.endsWith('.cfg'))
    .map((f) => ({name: `${dir}/${f}`, path: join(FIXTURES, dir, f)})),
)

function lbctlRejects(path: string): {rejects: boolean; errors: string[]} {
  const parse = parseHaproxyFiles([{path, text: readFileSync(path, 'utf8')}], {env: {}})
  const all = [...parse.diagnostics, ...checkHaproxy(parse, {...CHECK, strictEnv: true})]
  const errors = all.filter((d) => d.severity === 'error').map((d) => `${d.line}: [${d.code}] ${d.message}`)
  return {rejects: errors.length > 0, errors}
}

describe('agreement fixtures (named by haproxy -c verdict)', () => {
  const named = cases.filter((c) => /\/(ok|bad)-/.test(c.name))
  it('has at least 30 of them', () => expect(named.length).toBeGreaterThanOrEqual(30))
  it.each(named.map((c) => [c.name, c.path]))('%s', (name, path) => {
    const {rejects, errors} = lbctlRejects(path)
    expect(rejects, errors.join('\n')).toBe(name.includes('/bad-'))
  })
})

describe.skipIf(!requireBinary('haproxy'))('agreement with the real haproxy -c', () => {
  it('rejects exactly what haproxy rejects, on every fixture and seed config', async () => {
    const results = await pool(cases, 6, async (c) => ({c, haproxy: await runHaproxy([c.path]), lbctl: lbctlRejects(c.path)}))
    const disagreements = results
      .filter((r) => r.haproxy.accepted === r.lbctl.rejects)
      .map((r) => `${r.c.name}: haproxy ${r.haproxy.accepted ? 'accepts' : 'rejects'}, lbctl ${r.lbctl.rejects ? 'rejects' : 'accepts'}\n${r.lbctl.errors.join('\n')}\n${r.haproxy.output.split('\n').filter((l) => l.includes('ALERT')).join('\n')}`)
    expect(disagreements).toEqual([])
  })

  it('combines files like haproxy -f a -f b (a new file starts outside any section)', async () => {
    const a = join(FIXTURES, 'multi', 'a.cfg')
    const b = join(FIXTURES, 'multi', 'b.cfg')
    const parse = parseHaproxyFiles([a, b].map((path) => ({path, text: readFileSync(path, 'utf8')})))
    const lbctl = [...parse.diagnostics, ...checkHaproxy(parse, CHECK)].filter((d) => d.severity === 'error')
    const haproxy = await runHaproxy([a, b])
    expect(haproxy.accepted).toBe(true)
    expect(lbctl).toEqual([])
    const broken = join(FIXTURES, 'multi', 'c-continues-section.cfg')
    const parse2 = parseHaproxyFiles([a, broken].map((path) => ({path, text: readFileSync(path, 'utf8')})))
    expect(parse2.diagnostics.map((d) => d.code)).toContain('haproxy/unknown-keyword')
    expect((await runHaproxy([a, broken])).accepted).toBe(false)
  })
})
