import {chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {UserError} from '../../src/errors.js'
import {runCli} from '../helpers/cli.js'
import {initDefaults, refuseExistingScaffold, runInit} from '../../src/init/index.js'

let root: string
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'lbctl-init-'))
})
afterEach(() => rmSync(root, {recursive: true, force: true}))

const counter = () => {
  let n = 0
  return (max: number) => n++ % max
}

function init(dir: string, force = false, answers = {}) {
  return runInit({dir, force, answers: {...initDefaults, ...answers}}, {randomInt: counter()})
}

function thrown(action: () => unknown): UserError {
  try {
    action()
  } catch (error) {
    if (error instanceof UserError) return error
    throw error
  }
  throw new Error('expected a UserError')
}

describe('runInit writing files', () => {
  it('creates the directory (and parents) and writes every file', () => {
    const dir = join(root, 'a', 'b')
    const {result, generatedPassword} = init(dir)
    expect(readdirSync(dir).sort()).toEqual(['haproxy.cfg', 'keepalived-lb1.conf', 'keepalived-lb2.conf', 'lbctl.yaml'])
    expect(result.files.map((f) => f.path)).toEqual(['haproxy.cfg', 'keepalived-lb1.conf', 'keepalived-lb2.conf', 'lbctl.yaml'].map((n) => join(dir, n)))
    expect(statSync(join(dir, 'haproxy.cfg')).mode & 0o777).toBe(0o600)
    expect(statSync(join(dir, 'lbctl.yaml')).mode & 0o777).toBe(0o644)
    expect(generatedPassword).toMatch(/^[A-Za-z0-9]{20}$/)
    expect(readFileSync(join(dir, 'haproxy.cfg'), 'utf8')).toContain(`stats auth admin:${generatedPassword}`)
  })

  it('the result never holds the password', () => {
    const {result, generatedPassword} = init(root, false, {statsPassword: 'given-password'})
    expect(generatedPassword).toBeUndefined()
    expect(JSON.stringify(result)).not.toContain('given-password')
    expect(result.stats).toEqual({user: 'admin', port: 8404, uri: '/stats', passwordGenerated: false})
    const generated = init(join(root, 'x'))
    expect(JSON.stringify(generated.result)).not.toContain(generated.generatedPassword!)
  })

  it('uses one auth_pass of 8 characters on every node', () => {
    init(root, false, {nodes: 'a,b,c'})
    const passes = ['a', 'b', 'c'].map((n) => /auth_pass (\S+)/.exec(readFileSync(join(root, `keepalived-${n}.conf`), 'utf8'))?.[1])
    expect(passes[0]).toMatch(/^[A-Za-z0-9]{8}$/)
    expect(new Set(passes).size).toBe(1)
  })

  it('refuses to overwrite without force, lists the files, and writes nothing at all', () => {
    writeFileSync(join(root, 'keepalived-lb2.conf'), 'mine\n')
    const error = thrown(() => init(root))
    expect(error.code).toBe('init/exists')
    expect(error.exitCode).toBe(2)
    expect(error.message).toContain(join(root, 'keepalived-lb2.conf'))
    expect(error.message).not.toContain('haproxy.cfg')
    expect(error.hint).toContain('--force')
    expect(readdirSync(root)).toEqual(['keepalived-lb2.conf'])
    expect(readFileSync(join(root, 'keepalived-lb2.conf'), 'utf8')).toBe('mine\n')
  })

  it('overwrites with force and says which files it replaced', () => {
    writeFileSync(join(root, 'haproxy.cfg'), 'old\n')
    const {result} = init(root, true)
    expect(result.files.map((f) => f.overwritten)).toEqual([true, false, false, false])
    expect(readFileSync(join(root, 'haproxy.cfg'), 'utf8')).toContain('frontend fe_main')
  })

  it('refuses a target directory that is a file, and a target that is a directory', () => {
    writeFileSync(join(root, 'file'), '')
    expect(thrown(() => init(join(root, 'file'))).code).toBe('init/not-a-directory')
    const dir = join(root, 'd')
    mkdirSync(join(dir, 'lbctl.yaml'), {recursive: true})
    // a directory where a file should go is refused even with --force
    const error = thrown(() => init(dir, true))
    expect(error.code).toBe('init/target-not-a-file')
    expect(readdirSync(dir)).toEqual(['lbctl.yaml'])
  })

  it('reports an unwritable directory as a user error', async () => {
    const dir = join(root, 'ro')
    init(join(dir, 'first'))
    chmodSync(dir, 0o555)
    try {
      if (process.getuid?.() === 0) {
        // Root writes anywhere: run the CLI as an unprivileged user instead.
        chmodSync(root, 0o755)
        const result = await runCli(['init', join(dir, 'second'), '--yes'], {prefix: ['runuser', '-u', 'nobody', '--']})
        expect(result.code).toBe(2)
        expect(result.stderr).toContain('permission denied')
        expect(result.stderr).not.toMatch(/\n\s+at /)
      } else {
        expect(thrown(() => init(join(dir, 'second'))).message).toContain('permission denied')
      }
    } finally {
      chmodSync(dir, 0o700)
    }
  })

  it('refuses before the prompts when haproxy.cfg or lbctl.yaml is already there, unless forced', () => {
    expect(() => refuseExistingScaffold(join(root, 'missing'), {force: false})).not.toThrow()
    writeFileSync(join(root, 'lbctl.yaml'), '')
    expect(thrown(() => refuseExistingScaffold(root, {force: false})).message).toBe(`would overwrite ${join(root, 'lbctl.yaml')}: nothing was written`)
    expect(() => refuseExistingScaffold(root, {force: true})).not.toThrow()
  })

  it('bad option values write nothing', () => {
    const dir = join(root, 'never')
    expect(thrown(() => init(dir, false, {vip: '1.2.3'})).message).toContain('"1.2.3"')
    expect(existsSync(dir)).toBe(false)
  })
})
