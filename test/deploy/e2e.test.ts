/**
 * lbctl deploy / rollback / deploy status (the built CLI) against real hosts: two network namespaces on one
 * bridge, each running a real sshd (key auth only), a real haproxy 2.6 and a real keepalived 2.2.7, reloaded
 * the way hosts without systemd are (haproxy -sf, kill -HUP). The cases share the hosts and run in order.
 */
import {execFileSync} from 'node:child_process'
import {mkdirSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {DeployResult} from '../../src/deploy/result.js'
import type {StatusResult} from '../../src/deploy/status.js'
import {cliPath, runCli} from '../helpers/cli.js'
import {requireBinary, requireRoot} from '../helpers/oracles.js'
import {createLbLab, fileText, haproxyConfig, keepalivedConfig, type LbLab, sha, until} from './hosts-lab.js'

const enabled = requireRoot() && requireBinary('sshd') && requireBinary('haproxy') && requireBinary('keepalived')

describe.skipIf(!enabled)('lbctl deploy against real sshd + haproxy + keepalived hosts', () => {
  let lab: LbLab
  const v0 = haproxyConfig()
  let v1 = ''
  const cli = (args: string[]) => runCli([...args, '--inventory', lab.inventory, '--ssh-config', lab.ssh.configFile])
  const json = <T>(stdout: string) => JSON.parse(stdout) as T
  const hashes = () => lab.hosts.map((h) => `${sha(h.haproxyCfg)} ${sha(h.keepalivedConf)}`)

  beforeAll(async () => {
    lab = await createLbLab('dep', 64)
    await until(() => lab.addresses(lab.hosts[0]!).includes(lab.vip), 10_000, 'lb1 to hold the VIP')
    for (const h of lab.hosts) await until(() => lab.stats(h).then(() => true, () => false), 5000, `${h.name}'s haproxy`)
    v1 = haproxyConfig(`\nfrontend fe_vip\n    bind ${lab.vip}:80\n    default_backend be_new\n\nbackend be_new\n    server app2 127.0.0.1:9002\n`)
  })
  afterAll(() => lab?.destroy())

  it('refuses an unknown host key before changing anything', async () => {
    lab.writeLocal(v1)
    const before = hashes()
    const empty = join(lab.ssh.dir, 'empty_known_hosts')
    writeFileSync(empty, '')
    const run = await cli(['deploy', '--yes', '--known-hosts', empty])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(
      'lbctl: 2 hosts could not be used: lb1: the host key is not in known_hosts; lbctl never accepts unknown host keys; lb2: the host key is not in known_hosts; lbctl never accepts unknown host keys (nothing was changed on any host)',
    )
    expect(run.stderr).toMatch(/next: check the fingerprint out of band, then add it: ssh-keyscan -H lb\d >> ~\/\.ssh\/known_hosts/)
    expect(hashes()).toEqual(before)
  })

  it('stops with a clear error before anything changes when a host is unreachable', async () => {
    lab.writeLocal(v1)
    lab.ssh.addAlias('lb3', '198.18.251.1')
    const inventory = join(lab.work, 'three.yaml')
    const text = fileText(lab.inventory).replace('sysctl:\n', '  - name: lb3\n    ssh: lb3\n    role: BACKUP\n    priority: 90\n    interface: eth0\n    keepalivedConfig: keepalived-lb3.conf\nsysctl:\n')
    writeFileSync(inventory, text)
    writeFileSync(join(lab.work, 'keepalived-lb3.conf'), keepalivedConfig(lab.vip, 'BACKUP', 90))
    const before = hashes()
    const run = await runCli(['deploy', '--yes', '--json', '--inventory', inventory, '--ssh-config', lab.ssh.configFile])
    expect(run.code).toBe(1)
    const error = json<{error: {code: string; message: string}}>(run.stdout).error
    expect(error.code, run.stderr.split('\n').filter((l) => /error/.test(l)).join('\n')).toBe('ssh/unreachable')
    expect(error.message).toBe('lb3: cannot connect (connect to host 198.18.251.1 port 22: Network is unreachable) (nothing was changed on any host)')
    expect(hashes()).toEqual(before)
  })

  it('deploys to both hosts: BACKUP first, files in place, both daemons reloaded, VIP still on the master', async () => {
    const extraVip = `198.18.${lab.subnet}.101`
    lab.writeLocal(v1, (_h, i) => keepalivedConfig(lab.vip, i === 0 ? 'MASTER' : 'BACKUP', i === 0 ? 110 : 100, [extraVip]))
    const pidsBefore = await Promise.all(lab.hosts.map((h) => lab.stats(h).then((s) => s.pid)))

    const run = await cli(['deploy', '--yes', '--json'])
    expect(run.stderr).not.toContain('s3cr3tpw')
    expect(run.code, run.stdout + run.stderr).toBe(0)
    const result = json<DeployResult>(run.stdout)
    expect(Object.keys(result)).toEqual(['ok', 'hosts'])
    expect(result.ok).toBe(true)
    expect(result.hosts.map((h) => h.host)).toEqual(['lb2', 'lb1'])
    for (const h of result.hosts) {
      expect(Object.keys(h).sort()).toEqual(['diff', 'host', 'rolledBack', 'steps'])
      expect(h.steps.map((s) => s.name)).toEqual(['sysctl', 'upload', 'check', 'backup', 'install', 'reload', 'verify'])
      expect(h.steps.every((s) => s.ok && typeof s.ms === 'number' && typeof s.output === 'string')).toBe(true)
      expect(h.rolledBack).toBe(false)
      expect(h.diff.map((c) => `${c.config}: ${c.kind} ${c.section}${c.directive ? ` ${c.directive}` : ''}`)).toEqual([
        'haproxy: added frontend fe_vip',
        'haproxy: added backend be_new',
        `keepalived: added vrrp_instance VI_1 virtual_ipaddress`,
      ])
    }
    expect(result.hosts[0]!.steps[0]!.output).toMatch(/net\.ipv4\.ip_nonlocal_bind 0 → 1/)
    expect(result.hosts[1]!.steps.at(-1)!.output).toMatch(new RegExp(`^haproxy answers on .*admin\\.sock: pid \\d+ → \\d+, proxies fe, be_app, fe_vip, be_new\\nkeepalived running \\(pid \\d+\\)\\nVIP ${lab.vip.replaceAll('.', '\\.')} on lb1$`))
    lab.hosts.forEach((h, i) => {
      expect(fileText(h.haproxyCfg)).toBe(v1)
      expect(fileText(`${h.haproxyCfg}.lbctl-1`)).toBe(v0)
      expect(fileText(h.keepalivedConf)).toContain(extraVip)
      expect(fileText(join(h.dir, '90-lbctl.conf'))).toContain('net.ipv4.ip_nonlocal_bind = 1')
      void i
    })
    for (const [i, h] of lab.hosts.entries()) {
      const stats = await lab.stats(h)
      expect(stats.pid).not.toBe(pidsBefore[i])
      expect(stats.proxies).toEqual(['fe', 'be_app', 'fe_vip', 'be_new'])
    }
    // keepalived on the MASTER reloaded: it now holds the VIP it was given; the BACKUP holds none.
    await until(() => lab.addresses(lab.hosts[0]!).includes(extraVip), 5000, 'lb1 to add the new VIP after its reload')
    expect(lab.addresses(lab.hosts[0]!)).toContain(lab.vip)
    expect(lab.addresses(lab.hosts[1]!)).not.toContain(lab.vip)
  })

  it('deploy status shows each host runs the local files, with the version it keeps', async () => {
    const run = await cli(['deploy', 'status', '--json'])
    expect(run.code, run.stderr).toBe(0)
    const status = json<StatusResult>(run.stdout)
    expect(status.hosts.map((h) => [h.host, h.runs, h.versions.map((v) => v.version)])).toEqual([
      ['lb1', 'local', [1]],
      ['lb2', 'local', [1]],
    ])
    expect(status.hosts[0]!.files!.map((f) => f.sha256)).toEqual([sha(lab.hosts[0]!.haproxyCfg).slice(0, 12), sha(lab.hosts[0]!.keepalivedConf).slice(0, 12)])
  })

  it('a config that passes local checks but fails on the host (missing cert) stops at that host, the next is untouched', async () => {
    lab.writeLocal(`${v1}\nfrontend fe_tls\n    bind *:8443 ssl crt /nonexistent/lbctl-test.pem\n    default_backend be_app\n`, (_h, i) =>
      keepalivedConfig(lab.vip, i === 0 ? 'MASTER' : 'BACKUP', i === 0 ? 110 : 100, [`198.18.${lab.subnet}.101`]),
    )
    const before = hashes()
    const pids = await Promise.all(lab.hosts.map((h) => lab.stats(h).then((s) => s.pid)))
    const run = await cli(['deploy', '--yes'])
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/lb2 +BACKUP +FAILED at check \(host untouched\)/)
    expect(run.stdout).toMatch(/lb1 +MASTER +skipped/)
    expect(run.stdout).toMatch(/lb2: check failed:\n.*haproxy -c -f .*exit 1\n[\s\S]*unable to stat SSL certificate from file '\/nonexistent\/lbctl-test\.pem'/)
    expect(run.stderr).toMatch(/lb2 {2}check {2}FAILED/)
    expect(hashes()).toEqual(before)
    expect(await Promise.all(lab.hosts.map((h) => lab.stats(h).then((s) => s.pid)))).toEqual(pids)
  })

  it('a reload that fails is rolled back and the previous config serves again', async () => {
    // haproxy -c accepts it, but starting it fails: sshd already listens on port 22.
    lab.writeLocal(`${v1}\nfrontend fe_clash\n    bind *:22\n    default_backend be_app\n`, (_h, i) =>
      keepalivedConfig(lab.vip, i === 0 ? 'MASTER' : 'BACKUP', i === 0 ? 110 : 100, [`198.18.${lab.subnet}.101`]),
    )
    const lb1Before = hashes()[0]
    const run = await cli(['deploy', '--yes', '--json'])
    expect(run.code).toBe(1)
    const result = json<DeployResult>(run.stdout)
    expect(result.ok).toBe(false)
    const lb2 = result.hosts[0]!
    expect(lb2.host).toBe('lb2')
    expect(lb2.rolledBack).toBe(true)
    expect(lb2.steps.map((s) => `${s.name}:${s.ok}`)).toEqual([
      'sysctl:true', 'upload:true', 'check:true', 'backup:true', 'install:true', 'reload:false', 'restore:true', 'reload (restore):true', 'verify (restore):true',
    ])
    expect(lb2.steps[5]!.output).toMatch(/haproxy -D .*: exit 1\n[\s\S]*(cannot bind socket|Address already in use)/)
    expect(result.hosts[1]).toEqual(expect.objectContaining({host: 'lb1', steps: [], rolledBack: false}))
    expect(fileText(lab.hosts[1]!.haproxyCfg)).toBe(v1)
    expect((await lab.stats(lab.hosts[1]!)).proxies).toEqual(['fe', 'be_app', 'fe_vip', 'be_new'])
    expect(hashes()[0]).toBe(lb1Before)
  })

  it('rollback --to 1 restores the kept version through check, reload and verify', async () => {
    const run = await cli(['rollback', '--hosts', 'lb2', '--to', '1', '--yes', '--json'])
    expect(run.code, run.stdout + run.stderr).toBe(0)
    const result = json<DeployResult>(run.stdout)
    expect(result.hosts.map((h) => [h.host, h.steps.map((s) => s.name)])).toEqual([['lb2', ['sysctl', 'upload', 'check', 'backup', 'install', 'reload', 'verify']]])
    expect(fileText(lab.hosts[1]!.haproxyCfg)).toBe(v0)
    expect((await lab.stats(lab.hosts[1]!)).proxies).toEqual(['fe', 'be_app'])
    expect(fileText(lab.hosts[0]!.haproxyCfg)).toBe(v1)
    // What it replaced is kept as version 2, so the rollback can be undone.
    expect(fileText(`${lab.hosts[1]!.haproxyCfg}.lbctl-2`)).toBe(v1)
  })

  it.skipIf(!requireBinary('tmux'))('on a terminal: asks before changing anything, then shows a task list per host', async () => {
    lab.writeLocal(v1, (_h, i) => keepalivedConfig(lab.vip, i === 0 ? 'MASTER' : 'BACKUP', i === 0 ? 110 : 100, [`198.18.${lab.subnet}.101`]))
    const tmux = (...args: string[]) => execFileSync('tmux', ['-L', `lbctl-deploy-${process.pid}`, ...args], {encoding: 'utf8'})
    const screen = () => tmux('capture-pane', '-p', '-J', '-t', 'deploy')
    const command = `NO_COLOR=1 ${process.execPath} ${cliPath} deploy --inventory ${lab.inventory} --ssh-config ${lab.ssh.configFile}; echo "EXIT=$?"; sleep 600`
    try {
      tmux('new-session', '-d', '-s', 'deploy', '-x', '200', '-y', '50', command)
      await until(() => screen().includes('Deploy to 2 hosts? [y/N]'), 20_000, 'the confirmation prompt')
      // The plan comes first, in rollout order, with the semantic diff and no secret.
      const plan = screen()
      expect(plan).toMatch(/^lb2 \(BACKUP 100\)\n.*lb2-root\/haproxy\.cfg: 2 changes\n {4}\+ frontend fe_vip .*\n {4}\+ backend be_new /m)
      expect(plan).toMatch(/^lb1 \(MASTER 110\)\n.*lb1-root\/haproxy\.cfg: unchanged$/m)
      expect(plan.indexOf('lb2 (BACKUP')).toBeLessThan(plan.indexOf('lb1 (MASTER'))
      expect(plan).not.toContain('s3cr3tpw')
      expect(fileText(lab.hosts[1]!.haproxyCfg)).toBe(v0)
      tmux('send-keys', '-t', 'deploy', 'y', 'Enter')
      await until(() => screen().includes('EXIT='), 30_000, 'deploy to finish')
      const shown = screen()
      expect(shown).toContain('EXIT=0')
      expect(shown).toMatch(/lb2 +✓ sysctl {2}✓ upload {2}✓ check {2}✓ backup {2}✓ install {2}✓ reload {2}✓ verify/)
      expect(shown).toMatch(/lb1 +✓ sysctl {2}✓ unchanged/)
      expect(shown).toMatch(/lb2 +BACKUP +deployed/)
      expect(fileText(lab.hosts[1]!.haproxyCfg)).toBe(v1)
    } finally {
      try {
        // Answer a prompt still waiting, so lbctl closes its ssh connections itself before the terminal goes away.
        if (!screen().includes('EXIT=')) {
          tmux('send-keys', '-t', 'deploy', 'n', 'Enter')
          await until(() => screen().includes('EXIT='), 10_000, 'lbctl to exit').catch(() => undefined)
        }
        tmux('kill-server')
      } catch {
        // already gone
      }
    }
  })

  it("the plan's keepalived diff reads the host's includes over ssh (relative glob, a file name with a space)", async () => {
    // lb2's running config moved into an included file on the host: the same config, so no semantic change.
    const h = lab.hosts[1]!
    const running = fileText(h.keepalivedConf)
    lab.writeLocal(fileText(h.haproxyCfg), (host) => fileText(host.keepalivedConf))
    const parts = join(h.dir, 'parts.d')
    try {
      mkdirSync(parts)
      writeFileSync(join(parts, '10 main.conf'), running)
      writeFileSync(h.keepalivedConf, 'include parts.d/*.conf\n')
      const run = await cli(['deploy', '--dry-run', '--json', '--hosts', 'lb2'])
      expect(run.code, run.stdout + run.stderr).toBe(0)
      const lb2 = json<DeployResult>(run.stdout).hosts[0]!
      expect(lb2.host).toBe('lb2')
      expect(lb2.diff.filter((c) => c.config === 'keepalived')).toEqual([])
      // A changed priority is a change of the included instance, not a whole instance added.
      lab.writeLocal(fileText(h.haproxyCfg), (host) => (host === h ? running.replace('priority 100', 'priority 99') : fileText(host.keepalivedConf)))
      const changed = json<DeployResult>((await cli(['deploy', '--dry-run', '--json', '--hosts', 'lb2'])).stdout).hosts[0]!
      expect(changed.diff.filter((c) => c.config === 'keepalived').map((c) => [c.kind, c.section, c.directive, c.before, c.after])).toEqual([
        ['changed', 'vrrp_instance VI_1', 'priority', 'priority 100', 'priority 99'],
      ])
    } finally {
      writeFileSync(h.keepalivedConf, running)
      rmSync(parts, {recursive: true, force: true})
    }
  })
})
