import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {InvalidConfigError, runDeploy} from '../../src/deploy/deploy.js'
import {FakeHost} from '../../src/deploy/fake-host.js'
import {readInventory} from '../../src/deploy/inventory.js'
import {resolveTargets} from '../../src/deploy/targets.js'

const KEEPALIVED = 'vrrp_instance VI_1 {\n    state MASTER\n    interface lo\n    virtual_router_id 51\n    priority 110\n    virtual_ipaddress {\n        198.18.0.100/32\n    }\n}\n'
// One error (an unknown keyword) so the report of what validation saw comes back; the VIP bind is the point.
const HAPROXY = 'defaults\n    mode tcp\n    timeout connect 1s\n    timeout client 1s\n    timeout server 1s\nlisten l\n    bind 198.18.0.100:7000\n    frobnicate on\n    server s 127.0.0.1:7001\n'

const inventory = (sysctl: string) =>
  `version: 1\nvips:\n  - address: 198.18.0.100\n    prefix: 32\n    interface: lo\n    vrid: 51\nhaproxy:\n  config: haproxy.cfg\n  remotePath: /etc/haproxy/haproxy.cfg\n  reload: r\n  statsSocket: /s\nkeepalived:\n  remotePath: /etc/keepalived/keepalived.conf\n  reload: r\nnodes:\n  - name: lb1\n    ssh: lb1\n    role: MASTER\n    priority: 110\n    interface: lo\n    keepalivedConfig: keepalived.conf\n${sysctl}`

describe('deploy validates locally with its inventory, whatever its name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lbctl-deploy-inv-'))
  afterAll(() => rmSync(dir, {recursive: true, force: true}))
  writeFileSync(join(dir, 'haproxy.cfg'), HAPROXY)
  writeFileSync(join(dir, 'keepalived.conf'), KEEPALIVED)

  async function validation(name: string, sysctl: string): Promise<InvalidConfigError> {
    const path = join(dir, name)
    writeFileSync(path, inventory(sysctl))
    const journal: string[] = []
    const error = await runDeploy({
      targets: resolveTargets({inventory: {path, inventory: readInventory(path)}}),
      inventoryPath: path,
      connect: async (t) => new FakeHost(t.dest, journal),
      clusterComplete: true,
      dryRun: true,
      confirm: async () => false,
      progress: {step: () => undefined, skipped: () => undefined},
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidConfigError)
    expect(journal).toEqual([])
    return error as InvalidConfigError
  }
  const vipBinds = (e: InvalidConfigError) => e.run.result.diagnostics.filter((d) => d.code === 'haproxy/vip-bind')

  it("--inventory prod.yaml: its sysctl ip_nonlocal_bind covers the VIP bind, as lbctl.yaml's does", async () => {
    const prod = await validation('prod.yaml', "sysctl:\n  net.ipv4.ip_nonlocal_bind: '1'\n")
    expect(prod.run.result.files).toContainEqual({path: join(dir, 'prod.yaml'), type: 'inventory'})
    expect(vipBinds(prod)).toEqual([])
    expect(vipBinds(await validation('lbctl.yaml', "sysctl:\n  net.ipv4.ip_nonlocal_bind: '1'\n"))).toEqual([])
  })

  it('an inventory without the sysctl still gets the warning', async () => {
    expect(vipBinds(await validation('prod.yaml', ''))).toHaveLength(1)
  })
})
