import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import Validate from '../../src/commands/validate.js'
import {FAST_PATH_FLAGS, parseFastArgs} from '../../src/config/validate-cli.js'
import {runCli} from '../helpers/cli.js'

describe('validate fast path: which argv it takes', () => {
  it('knows exactly the flags of the validate command', () => {
    expect(Object.keys(FAST_PATH_FLAGS).sort()).toEqual([...Object.keys(Validate.flags), 'json'].sort())
    expect(FAST_PATH_FLAGS.type).toEqual(Validate.flags.type.options)
  })

  it('takes files with boolean and valued flags', () => {
    const parsed = parseFastArgs(['a.cfg', '-q', '--json', '--type', 'haproxy', 'b.conf', '--target-version', '2.4', '--strict-env'])
    expect(parsed?.files).toEqual(['a.cfg', 'b.conf'])
    expect(Object.fromEntries(parsed?.flags ?? [])).toEqual({quiet: true, json: true, type: 'haproxy', 'target-version': '2.4', 'strict-env': true})
  })

  it.each([
    [[]],
    [['--help']],
    [['-h']],
    [['a.cfg', '--type=haproxy']],
    [['a.cfg', '--type', 'nginx']],
    [['a.cfg', '--type']],
    [['a.cfg', '--target-version', '--json']],
    [['a.cfg', '--strict', '--strict']],
    [['a.cfg', '--verbose']],
    [['a.cfg', '-x']],
    [['--', 'a.cfg']],
    [['-']],
    [['--json']],
  ])('declines %j (oclif handles it)', (argv) => {
    expect(parseFastArgs(argv)).toBeUndefined()
  })
})

const good = `defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend www
    bind 127.0.0.1:8080
    default_backend app
backend app
    server a1 127.0.0.1:9001 check weight 300
    server a1 127.0.0.1:9002 chek
`

describe('validate fast path: same output and exit code as through oclif', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lbctl-fast-'))
    writeFileSync(join(dir, 'bad.cfg'), good)
    writeFileSync(join(dir, 'ok.cfg'), good.replace(/\n {4}server a1 127.0.0.1:9001.*\n.*\n$/, '\n    server a1 127.0.0.1:9001 check\n'))
  })
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  // `--target-version=2.6` (the default, written with `=`) makes the fast path decline: the same run through oclif.
  it.each([
    [['ok.cfg']],
    [['bad.cfg']],
    [['bad.cfg', '-q']],
    [['bad.cfg', '--json']],
    [['ok.cfg', '--strict', '--json']],
    [['missing.cfg']],
    [['missing.cfg', '--json']],
    [['ok.cfg', '--type', 'keepalived']],
  ])('%j', async (argv) => {
    const [fast, slow] = await Promise.all([runCli(['validate', ...argv], {cwd: dir}), runCli(['validate', ...argv, '--target-version=2.6'], {cwd: dir})])
    expect(fast).toEqual(slow)
    expect(fast.stdout + fast.stderr).not.toBe('')
  })
})
