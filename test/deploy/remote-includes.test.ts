import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {fsConfigReader} from '../../src/config/keepalived/index.js'
import {FakeHost} from '../../src/deploy/fake-host.js'
import {sshDeployHost} from '../../src/deploy/host.js'
import {runSession} from '../../src/deploy/deploy.js'
import {type DesiredContent, planHosts} from '../../src/deploy/plan.js'
import {silentProgress} from '../../src/deploy/result.js'
import type {SshHost} from '../../src/deploy/ssh.js'
import type {DeployTarget} from '../../src/deploy/targets.js'

const K = '/etc/keepalived/keepalived.conf'
const instance = (name: string, priority: number) =>
  `vrrp_instance ${name} {\n    state BACKUP\n    interface eth0\n    virtual_router_id 51\n    priority ${priority}\n    virtual_ipaddress {\n        198.18.0.100/32\n    }\n}\n`
const globalDefs = (id: string) => `global_defs {\n    router_id ${id}\n}\n`

const target: DeployTarget = {
  name: 'lb1',
  dest: 'root@lb1',
  files: [{kind: 'keepalived', localPath: '/home/me/lb/keepalived.conf', remotePath: K, check: 'keepalived -t -f {file}', reload: 'r'}],
  vips: [],
  sysctl: {},
  sysctlFile: '/etc/sysctl.d/90-lbctl.conf',
}

/** The host runs a main file that includes conf.d/*.conf (relative), one of which includes ../extra/{a,b}.conf. */
function host(): FakeHost {
  const h = new FakeHost('root@lb1', [])
  const set = (path: string, data: string) => h.files.set(path, {data, mode: '600'})
  set(K, `${globalDefs('lb1')}include conf.d/*.conf\n`)
  set('/etc/keepalived/conf.d/10-vi1.conf', instance('VI_1', 100))
  set('/etc/keepalived/conf.d/20-more.conf', 'include ../extra/{a,b}.conf\n')
  set('/etc/keepalived/extra/a.conf', instance('VI_2', 90))
  set('/etc/keepalived/extra/c.conf', instance('VI_3', 80))
  return h
}

async function diff(h: FakeHost, desired: string, local = true) {
  const content: DesiredContent = async () => ({content: desired, local})
  const [plan] = await planHosts([target], new Map([['lb1', h]]), content)
  return plan!.files[0]!.diff.map((c) => `${c.kind} ${c.section}${c.directive ? ` / ${c.directive}` : ''}: ${c.before ?? '-'} → ${c.after ?? '-'} (${c.file})`)
}

describe("the per-host diff sees the host's keepalived includes", () => {
  it('a change next to an include shows only that change, not the included instances as removed', async () => {
    expect(await diff(host(), `${globalDefs('lb1-new')}include conf.d/*.conf\n`)).toEqual([
      'changed global_defs / router_id: router_id lb1 → router_id lb1-new (/home/me/lb/keepalived.conf)',
    ])
  })

  it('moving the included instances into the main file is no change; dropping one is, and names its file on the host', async () => {
    const inline = `${globalDefs('lb1')}${instance('VI_1', 100)}${instance('VI_2', 90)}`
    expect(await diff(host(), inline)).toEqual([])
    const lines = await diff(host(), `${globalDefs('lb1')}${instance('VI_1', 100)}`)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^removed vrrp_instance VI_2: .* → - \(\/etc\/keepalived\/extra\/a\.conf\)$/)
  })

  it('an include the new file adds is fetched too (and a kept version diffs the same way)', async () => {
    const lines = await diff(host(), `${globalDefs('lb1')}include conf.d/*.conf\ninclude extra/c.conf\n`, false)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^added vrrp_instance VI_3: - → .* \(\/etc\/keepalived\/extra\/c\.conf\)$/)
  })

  it('a host without the file: everything the new file includes on the host is added', async () => {
    const h = host()
    h.files.delete(K)
    const lines = await diff(h, `include conf.d/10-vi1.conf\n`)
    expect(lines.map((l) => l.split(':')[0])).toEqual(['added vrrp_instance VI_1'])
  })
})

describe('secrets in included files', () => {
  it("an auth_pass in a host's included file is masked in the host's own output", async () => {
    const h = new FakeHost('root@lb1', [], (command) => (command.startsWith('keepalived -t') ? {exitCode: 1, stderr: 'secret Incl0dedPw is too long'} : undefined))
    h.files.set(K, {data: 'include conf.d/*.conf\n', mode: '600'})
    h.files.set('/etc/keepalived/conf.d/vi1.conf', {data: instance('VI_1', 100).replace('priority 100\n', 'priority 100\n    authentication {\n        auth_type PASS\n        auth_pass Incl0dedPw\n    }\n'), mode: '600'})
    const result = await runSession(
      {targets: [target], connect: async () => h, clusterComplete: false, dryRun: false, confirm: async () => true, progress: silentProgress, verifyTimeoutMs: 0},
      async () => ({content: `${globalDefs('lb1')}include conf.d/*.conf\n`, local: true}),
      [],
    )
    const check = result.hosts[0]!.steps.find((s) => s.name === 'check')!
    expect(check.ok).toBe(false)
    expect(check.output).toContain('secret <redacted> is too long')
    expect(JSON.stringify(result)).not.toContain('Incl0dedPw')
  })
})

describe('glob over ssh: the remote shell command', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lbctl-glob-'))
  afterAll(() => rmSync(dir, {recursive: true, force: true}))
  for (const name of ['a.conf', 'b.conf', 'c.txt', '.hidden.conf', 'we ird.conf', '$(touch PWNED).conf']) writeFileSync(join(dir, name), '')
  mkdirSync(join(dir, 'sub.conf'))
  writeFileSync(join(dir, 'sub.conf', 'x.conf'), '')
  // Runs the command the ssh host would run in a local sh: the same shell semantics, no network.
  const ssh = {
    dest: 'local',
    exec: async (command: string) => {
      const r = spawnSync('sh', ['-c', command], {cwd: dir, encoding: 'utf8'})
      return {stdout: r.stdout, stderr: r.stderr, exitCode: r.status ?? -1}
    },
  } as unknown as SshHost
  const remote = sshDeployHost(ssh)

  it.each(['*.conf', '{a,we ird}.conf', '[ab].conf', '[!a].conf', 'sub.conf/*', '?.conf', 'none*.conf', 'a.conf', '$(touch PWNED).conf', '*/x.conf'])(
    '%s matches what the local glob(3) reader matches',
    async (pattern) => {
      const full = join(dir, pattern)
      expect(await remote.glob(full)).toEqual(fsConfigReader.glob(full))
      expect(existsSync(join(dir, 'PWNED'))).toBe(false)
    },
  )

  it('sees the files', async () => {
    expect(await remote.glob(join(dir, '*.conf'))).toEqual(['$(touch PWNED).conf', 'a.conf', 'b.conf', 'we ird.conf'].map((n) => join(dir, n)))
  })
})
