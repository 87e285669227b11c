import {chmodSync, mkdirSync, mkdtempSync, openSync, closeSync, ftruncateSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {hasBinary} from '../helpers/oracles.js'
import {runCli} from '../helpers/cli.js'

// Every way a user can hand lbctl a bad file: one line of cause, a next step, the right exit code, no stack trace.
describe('user mistakes give clear errors, never stack traces', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lbctl-errors-'))
    mkdirSync(join(dir, 'emptydir'))
    writeFileSync(join(dir, 'empty.cfg'), '')
    writeFileSync(join(dir, 'binary.cfg'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01, 0x02, 0xff, 0x00]))
    writeFileSync(join(dir, 'garbage.cfg'), Buffer.from(Array.from({length: 4096}, (_, i) => 0x80 + ((i * 37) % 0x7f))))
    const big = openSync(join(dir, 'huge.cfg'), 'w')
    ftruncateSync(big, 50 * 1024 * 1024)
    closeSync(big)
    writeFileSync(join(dir, 'secret.cfg'), 'global\n  daemon\n')
    chmodSync(join(dir, 'secret.cfg'), 0o600)
  })
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at .+\(.*:\d+:\d+\)|node:internal/)

  it.each([
    {name: 'a missing file', file: 'nope.cfg', code: 2, message: /no such file/},
    {name: 'a directory without configs', file: 'emptydir', code: 2, message: /holds no \.cfg or \.conf file/},
    {name: 'binary garbage', file: 'binary.cfg', code: 2, message: /binary file/},
    {name: 'a 50 MB file', file: 'huge.cfg', code: 2, message: /larger than any configuration file/},
  ])('$name: exit $code', async ({file, code, message}) => {
    const result = await runCli(['validate', join(dir, file)])
    expect(result.code).toBe(code)
    expect(result.stderr).toMatch(message)
    expect(result.stderr).toMatch(/next: /)
    noStack(result.stderr + result.stdout)
  })

  it('an empty file is a failed check with a next step', async () => {
    const result = await runCli(['validate', join(dir, 'empty.cfg')])
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/empty\.cfg:1:1: error\[input\/empty\]/)
    expect(result.stdout).toMatch(/lbctl init/)
  })

  it('high-bit garbage without NUL bytes is reported, not crashed on', async () => {
    const result = await runCli(['validate', '--type', 'haproxy', join(dir, 'garbage.cfg')])
    expect(result.code).toBe(1)
    noStack(result.stderr + result.stdout)
  })

  it('errors are JSON too with --json', async () => {
    const result = await runCli(['validate', '--json', join(dir, 'nope.cfg')])
    expect(result.code).toBe(2)
    expect(JSON.parse(result.stdout)).toMatchObject({error: {code: 'input/not-found'}})
  })

  it('an unknown flag is a usage error', async () => {
    const result = await runCli(['validate', '--frobnicate'])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/Nonexistent flag: --frobnicate/)
    noStack(result.stderr)
  })

  it.skipIf(process.getuid?.() !== 0 || !hasBinary('runuser'))('an unreadable file (as an unprivileged user)', async () => {
    const result = await runCli(['validate', join(dir, 'secret.cfg')], {prefix: ['runuser', '-u', 'nobody', '--']})
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/permission denied/)
    noStack(result.stderr)
  })
})
