import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {type Inventory, parseInventory, readInventory, renderInventory} from '../../src/deploy/inventory.js'
import {UserError} from '../../src/errors.js'

const inventory: Inventory = {
  version: 1,
  vips: [{address: '198.18.0.100', prefix: 32, interface: 'eth0', vrid: 51}],
  haproxy: {config: 'haproxy.cfg', remotePath: '/etc/haproxy/haproxy.cfg', reload: 'systemctl reload haproxy', statsSocket: '/run/haproxy/admin.sock'},
  keepalived: {remotePath: '/etc/keepalived/keepalived.conf', reload: 'systemctl reload keepalived'},
  nodes: [
    {name: 'lb1', ssh: 'root@198.18.0.11', role: 'MASTER', priority: 110, interface: 'eth0', keepalivedConfig: 'keepalived-lb1.conf'},
    {name: 'lb2', ssh: 'lb2', role: 'BACKUP', priority: 100, interface: 'eth0', keepalivedConfig: 'keepalived-lb2.conf'},
  ],
  sysctl: {'net.ipv4.ip_nonlocal_bind': '1', 'net.core.somaxconn': '4096'},
}

const text = renderInventory(inventory)

function error(yaml: string): UserError {
  try {
    parseInventory(yaml, 'lbctl.yaml')
  } catch (e) {
    if (e instanceof UserError) return e
    throw e
  }
  throw new Error('expected a UserError')
}

describe('inventory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lbctl-inv-'))
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  it('round-trips: render then read gives the same inventory', () => {
    const path = join(dir, 'lbctl.yaml')
    writeFileSync(path, text)
    expect(readInventory(path)).toEqual(inventory)
    expect(renderInventory(readInventory(path))).toBe(text)
  })

  it('renders plain, readable YAML in the order of the type', () => {
    expect(text.split('\n').slice(0, 6)).toEqual(['version: 1', 'vips:', '  - address: 198.18.0.100', '    prefix: 32', '    interface: eth0', '    vrid: 51'])
  })

  it('accepts comments and hand edits', () => {
    const edited = `# ours\n${text.replace('ssh: lb2', 'ssh: admin@lb2.example.com  # via bastion')}`
    expect(parseInventory(edited, 'lbctl.yaml').nodes[1]!.ssh).toBe('admin@lb2.example.com')
  })

  it.each([
    // [what, yaml, message]
    ['YAML syntax', text.replace('vips:', 'vips: [oops'), /^lbctl\.yaml:\d+:\d+: /],
    ['a duplicate key', `${text}version: 1\n`, /^lbctl\.yaml:\d+:1: Map keys must be unique/],
    ['an empty file', '', /^lbctl\.yaml:1:1: the inventory is empty$/],
    ['a list at the top', '- a\n', /^lbctl\.yaml:1:1: the inventory must be a mapping/],
    ['a missing node field', text.replace('    ssh: lb2\n', ''), /^lbctl\.yaml:\d+:5: nodes\[1\] has no "ssh"$/],
    ['a missing section', text.replace(/keepalived:\n( {2}.*\n)+/, ''), /^lbctl\.yaml:1:1: the inventory has no "keepalived"$/],
    ['a bad role', text.replace('role: BACKUP', 'role: SLAVE'), /^lbctl\.yaml:\d+:11: nodes\[1\]\.role must be MASTER or BACKUP \(got "SLAVE"\)$/],
    ['a priority out of range', text.replace('priority: 100', 'priority: 300'), /nodes\[1\]\.priority must be an integer 1-255 \(got 300\)$/],
    ['a string priority', text.replace('priority: 100', 'priority: high'), /nodes\[1\]\.priority must be an integer 1-255 \(got "high"\)$/],
    ['an unknown version', text.replace('version: 1', 'version: 2'), /^lbctl\.yaml:1:10: version must be an integer equal to 1 \(got 2\)$/],
    ['an empty string', text.replace('reload: systemctl reload haproxy', 'reload: ""'), /haproxy\.reload must be a non-empty string$/],
    ['no nodes', text.replace(/nodes:\n[\s\S]*$/, 'nodes: []\n'), /nodes is empty/],
  ])('reports %s with file:line:column', (_what, yaml, message) => {
    const e = error(yaml)
    expect(e.message).toMatch(message)
    expect(e.exitCode).toBe(2)
    expect(e.hint).toBeTruthy()
  })

  it('sysctl is optional, and takes numbers as written by hand', () => {
    expect(parseInventory(text.replace(/sysctl:\n( {2}.*\n)+/, ''), 'lbctl.yaml').sysctl).toEqual({})
    expect(parseInventory(text.replace('net.ipv4.ip_nonlocal_bind: "1"', 'net.ipv4.ip_nonlocal_bind: 1'), 'lbctl.yaml').sysctl).toEqual(inventory.sysctl)
    expect(error(text.replace('net.core.somaxconn: "4096"', 'net.core.somaxconn: [1]')).message).toMatch(/sysctl entries must be name: value/)
  })

  it('points at the line of the bad value', () => {
    const bad = text.replace('priority: 100', 'priority: 0')
    const line = bad.split('\n').findIndex((l) => l.includes('priority: 0')) + 1
    expect(error(bad).message).toMatch(new RegExp(`^lbctl\\.yaml:${line}:15: `))
  })

  it('takes per-node overrides for hosts that differ (no systemd, other paths), and a node address', () => {
    const withOverrides = text.replace(
      '    keepalivedConfig: keepalived-lb2.conf\n',
      '    keepalivedConfig: keepalived-lb2.conf\n    address: 198.18.0.12\n    haproxy:\n      reload: haproxy -D -p /run/haproxy.pid -f /etc/haproxy/haproxy.cfg -sf $(cat /run/haproxy.pid)\n    keepalived:\n      reload: kill -HUP $(cat /run/keepalived.pid)\n      pidFile: /run/keepalived.pid\n    sysctlFile: /etc/sysctl.d/99-lb.conf\n',
    )
    const lb2 = parseInventory(withOverrides, 'lbctl.yaml').nodes[1]!
    expect(lb2).toEqual({
      ...inventory.nodes[1],
      address: '198.18.0.12',
      haproxy: {reload: 'haproxy -D -p /run/haproxy.pid -f /etc/haproxy/haproxy.cfg -sf $(cat /run/haproxy.pid)'},
      keepalived: {reload: 'kill -HUP $(cat /run/keepalived.pid)', pidFile: '/run/keepalived.pid'},
      sysctlFile: '/etc/sysctl.d/99-lb.conf',
    })
    expect(parseInventory(text, 'lbctl.yaml').nodes[1]).not.toHaveProperty('haproxy')
    const typo = text.replace('    keepalivedConfig: keepalived-lb2.conf\n', '    keepalivedConfig: keepalived-lb2.conf\n    haproxy:\n      relaod: x\n')
    expect(error(typo).message).toMatch(/nodes\[1\]\.haproxy\.relaod is not a setting here \(known: remotePath, reload, statsSocket, check\)$/)
  })

  it('reading a missing file is a user error', () => {
    expect(() => readInventory(join(dir, 'nope.yaml'))).toThrow(/no such file/)
  })
})
