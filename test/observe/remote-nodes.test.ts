// Which nodes `top --hosts` watches and which stats socket it forwards for each (no ssh involved).
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {isUserError} from '../../src/errors.js'
import {selectRemoteNodes} from '../../src/observe/remote-nodes.js'

const dir = mkdtempSync(join(tmpdir(), 'lbctl-remote-nodes-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

const inventory = join(dir, 'lbctl.yaml')
writeFileSync(
  inventory,
  `version: 1
vips:
  - {address: 198.18.0.100, prefix: 24, interface: eth0, vrid: 51}
  - {address: 198.18.0.101, prefix: 24, interface: eth0, vrid: 52}
haproxy: {config: haproxy.cfg, remotePath: /etc/haproxy/haproxy.cfg, reload: systemctl reload haproxy, statsSocket: /run/haproxy/admin.sock}
keepalived: {remotePath: /etc/keepalived/keepalived.conf, reload: systemctl reload keepalived}
nodes:
  - {name: lb1, ssh: root@198.18.0.11, role: MASTER, priority: 150, interface: eth0, keepalivedConfig: lb1.conf}
  - {name: lb2, ssh: root@198.18.0.12, role: BACKUP, priority: 100, interface: eth0, keepalivedConfig: lb2.conf, haproxy: {statsSocket: /var/run/haproxy.sock}}
`,
)
const none = join(dir, 'absent.yaml')
const names = (s: ReturnType<typeof selectRemoteNodes>) => s.nodes.map((n) => `${n.name} ${n.dest} ${n.statsSocket}`)

describe('selectRemoteNodes', () => {
  it.each<[string, Parameters<typeof selectRemoteNodes>[0], string[]]>([
    ['every node of the inventory, with per-node sockets', {inventoryPath: inventory}, ['lb1 root@198.18.0.11 /run/haproxy/admin.sock', 'lb2 root@198.18.0.12 /var/run/haproxy.sock']],
    ['--hosts by name or ssh destination', {inventoryPath: inventory, hosts: ['root@198.18.0.12']}, ['lb2 root@198.18.0.12 /var/run/haproxy.sock']],
    ['--remote-socket overrides the inventory', {inventoryPath: inventory, hosts: ['lb1'], remoteSocket: '/tmp/admin.sock'}, ['lb1 root@198.18.0.11 /tmp/admin.sock']],
    ['the default lbctl.yaml when it exists', {defaultInventory: inventory, hosts: ['lb1']}, ['lb1 root@198.18.0.11 /run/haproxy/admin.sock']],
    ['no inventory: the destinations, default socket', {defaultInventory: none, hosts: ['a', 'root@b:2222']}, ['a a /run/haproxy/admin.sock', 'root@b:2222 root@b:2222 /run/haproxy/admin.sock']],
  ])('%s', (_name, options, expected) => {
    expect(names(selectRemoteNodes(options))).toEqual(expected)
  })

  it("the inventory's VRIDs are what the sniffer expects", () => {
    expect(selectRemoteNodes({inventoryPath: inventory}).vrids).toEqual([51, 52])
  })

  it.each([
    [{inventoryPath: inventory, hosts: ['lb9']}, `lb9 is not a node of ${inventory} (nodes: lb1, lb2)`],
    [{inventoryPath: none}, `${none}: no such file`],
    [{defaultInventory: none, hosts: []}, '--hosts is empty'],
  ])('refuses %j', (options, message) => {
    let error: unknown
    try {
      selectRemoteNodes(options)
    } catch (caught) {
      error = caught
    }
    expect(isUserError(error)).toBe(true)
    expect((error as Error).message).toBe(message)
  })
})
