import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {detectConfigType} from '../../src/config/detect.js'
import {validateConfigs} from '../../src/config/validate.js'
import {type Inventory, parseInventory, renderInventory} from '../../src/deploy/inventory.js'
import {runCli} from '../helpers/cli.js'

const inventory: Inventory = {
  version: 1,
  vips: [{address: '198.18.0.100', prefix: 32, interface: 'eth0', vrid: 51}],
  haproxy: {config: 'haproxy.cfg', remotePath: '/etc/haproxy/haproxy.cfg', reload: 'systemctl reload haproxy', statsSocket: '/run/haproxy/admin.sock'},
  keepalived: {remotePath: '/etc/keepalived/keepalived.conf', reload: 'systemctl reload keepalived'},
  nodes: [{name: 'lb1', ssh: 'lb1', role: 'MASTER', priority: 110, interface: 'eth0', keepalivedConfig: 'keepalived.conf'}],
  sysctl: {'net.ipv4.ip_nonlocal_bind': '1'},
}

const KEEPALIVED = `vrrp_instance VI_1 {
    state MASTER
    interface lo
    virtual_router_id 51
    priority 110
    advert_int 1
    virtual_ipaddress {
        198.18.0.100/32
    }
}
`
const HAPROXY = 'defaults\n    mode tcp\n    timeout connect 1s\n    timeout client 1s\n    timeout server 1s\nlisten l\n    bind 198.18.0.100:7000\n    server s 127.0.0.1:7001\n'

const nodesFirst = ({nodes, ...rest}: Inventory) => ({nodes, ...rest})

describe('detectConfigType', () => {
  it('recognises an lbctl inventory by its content under any name', () => {
    expect(detectConfigType('/x/prod.yaml', renderInventory(inventory))).toBe('inventory')
    expect(detectConfigType('/x/cluster-a', `# hand written\n"nodes":\n  - name: a\nkeepalived:\n  remotePath: /k\n`)).toBe('inventory')
    expect(detectConfigType('/x/lbctl.yml', 'anything')).toBe('inventory')
  })

  // Each is a file `deploy --inventory` takes (parseInventory is what it reads them with).
  const flowStyle = `# prod cluster, flow style
---
{version: 1, vips: [{address: 198.18.0.100, prefix: 32, interface: eth0, vrid: 51}],
 haproxy: {config: haproxy.cfg, remotePath: /etc/haproxy/haproxy.cfg, reload: systemctl reload haproxy, statsSocket: /run/haproxy/admin.sock},
 keepalived: {remotePath: /etc/keepalived/keepalived.conf, reload: systemctl reload keepalived},
 nodes: [{name: lb1, ssh: lb1, role: MASTER, priority: 110, interface: eth0, keepalivedConfig: keepalived.conf}],
 sysctl: {net.ipv4.ip_nonlocal_bind: "1"}}
`
  it.each([
    ['pretty JSON', JSON.stringify(inventory, null, 2)],
    ['one-line JSON', JSON.stringify(inventory)],
    ['JSON with nodes first and a BOM', `\uFEFF${JSON.stringify(nodesFirst(inventory), null, 4)}`],
    ['flow-style YAML after comments and ---', flowStyle],
    ['flow-style YAML on the --- line', `--- ${flowStyle.split('---\n')[1]!}`],
  ])('recognises a %s inventory that deploy accepts', (_, text) => {
    expect(() => parseInventory(text, '/x/prod')).not.toThrow()
    expect(detectConfigType('/x/prod.yaml', text)).toBe('inventory')
    expect(detectConfigType('/x/haproxy-cluster.json', text)).toBe('inventory')
  })

  it('leaves other JSON and flow mappings unknown', () => {
    expect(detectConfigType('/x/package.json', JSON.stringify({name: 'x', nodes: ['a'], scripts: {haproxy: 'haproxy -c'}}, null, 2))).toBeUndefined()
    // the pair nested one level down is not the inventory's top level
    expect(detectConfigType('/x/a.json', JSON.stringify({cluster: {nodes: [], haproxy: {}}}))).toBeUndefined()
    expect(detectConfigType('/x/a.json', '[{"nodes": [], "haproxy": {}}]')).toBeUndefined()
  })

  it('never takes a config that mentions nodes and braces for an inventory', () => {
    const haproxy = `# nodes: {haproxy: lb1}\n{nodes: x, haproxy: y}\n${HAPROXY}    # keepalived: {nodes: 2}\n`
    expect(detectConfigType('/x/a.conf', `# nodes\n${HAPROXY}`)).toBe('haproxy')
    expect(detectConfigType('/x/a.conf', `${HAPROXY}\n    # {nodes: [], haproxy: {}}\n`)).toBe('haproxy')
    expect(detectConfigType('/x/k.conf', `! nodes: {haproxy: 1}\n${KEEPALIVED}`)).toBe('keepalived')
    expect(detectConfigType('/x/a.conf', haproxy)).toBe('haproxy')
  })

  it('leaves other YAML unknown, as before', () => {
    expect(detectConfigType('/x/compose.yaml', 'services:\n  haproxy:\n    image: haproxy:2.6\n')).toBeUndefined()
    // an indented `nodes:` is not a top-level key
    expect(detectConfigType('/x/k8s.yaml', 'spec:\n  nodes: 3\nhaproxy:\n  replicas: 2\n')).toBeUndefined()
  })

  it('still reads haproxy.cfg and keepalived.conf by their keywords', () => {
    expect(detectConfigType('/x/a.conf', HAPROXY)).toBe('haproxy')
    expect(detectConfigType('/x/a.yaml', KEEPALIVED)).toBe('keepalived')
  })
})

