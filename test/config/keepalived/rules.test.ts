import {describe, expect, it} from 'vitest'
import {checkKeepalived, type KeepalivedEnvironment} from '../../../src/config/keepalived/index.js'
import {codes, diagnose, parseText} from './helpers.js'

const vi = (body: string, name = 'VI_1', vrid = 51) =>
  `vrrp_instance ${name} {\n  state BACKUP\n  interface eth0\n  virtual_router_id ${vrid}\n${body}  virtual_ipaddress {\n    10.0.0.${vrid}\n  }\n}\n`
const secure = 'global_defs {\n  enable_script_security\n  script_user root\n}\n'
const script = (name: string, extra = '') => `vrrp_script ${name} {\n  script "/bin/true"\n${extra}}\n`

describe('rules', () => {
  it.each([
    ['a clean instance', vi(''), []],
    ['missing VRID', 'vrrp_instance V {\n  interface eth0\n  virtual_ipaddress {\n    10.0.0.1\n  }\n}\n', ['keepalived/missing-vrid']],
    ['missing interface', 'vrrp_instance V {\n  virtual_router_id 1\n  virtual_ipaddress {\n    10.0.0.1\n  }\n}\n', ['keepalived/missing-interface']],
    ['loopback', vi('').replace('eth0', 'lo'), ['keepalived/loopback-interface', 'keepalived/missing-interface']],
    ['no VIP', 'vrrp_instance V {\n  interface eth0\n  virtual_router_id 1\n}\n', ['keepalived/no-vip']],
    ['nopreempt with MASTER', vi('  nopreempt\n').replace('BACKUP', 'MASTER'), ['keepalived/nopreempt-master']],
    ['nopreempt with preempt_delay', vi('  nopreempt\n  preempt_delay 5\n'), ['keepalived/nopreempt-preempt-delay']],
    ['sub-second advert_int with VRRPv2', vi('  advert_int 0.5\n'), ['keepalived/advert-int-v2']],
    ['sub-second advert_int with VRRPv3', vi('  version 3\n  advert_int 0.5\n'), []],
    ['VRRPv3 not in 10 ms steps', vi('  version 3\n  advert_int 0.015\n'), ['keepalived/advert-int-v3']],
    ['global vrrp_version 3', `global_defs {\n  vrrp_version 3\n}\n${vi('  advert_int 0.5\n')}`, []],
    ['undefined track_script', secure + vi('  track_script {\n    nosuch\n  }\n'), ['keepalived/undefined-script']],
    ['script declared after the instance', secure + vi('  track_script {\n    chk\n  }\n') + script('chk'), ['keepalived/undefined-script']],
    ['script declared before', secure + script('chk') + vi('  track_script {\n    chk\n  }\n'), []],
    ['script without a script line', secure + 'vrrp_script chk {\n  interval 2\n}\n' + vi('  track_script {\n    chk\n  }\n'), ['keepalived/script-missing', 'keepalived/undefined-script']],
    ['scripts without security', script('chk') + vi(''), ['keepalived/script-security']],
    ['notify script without security', vi('  notify_master /bin/true\n'), ['keepalived/script-security']],
    ['track_interface on its own interface', vi('  track_interface {\n    eth0\n  }\n'), ['keepalived/track-own-interface']],
    ['unicast_src_ip without peers', vi('  unicast_src_ip 10.0.0.5\n'), ['keepalived/unicast-without-peers']],
    ['duplicate VRID on one interface', vi('') + vi('', 'VI_2'), ['keepalived/duplicate-vrid']],
    ['same VRID on different interfaces', vi('') + vi('', 'VI_2').replace('eth0', 'eth1'), []],
    ['duplicate instance name', vi('') + vi('', 'VI_1', 52), ['keepalived/duplicate-instance']],
    ['sync group with an unknown instance', vi('') + 'vrrp_sync_group G {\n  group {\n    VI_1\n    VI_9\n  }\n}\n', ['keepalived/sync-group-unknown-instance', 'keepalived/sync-group-single']],
    ['virtual server without protocol/scheduler/method', 'virtual_server 10.0.0.1 80 {\n  real_server 10.0.0.2 80 {\n  }\n}\n', ['keepalived/vs-no-protocol', 'keepalived/vs-no-scheduler', 'keepalived/vs-no-forwarding']],
    ['HTTP_GET url without path', 'virtual_server 10.0.0.1 80 {\n  protocol TCP\n  lb_algo rr\n  lb_kind DR\n  real_server 10.0.0.2 80 {\n    HTTP_GET {\n      url {\n        status_code 200\n      }\n    }\n  }\n}\n', ['keepalived/url-no-path', 'keepalived/checker-no-url']],
  ])('%s', (_name, text, expected) => {
    expect(codes(diagnose(text)).sort()).toEqual([...expected].sort())
  })

  it('words the duplicate VRID like keepalived and says where the first one is', () => {
    const d = diagnose(vi('') + vi('', 'VI_2')).find((x) => x.code === 'keepalived/duplicate-vrid')!
    expect(d.message).toBe('VI_1 and VI_2 both use VRID 51 with IPv4 on interface eth0')
    expect(d.line).toBe(12)
    expect(d.suggestions[0]).toContain('declared at /etc/keepalived/keepalived.conf:1')
  })

  describe('environment', () => {
    const missing: KeepalivedEnvironment = {interfaceExists: () => false, commandExists: () => false, userExists: () => false}
    const text = `global_defs {\n  enable_script_security\n}\n${script('chk')}${vi('  track_script {\n    chk\n  }\n')}`
    it.each([
      [false, 'warning'],
      [true, 'error'],
    ])('strictEnv=%s reports missing interfaces and scripts as %s', (strictEnv, severity) => {
      const ds = checkKeepalived(parseText(text), {strictEnv, env: missing})
      const env = ds.filter((d) => ['keepalived/unknown-interface', 'keepalived/script-not-found'].includes(d.code))
      expect(env.map((d) => d.code).sort()).toEqual(['keepalived/script-not-found', 'keepalived/unknown-interface'])
      expect(env.every((d) => d.severity === severity)).toBe(true)
      expect(ds.find((d) => d.code === 'keepalived/unknown-interface')?.message).toBe("WARNING - interface eth0 for vrrp_instance VI_1 doesn't exist")
    })

    it('reports a missing default script user', () => {
      const env: KeepalivedEnvironment = {interfaceExists: () => true, commandExists: () => true, userExists: () => false}
      const ds = checkKeepalived(parseText(text), {strictEnv: false, env})
      expect(ds).toContainEqual(expect.objectContaining({code: 'keepalived/script-user-missing', message: 'Unable to set default user keepalived_script for script'}))
    })
  })
})
