import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {keepalivedVips, outlineKeepalived} from '../../../src/config/keepalived/index.js'
import {fixture, parseText} from './helpers.js'

describe('model', () => {
  it('applies keepalived defaults', () => {
    const {model} = parseText('vrrp_instance V {\n  interface eth0\n  virtual_router_id 7\n  virtual_ipaddress {\n    10.0.0.1\n  }\n}\nvrrp_script s {\n  script "/bin/true"\n}\n')
    expect(model.vrrpInstances[0]).toMatchObject({state: 'BACKUP', priority: 100, advertInt: 1, version: 2, nopreempt: false, preemptDelay: 0, garpMasterDelay: 5})
    expect(model.vrrpScripts[0]).toMatchObject({interval: 1, weight: 0, rise: 1, fall: 1})
    expect(model.globalDefs).toMatchObject({vrrpMcastGroup4: '224.0.0.18', vrrpVersion: 2, enableScriptSecurity: false})
  })

  it('takes gratuitous ARP defaults from vrrp_garp_* in global_defs, which an instance may override', () => {
    const {model} = parseText(
      'global_defs {\n  vrrp_garp_master_delay 10\n  vrrp_garp_master_repeat 2\n  vrrp_garp_master_refresh 60\n  vrrp_garp_master_refresh_repeat 3\n  vrrp_garp_interval 0.001\n  vrrp_gna_interval 0.000001\n}\n' +
        'vrrp_instance A {\n  interface eth0\n  virtual_router_id 7\n}\nvrrp_instance B {\n  interface eth0\n  virtual_router_id 8\n  garp_master_delay 0\n  garp_master_refresh 5\n  garp_master_refresh_repeat 1\n}\n',
    )
    expect(model.globalDefs.garp).toEqual({masterDelay: 10, masterRepeat: 2, masterRefresh: 60, masterRefreshRepeat: 3, interval: 0.001, gnaInterval: 0.000001})
    expect(model.vrrpInstances[0]).toMatchObject({garpMasterDelay: 10, garpMasterRepeat: 2, garpMasterRefresh: 60, garpMasterRefreshRepeat: 3})
    expect(model.vrrpInstances[1]).toMatchObject({garpMasterDelay: 0, garpMasterRepeat: 2, garpMasterRefresh: 5, garpMasterRefreshRepeat: 1})
    const defaults = parseText('vrrp_instance A {\n  interface eth0\n  virtual_router_id 7\n}\n').model
    expect(defaults.vrrpInstances[0]).toMatchObject({garpMasterDelay: 5, garpMasterRepeat: 5, garpMasterRefresh: 0, garpMasterRefreshRepeat: 1})
  })

  it('reads the seed 000 config', () => {
    const path = fixture('seeds/000-master.conf')
    const {model} = parseText(readFileSync(path, 'utf8'), path)
    expect(model.globalDefs).toMatchObject({notificationEmail: ['sysadmin@example.com'], notificationEmailFrom: 'noreply@example.com', smtpServer: {address: '127.0.0.1', port: 25}, smtpConnectTimeout: 60})
    const r1 = model.vrrpInstances[0]!
    // nopreempt and preempt_delay are cleared by keepalived because the state is MASTER.
    expect(r1).toMatchObject({name: 'R1', state: 'MASTER', interface: 'eth0', virtualRouterId: 50, priority: 100, nopreempt: false, preemptDelay: 0, authentication: {type: 'PASS', pass: 'passwd'}})
    expect(r1.trackScripts.map((t) => t.name)).toEqual(['chk_haproxy'])
    expect(model.vrrpScripts[0]).toMatchObject({name: 'chk_haproxy', script: 'killall -0 haproxy', interval: 2, weight: -2, fall: 3, rise: 1})
    expect(keepalivedVips(model)).toEqual(['10.230.137.100'])
  })

  it('reads VIP options, tracking weights, unicast, notify and rounding', () => {
    const {model} = parseText(
      'vrrp_instance V {\n  interface eth0\n  virtual_router_id 7\n  advert_int 1.6\n  virtual_ipaddress {\n    10.0.0.1/24 dev eth1 label eth1:vip\n    fd00::1/64\n  }\n  track_script {\n    chk weight -30\n  }\n  unicast_src_ip 10.0.0.2\n  unicast_peer {\n    10.0.0.3\n  }\n  notify_master "/usr/local/bin/notify master" root\n  authentication {\n    auth_pass 1234567890\n  }\n}\n',
    )
    const v = model.vrrpInstances[0]!
    expect(v.virtualIpaddresses.map((a) => [a.address, a.prefix, a.family, a.dev, a.label])).toEqual([
      ['10.0.0.1', 24, 4, 'eth1', 'eth1:vip'],
      ['fd00::1', 64, 6, undefined, undefined],
    ])
    expect(v.trackScripts[0]).toMatchObject({name: 'chk', weight: -30})
    expect(v.unicastPeers.map((p) => p.address)).toEqual(['10.0.0.3'])
    expect(v.notify.master).toMatchObject({command: '/usr/local/bin/notify master', user: 'root'})
    expect(v.authentication?.pass).toBe('12345678')
    expect(v.advertIntWritten).toBe(1.6)
    expect(v.advertInt).toBe(2)
  })

  it('reads LVS virtual servers', () => {
    const path = fixture('seeds/001-lvs-master.conf')
    const {model} = parseText(readFileSync(path, 'utf8'), path)
    const vs = model.virtualServers[0]!
    expect(vs).toMatchObject({address: '192.168.20.50', port: 80, delayLoop: 6, lbAlgo: 'wrr', lbKind: 'DR', protocol: 'TCP'})
    expect(vs.realServers.map((r) => [r.address, r.port, r.weight, r.checkers[0]?.type, r.checkers[0]?.connectPort])).toEqual([
      ['192.168.20.233', 80, 1, 'TCP_CHECK', 80],
      ['192.168.20.203', 80, 2, 'TCP_CHECK', 80],
    ])
  })
})

describe('outline', () => {
  it('keys sections and directives for diff, with secrets marked', () => {
    const path = fixture('agree/ok-full-vrrp.conf')
    const sections = outlineKeepalived(parseText(readFileSync(path, 'utf8'), path).model)
    expect(sections.map((s) => s.key)).toEqual(['global_defs', 'vrrp_script chk_haproxy', 'vrrp_instance VI_1'])
    const vi = sections[2]!
    expect(vi.directives.map((d) => d.key)).toContain('virtual_ipaddress 198.18.0.100')
    expect(vi.directives.map((d) => d.key)).toContain('unicast_peer 198.18.0.12')
    expect(vi.directives.find((d) => d.key === 'auth_pass')).toMatchObject({secretArgs: [0]})
    expect(vi.directives.find((d) => d.key === 'priority')).toMatchObject({args: ['100'], line: 17})
  })

  it('nests real servers and checkers under virtual servers', () => {
    const path = fixture('agree/ok-lvs.conf')
    const [vs] = outlineKeepalived(parseText(readFileSync(path, 'utf8'), path).model)
    expect(vs?.key).toBe('virtual_server 198.18.0.100 80')
    expect(vs?.children.map((c) => c.key)).toEqual(['real_server 198.18.0.11 80', 'real_server 198.18.0.12 80'])
    expect(vs?.children[0]?.children.map((c) => c.key)).toEqual(['TCP_CHECK'])
    expect(vs?.children[1]?.children[0]?.children.map((c) => c.key)).toEqual(['url /health'])
  })
})
