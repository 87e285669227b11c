import {describe, expect, it} from 'vitest'
import {parseInventory} from '../../src/deploy/inventory.js'
import {initDefaults, type InitAnswers, resolveInitOptions} from '../../src/init/options.js'
import {buildScaffold, type ScaffoldFile} from '../../src/init/scaffold.js'

function scaffold(answers: Partial<InitAnswers> = {}) {
  const options = resolveInitOptions({...initDefaults, statsPassword: 'test-password', ...answers}, () => 'unused')
  return buildScaffold(options, {authPass: 'Ab3dEf7h'})
}

const file = (files: ScaffoldFile[], name: string) => files.find((f) => f.name === name)!.content

describe('buildScaffold', () => {
  it('writes haproxy.cfg, one keepalived file per node and lbctl.yaml, secrets private', () => {
    const {files} = scaffold({nodes: 'a,b,c'})
    expect(files.map((f) => [f.name, f.kind, f.node, f.mode.toString(8)])).toEqual([
      ['haproxy.cfg', 'haproxy', undefined, '600'],
      ['keepalived-a.conf', 'keepalived', 'a', '600'],
      ['keepalived-b.conf', 'keepalived', 'b', '600'],
      ['keepalived-c.conf', 'keepalived', 'c', '600'],
      ['lbctl.yaml', 'inventory', undefined, '644'],
    ])
  })

  it('renders the default http scaffold (golden files)', () => {
    const {files} = scaffold()
    for (const f of files) expect(f.content).toMatchSnapshot(f.name)
  })

  it('http mode: httplog, forwardfor, an HTTP health check', () => {
    const haproxy = file(scaffold().files, 'haproxy.cfg')
    expect(haproxy).toContain('    mode http\n')
    expect(haproxy).toContain('    option httplog\n')
    expect(haproxy).toContain('    option forwardfor\n')
    expect(haproxy).toContain('    option httpchk GET /\n    http-check expect status 200\n')
    expect(haproxy).not.toContain('tcplog')
    expect(haproxy).toContain('    bind 198.18.0.100:80\n')
    expect(haproxy).toContain('    balance roundrobin\n')
    expect(haproxy).toContain('    server app1 127.0.0.1:9001 check inter 2s rise 2 fall 3\n    server app2 127.0.0.1:9002 check inter 2s rise 2 fall 3\n')
    expect(haproxy).toContain('    stats auth admin:test-password\n')
    expect(haproxy).toMatch(/stats socket \S+admin\.sock" mode 660 level admin/)
    expect(haproxy).toContain('ip_nonlocal_bind=1')
  })

  it('tcp mode: tcplog, no HTTP-only options, TCP connect checks', () => {
    const haproxy = file(scaffold({mode: 'tcp', port: '3306', backends: '10.0.0.31:3306,10.0.0.32:3306'}).files, 'haproxy.cfg')
    expect(haproxy).toContain('    mode tcp\n')
    expect(haproxy).toContain('    option tcplog\n')
    for (const httpOnly of ['httplog', 'forwardfor', 'httpchk', 'http-check', 'timeout http-request']) expect(haproxy).not.toContain(httpOnly)
    expect(haproxy).toContain('    bind 198.18.0.100:3306\n')
    expect(haproxy).toContain('    server app1 10.0.0.31:3306 check inter 2s rise 2 fall 3\n')
    // the stats page still needs http mode of its own
    expect(haproxy).toMatch(/listen stats\n {4}bind \*:8404\n {4}mode http\n/)
  })

  it('keepalived: first node MASTER, same VRID/VIP/auth everywhere, a weight that hands the VIP over', () => {
    const {files} = scaffold({nodes: 'lb1,lb2,lb3', vrid: '77', interface: 'ens192', vip: '10.0.0.100/24'})
    const confs = files.filter((f) => f.kind === 'keepalived').map((f) => f.content)
    const field = (text: string, key: string) => new RegExp(`^\\s*${key} (.+)$`, 'm').exec(text)?.[1]
    expect(confs.map((c) => [field(c, 'router_id'), field(c, 'state'), field(c, 'priority'), field(c, 'weight')])).toEqual([
      ['lb1', 'MASTER', '110', '-21'],
      ['lb2', 'BACKUP', '100', '-21'],
      ['lb3', 'BACKUP', '99', '-21'],
    ])
    for (const conf of confs) {
      expect(field(conf, 'virtual_router_id')).toBe('77')
      expect(field(conf, 'interface')).toBe('ens192')
      expect(field(conf, 'auth_pass')).toBe('Ab3dEf7h')
      expect(field(conf, 'advert_int')).toBe('1')
      expect(conf).toContain('        10.0.0.100/24 dev ens192\n')
      expect(conf).toContain(`script "/bin/sh -c 'pidof haproxy'"`)
      expect(conf).toContain('    track_script {\n        chk_haproxy\n    }')
      expect(conf).toContain('enable_script_security')
      expect(conf).not.toContain('nopreempt')
    }
  })

  it('lbctl.yaml reads back as the inventory it was rendered from', () => {
    const {files, inventory} = scaffold({nodes: 'lb1=root@198.18.0.11,lb2=root@198.18.0.12'})
    const text = file(files, 'lbctl.yaml')
    expect(text.startsWith('# lbctl inventory')).toBe(true)
    expect(parseInventory(text, 'lbctl.yaml')).toEqual(inventory)
    expect(inventory.nodes.map((n) => [n.name, n.ssh, n.role, n.priority, n.keepalivedConfig])).toEqual([
      ['lb1', 'root@198.18.0.11', 'MASTER', 110, 'keepalived-lb1.conf'],
      ['lb2', 'root@198.18.0.12', 'BACKUP', 100, 'keepalived-lb2.conf'],
    ])
    expect(inventory.haproxy).toEqual({
      config: 'haproxy.cfg',
      remotePath: '/etc/haproxy/haproxy.cfg',
      reload: 'systemctl reload haproxy',
      statsSocket: '/run/haproxy/admin.sock',
    })
    expect(inventory.keepalived).toEqual({remotePath: '/etc/keepalived/keepalived.conf', reload: 'systemctl reload keepalived'})
  })
})
