import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {confirmer} from '../../src/deploy/cli.js'
import {lineProgress, renderTaskList} from '../../src/deploy/progress.js'
import {UserError} from '../../src/errors.js'
import {runCli} from '../helpers/cli.js'

describe('lbctl deploy without reaching any host', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lbctl-deploy-cli-'))
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  it.each(['deploy', 'deploy status', 'rollback'])('%s --help has examples', async (command) => {
    const run = await runCli([...command.split(' '), '--help'])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/EXAMPLES\n[\s\S]*\$ lbctl /)
  })

  it('a config that fails local validation stops before any host is contacted (exit 1, the report on stderr)', async () => {
    const bad = join(dir, 'bad.cfg')
    writeFileSync(bad, 'frontend fe\n    bind :80\n    default_backend nowhere\n')
    // Nothing listens on 127.0.0.1:1: had deploy tried to connect, the error would be ssh/unreachable.
    const run = await runCli(['deploy', '--hosts', 'root@127.0.0.1:1', '--haproxy-config', bad, '--yes', '--json'])
    expect(run.code).toBe(1)
    expect(JSON.parse(run.stdout).error.code).toBe('deploy/invalid')
    expect(run.stderr).toMatch(/bad\.cfg:3:\d+: error.*nowhere/)
  })

  it('an unreachable host is reported before anything is asked or changed', async () => {
    const good = join(dir, 'good.cfg')
    writeFileSync(good, 'defaults\n    mode tcp\n    timeout connect 1s\n    timeout client 1s\n    timeout server 1s\nlisten l\n    bind :7000\n    server s 127.0.0.1:7001\n')
    const run = await runCli(['deploy', '--hosts', 'root@127.0.0.1:1', '--haproxy-config', good])
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/^lbctl: root@127\.0\.0\.1:1: cannot connect \(connect to host 127\.0\.0\.1 port 1: Connection refused\) \(nothing was changed on any host\)\n {2}next: check that the host is up and sshd listens: ssh -p 1 root@127\.0\.0\.1 true\n$/)
  })

  it('never prompts when not on a terminal: without --yes it refuses', async () => {
    expect(process.stdin.isTTY).toBeFalsy()
    const error = await confirmer(false, 'Deploy?')().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UserError)
    expect(error).toMatchObject({code: 'deploy/needs-yes', exitCode: 2, hint: 'review the plan with --dry-run, then run again with --yes'})
    expect(await confirmer(true, 'Deploy?')()).toBe(true)
  })

  it('needs hosts or an inventory', async () => {
    const run = await runCli(['deploy', '--yes'], {cwd: dir})
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/^lbctl: no hosts to deploy to: there is no lbctl\.yaml here and --hosts is empty\n {2}next: /)
  })

  it('names an unknown inventory node', async () => {
    const inventory = join(dir, 'lbctl.yaml')
    writeFileSync(
      inventory,
      'version: 1\nvips: []\nhaproxy:\n  config: h.cfg\n  remotePath: /etc/haproxy/haproxy.cfg\n  reload: r\n  statsSocket: /s\nkeepalived:\n  remotePath: /k\n  reload: r\nnodes:\n  - name: lb1\n    ssh: lb1\n    role: MASTER\n    priority: 110\n    interface: eth0\n    keepalivedConfig: k1.conf\n',
    )
    const run = await runCli(['rollback', '--hosts', 'lb9', '--yes'], {cwd: dir})
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('lbctl: lb9 is not a node of lbctl.yaml (nodes: lb1)')
  })
})

describe('progress', () => {
  it('plain lines: one per finished step, the host output under a failure', () => {
    let out = ''
    const progress = lineProgress((text) => (out += text))
    progress.step('lb2', 'check', 'run')
    progress.step('lb2', 'check', 'fail', {name: 'check', ok: false, ms: 12, output: 'haproxy -c: exit 1\n[ALERT] bad'})
    progress.skipped('lb1', 'not deployed: lb2 failed first')
    expect(out).toBe('lb2  check  FAILED  12 ms\n    haproxy -c: exit 1\n    [ALERT] bad\nlb1  skipped (not deployed: lb2 failed first)\n')
  })

  it('task list: done steps, a spinner on the running one, skipped hosts', () => {
    const frame = renderTaskList(
      [
        {host: 'lb2', done: [{name: 'upload', ok: true}, {name: 'check', ok: false}]},
        {host: 'lb10', done: [{name: 'upload', ok: true}], running: 'check'},
        {host: 'lb1', done: [], skipped: 'not deployed'},
      ],
      1,
    )
    expect(frame).toBe('lb2   ✓ upload  ✗ check\nlb10  ✓ upload  ⠙ check\nlb1   - not deployed')
  })
})