describe('validate with an inventory under another name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lbctl-detect-'))
  afterAll(() => rmSync(dir, {recursive: true, force: true}))
  writeFileSync(join(dir, 'haproxy.cfg'), HAPROXY)
  writeFileSync(join(dir, 'keepalived.conf'), KEEPALIVED)
  const run = (...extra: string[]) =>
    validateConfigs({paths: [join(dir, 'haproxy.cfg'), join(dir, 'keepalived.conf'), ...extra], pair: false, strict: false, strictEnv: false, targetVersion: '2.6', oracle: false})
  const vipBinds = (r: Awaited<ReturnType<typeof run>>) => r.result.diagnostics.filter((d) => d.code === 'haproxy/vip-bind')

  it("prod.yaml's ip_nonlocal_bind clears the VIP bind warning", async () => {
    expect(vipBinds(await run())).toHaveLength(1)
    writeFileSync(join(dir, 'prod.yaml'), renderInventory(inventory))
    const withInventory = await run(join(dir, 'prod.yaml'))
    expect(withInventory.result.files.find((f) => f.path.endsWith('prod.yaml'))?.type).toBe('inventory')
    expect(vipBinds(withInventory)).toEqual([])
  })

  it('a broken inventory under another name is reported as an inventory, naming that file', async () => {
    writeFileSync(join(dir, 'broken.yaml'), 'version: 1\nnodes: []\nhaproxy:\n  config: haproxy.cfg\n')
    const broken = (await run(join(dir, 'broken.yaml'))).result.diagnostics.filter((d) => d.file === join(dir, 'broken.yaml'))
    expect(broken.map((d) => [d.code, d.message])).toEqual([['inventory/invalid', 'the inventory has no "vips"']])
    expect(JSON.stringify(broken[0])).toContain('fix broken.yaml')
  })

  it('an inventory without the sysctl keeps the warning; another YAML file is still an unknown type', async () => {
    writeFileSync(join(dir, 'staging.yaml'), renderInventory({...inventory, sysctl: {}}))
    expect(vipBinds(await run(join(dir, 'staging.yaml')))).toHaveLength(1)
    writeFileSync(join(dir, 'compose.yaml'), 'services:\n  haproxy:\n    image: haproxy:2.6\n')
    const other = await run(join(dir, 'compose.yaml'))
    expect(other.result.diagnostics.filter((d) => d.code === 'input/unknown-type').map((d) => d.file)).toEqual([join(dir, 'compose.yaml')])
  })
})

describe('lbctl validate FILE.json (built CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lbctl-detect-cli-'))
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  it('validates a JSON inventory as an inventory, and reports a broken one as such', async () => {
    writeFileSync(join(dir, 'prod.json'), JSON.stringify(inventory, null, 2))
    const good = await runCli(['validate', '--json', join(dir, 'prod.json')])
    expect(good.code).toBe(0)
    expect(JSON.parse(good.stdout)).toMatchObject({valid: true, files: [{path: join(dir, 'prod.json'), type: 'inventory'}], diagnostics: []})

    const {vips: _, ...withoutVips} = inventory
    writeFileSync(join(dir, 'broken.json'), JSON.stringify(withoutVips))
    const broken = await runCli(['validate', join(dir, 'broken.json')])
    expect(broken.code).toBe(1)
    expect(broken.stdout + broken.stderr).toContain('error[inventory/invalid]: the inventory has no "vips"')
    expect(broken.stdout + broken.stderr).toContain('broken.json (inventory)')
  })
})
