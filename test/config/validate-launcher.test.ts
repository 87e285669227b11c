import {execFileSync, spawnSync} from 'node:child_process'
import {appendFileSync, cpSync, mkdtempSync, rmSync, symlinkSync, utimesSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {repoRoot} from '../helpers/cli.js'

const dist = join(repoRoot, 'dist')
const bundle = join(dist, 'config', 'validate-bundle.cjs')
const seeds = join(repoRoot, 'test', 'fixtures', 'seeds')
const env = {...process.env, NODE_OPTIONS: undefined, NO_COLOR: '1'}

function run(args: string[], script = join(repoRoot, 'bin', 'run.js')) {
  const result = spawnSync(process.execPath, [script, 'validate', ...args], {encoding: 'utf8', env})
  return {status: result.status, stdout: result.stdout, stderr: result.stderr}
}

/** The same argv through the ES modules, never the bundle. */
function runModules(args: string[]) {
  const code = `const m = await import(${JSON.stringify(join(dist, 'config', 'validate-cli.js'))}); await m.runValidateFastPath(${JSON.stringify(args)})`
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', code], {encoding: 'utf8', env})
  return {status: result.status, stdout: result.stdout, stderr: result.stderr}
}

describe('validate launcher: the bundled fast path', () => {
  it('the build leaves a bundle with a code cache that V8 accepts under the launcher flags', () => {
    const check = `
      const {Script} = require('node:vm'); const {readFileSync} = require('node:fs')
      require('node:v8').setFlagsFromString('--semi-space-growth-factor=1')
      const f = ${JSON.stringify(bundle)}
      const s = new Script('(function (exports, require, module, __filename, __dirname) {' + readFileSync(f, 'utf8') + '\\n})', {filename: f, cachedData: readFileSync(f + '.cache')})
      process.stdout.write(String(s.cachedDataRejected))`
    expect(execFileSync(process.execPath, ['-e', check], {encoding: 'utf8', env})).toBe('false')
  })

  it.each([
    [['--json', join(seeds, '000-haproxy.cfg'), join(seeds, '001-haproxy-listen.cfg')]],
    [['-q', join(seeds, '000-keepalived.conf')]],
    [['--strict', '--target-version', '2.0', join(seeds, '000-haproxy-acl-host.cfg')]],
    [[join(repoRoot, 'test', 'fixtures', 'no-such-file.cfg')]],
    [['--json', repoRoot]],
  ])('answers %j exactly like the modules', (args) => {
    const bundled = run(args)
    expect(bundled).toEqual(runModules(args))
    expect(bundled.stdout + bundled.stderr).not.toMatch(/\n\s+at /) // no stack trace
  })
})

describe('validate launcher: which code it loads', () => {
  let copy: string
  const config = join(seeds, '000-haproxy.cfg')

  beforeAll(() => {
    copy = mkdtempSync(join(tmpdir(), 'lbctl-launcher-'))
    cpSync(join(repoRoot, 'bin'), join(copy, 'bin'), {recursive: true})
    cpSync(dist, join(copy, 'dist'), {recursive: true})
    cpSync(join(repoRoot, 'package.json'), join(copy, 'package.json'))
    symlinkSync(join(repoRoot, 'node_modules'), join(copy, 'node_modules'))
    // A bundle that fails when it is loaded shows which path ran.
    appendFileSync(join(copy, 'dist', 'config', 'validate-bundle.cjs'), '\nthrow new Error("bundle loaded")\n')
  })
  afterAll(() => rmSync(copy, {recursive: true, force: true}))

  it('runs the bundle when it is newer than the modules', () => {
    const result = run(['-q', config], join(copy, 'bin', 'run.js'))
    expect(result.stderr).toContain('bundle loaded')
  })

  it('imports the modules when the bundle is older (a tsc after the last full build)', () => {
    const later = new Date(Date.now() + 60_000)
    utimesSync(join(copy, 'dist', 'config', 'validate-cli.js'), later, later)
    const result = run(['-q', config], join(copy, 'bin', 'run.js'))
    expect(result).toMatchObject({status: 0, stderr: ''})
    expect(result.stdout).toMatch(/^valid: /)
  })
})
