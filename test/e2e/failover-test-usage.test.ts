/** `lbctl failover-test` refuses what it cannot do with one line of cause and a next step, exit 2, before starting anything. */
import {existsSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {cliPath, runCli} from '../helpers/cli.js'

const cli = process.env.LBCTL_E2E_CLI ?? cliPath

describe.skipIf(!existsSync(cli)).concurrent('lbctl failover-test usage errors', () => {
  it.each([
    [['--fault', 'kill'], 'choose what to test: --local', 'lbctl failover-test --local --fault kill'],
    [['--local'], 'say how to break the MASTER', '--fault kill'],
    [['--local', '--fault', 'proxy'], '--fault proxy needs a vrrp_script tracking the proxy, and the built-in demo pair has none', 'lbctl failover-test --local ./pair --fault proxy'],
    [['--lab', './dir', '--fault', 'kill'], '--lab builds its configs from the init scaffold', 'drop DIR'],
    [['--hosts', 'lb1,lb2', '--inventory', '/nonexistent/lbctl.yaml', '--fault', 'kill'], '/nonexistent/lbctl.yaml', ''],
    [['--cleanup'], '--cleanup removes what crashed labs left; it goes with --lab', 'sudo lbctl failover-test --lab --cleanup'],
    [['--local', '--lab', '--fault', 'kill'], 'choose one target, not --local and --lab', '--hosts a,b'],
  ])('%j', async (args, cause, next) => {
    const result = await runCli(['failover-test', ...args])
    expect(result.code, result.stderr).toBe(2)
    expect(result.stderr).toContain(cause)
    expect(result.stderr).toContain(next)
    expect(result.stderr).not.toMatch(/\n\s+at /)
    expect(result.stdout).toBe('')
  })
})
