import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {runDeploy} from '../../src/deploy/deploy.js'
import {FakeHost} from '../../src/deploy/fake-host.js'
import {readInventory} from '../../src/deploy/inventory.js'
import {readLocalFiles} from '../../src/deploy/local-files.js'
import type {HostPlan} from '../../src/deploy/plan.js'
import {deployStatus} from '../../src/deploy/status.js'
import {resolveTargets} from '../../src/deploy/targets.js'
import {UserError} from '../../src/errors.js'
import {requireBinary} from '../helpers/oracles.js'

const TEMPLATE = `! {{nodeName}}: rendered by lbctl deploy from the inventory
vrrp_instance VI_{{vrid}} {
    state {{state}}
    interface {{interface}}
    virtual_router_id {{vrid}}
    priority {{priority}}
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass Tmpl8pw
    }
{{#unicast}}
    unicast_src_ip {{address}}
    unicast_peer {
{{#peers}}
        {{address}}
{{/peers}}
    }
{{/unicast}}
    virtual_ipaddress {
        {{vip}}/{{vipPrefix}} dev {{interface}}
    }
}
`

const HAPROXY = 'defaults\n    mode tcp\n    timeout connect 1s\n    timeout client 1s\n    timeout server 1s\nlisten l\n    bind :7000\n    server s 127.0.0.1:7001\n'

function inventory(template: string): string {
  const node = (name: string, role: string, priority: number, address: string) =>
    `  - name: ${name}\n    ssh: ${name}\n    role: ${role}\n    priority: ${priority}\n    interface: eth1\n    address: ${address}\n    keepalivedConfig: ${template}\n`
  return `version: 1\nvips:\n  - address: 198.18.0.100\n    prefix: 32\n    interface: eth1\n    vrid: 42\nhaproxy:\n  config: haproxy.cfg\n  remotePath: /etc/haproxy/haproxy.cfg\n  reload: r\n  statsSocket: /s\nkeepalived:\n  remotePath: /etc/keepalived/keepalived.conf\n  reload: r\nnodes:\n${node('lb1', 'MASTER', 110, '198.18.0.11')}${node('lb2', 'BACKUP', 100, '198.18.0.12')}${node('lb3', 'BACKUP', 99, '198.18.0.13')}`
}

describe('per-node keepalived templates', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lbctl-deploy-tmpl-'))
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  async function plan(template: string): Promise<HostPlan[]> {
    writeFileSync(join(dir, 'haproxy.cfg'), HAPROXY)
    writeFileSync(join(dir, 'keepalived.conf.tmpl'), template)
    writeFileSync(join(dir, 'lbctl.yaml'), inventory('keepalived.conf.tmpl'))
    const path = join(dir, 'lbctl.yaml')
    const targets = resolveTargets({inventory: {path, inventory: readInventory(path)}})
    const journal: string[] = []
    let plans: HostPlan[] = []
    await runDeploy({
      targets,
      inventoryPath: path,
      connect: async (t) => new FakeHost(t.dest, journal),
      clusterComplete: true,
      dryRun: true,
      confirm: async () => false,
      showPlan: (p) => (plans = p),
      progress: {step: () => undefined, skipped: () => undefined},
    })
    expect(journal).toEqual([])
    return plans
  }

  it('renders state, priority, interface, unicast source and peers for each node', async () => {
    const plans = await plan(TEMPLATE)
    const lb2 = plans.find((p) => p.target.name === 'lb2')!.files.find((f) => f.file.kind === 'keepalived')!
    expect(lb2.current).toBeUndefined()
    expect(lb2.content).toBe(
      TEMPLATE.replace('{{nodeName}}', 'lb2')
        .replace('{{state}}', 'BACKUP')
        .replace('{{priority}}', '100')
        .replaceAll('{{vrid}}', '42')
        .replaceAll('{{interface}}', 'eth1')
        .replace('{{vip}}/{{vipPrefix}}', '198.18.0.100/32')
        .replace('{{#unicast}}\n', '')
        .replace('{{/unicast}}\n', '')
        .replace('{{address}}', '198.18.0.12')
        .replace('{{#peers}}\n        {{address}}\n{{/peers}}\n', '        198.18.0.11\n        198.18.0.13\n'),
    )
    expect(plans.map((p) => p.target.name)).toEqual(['lb3', 'lb2', 'lb1'])
  })

  it.skipIf(!requireBinary('keepalived'))('what it renders passes the real keepalived -t', async () => {
    const plans = await plan(TEMPLATE)
    for (const p of plans) {
      const file = join(dir, `rendered-${p.target.name}.conf`)
      // This machine may have no eth1: keepalived -t would stop at the interface, so check the rest on one it has.
      writeFileSync(file, p.files.find((f) => f.file.kind === 'keepalived')!.content.replaceAll('eth1', localInterface()))
      const run = spawnSync('keepalived', ['-t', '-f', file], {encoding: 'utf8'})
      expect(run.status, run.stderr).toBe(0)
    }
  })

  it('deploy status compares a host with its rendered file, not with the template', async () => {
    const plans = await plan(TEMPLATE)
    const targets = plans.map((p) => p.target)
    const hosts = new Map(
      plans.map((p) => {
        const host = new FakeHost(p.target.dest, [])
        for (const f of p.files) host.files.set(f.file.remotePath, {data: f.content, mode: '600'})
        return [p.target.name, host]
      }),
    )
    hosts.get('lb3')!.files.set('/etc/keepalived/keepalived.conf', {data: 'vrrp_instance old {\n}\n', mode: '600'})
    const status = await deployStatus(targets, async (t) => hosts.get(t.name)!, readLocalFiles(targets, {tolerant: true}))
    expect(status.hosts.map((h) => [h.host, h.runs, h.files!.map((f) => f.matchesLocal)])).toEqual([
      ['lb3', 'unknown', [true, false]],
      ['lb2', 'local', [true, true]],
      ['lb1', 'local', [true, true]],
    ])
  })

  it('a name the template does not know is a usage error naming what it can use', async () => {
    const error = await plan(TEMPLATE.replace('{{priority}}', '{{prio}}')).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UserError)
    expect((error as UserError).message).toMatch(/keepalived\.conf\.tmpl: \{\{prio\}\} has no text value \(missing\)/)
    expect((error as UserError).hint).toMatch(/nodeName, role, state, priority, interface, address, peers/)
  })
})

function localInterface(): string {
  const names = spawnSync('ip', ['-o', 'link', 'show'], {encoding: 'utf8'}).stdout.split('\n').map((l) => l.split(': ')[1]?.split('@')[0])
  return names.find((n) => n && n !== 'lo') ?? 'eth0'
}
