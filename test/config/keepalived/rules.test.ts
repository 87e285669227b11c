import {describe, expect, it} from 'vitest'
import {checkKeepalived, type KeepalivedEnvironment} from '../../../src/config/keepalived/index.js'
import {codes, diagnose, parseText} from './helpers.js'

const vi = (body: string, name = 'VI_1', vrid = 51) =>
  `vrrp_instance ${name} {\n  state BACKUP\n  interface eth0\n  virtual_router_id ${vrid}\n${body}  virtual_ipaddress {\n    10.0.0.${vrid}\n  }\n}\n`
const secure = 'global_defs {\n  enable_script_security\n  script_user root\n}\n'
const script = (name: string, extra = '') => `vrrp_script ${name} {\n  script "/bin/true"\n${extra}}\n`

const auth = '  authentication {\n    auth_type PASS\n    auth_pass 1234\n  }\n'
const lvs = (server: string, extra: string, rsPort: number | string) =>
  `virtual_server ${server} {\n  lb_algo rr\n  lb_kind DR\n${extra}  real_server 10.0.0.2 ${rsPort} {\n    weight 1\n  }\n}\n`
const vsg = (lines: string) => `virtual_server_group G {\n  ${lines}\n}\n`

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
    ['fwmark virtual server without protocol', lvs('fwmark 7', '', 0), []],
    ['fwmark virtual server with protocol and a real server port', lvs('fwmark 7', '  protocol TCP\n', 80), ['keepalived/vs-fwmark-protocol', 'keepalived/fwmark-real-server-port']],
    ['address virtual server on port 0 without persistence', lvs('10.0.0.1 0', '  protocol TCP\n', 0), ['keepalived/vs-zero-port']],
    ['virtual server without real servers', 'virtual_server 10.0.0.1 80 {\n  protocol TCP\n  lb_algo rr\n  lb_kind DR\n}\n', ['keepalived/vs-no-real-servers']],
    ['invalid virtual server port: the server is skipped', lvs('10.0.0.1 http', '', 80), ['keepalived/invalid-server-address']],
    ['invalid real server port: the real server is skipped', lvs('10.0.0.1 80', '  protocol TCP\n', '-1'), ['keepalived/invalid-server-address', 'keepalived/vs-no-real-servers']],
    ['group ports match', vsg('10.0.0.1 80\n  10.0.0.2 80') + lvs('group G', '  protocol TCP\n', 80), []],
    ['group port differs from the real server', vsg('10.0.0.1 80\n  10.0.0.5-9 8080') + lvs('group G', '  protocol TCP\n', 80), ['keepalived/group-port-mismatch']],
    ['real server port 0 follows the group', vsg('10.0.0.1 80\n  10.0.0.2 8080') + lvs('group G', '  protocol TCP\n', 0), []],
    ['fwmark-only group without protocol', vsg('fwmark 3') + lvs('group G', '', 0), []],
    ['address group without protocol', vsg('10.0.0.1 80') + lvs('group G', '', 80), ['keepalived/vs-no-protocol']],
    ['vrrp_strict with PASS authentication', `global_defs {\n  vrrp_strict\n}\n${vi(auth)}`, ['keepalived/strict-authentication']],
    ['vrrp_strict with the instance opting out', `global_defs {\n  vrrp_strict\n}\n${vi('  strict_mode off\n' + auth)}`, []],
    ['strict_mode on the instance', vi('  strict_mode\n' + auth), ['keepalived/strict-authentication']],
    ['routes with an interface or no_track', vi('  virtual_routes {\n    10.1.0.0/16 via 10.0.0.254 dev eth0\n    blackhole 10.2.0.0/16 no_track\n  }\n'), []],
    ['routes without an interface', vi('  virtual_routes {\n    blackhole 10.2.0.0/16\n  }\n') + 'static_routes {\n  10.3.0.0/16 via 10.0.0.254\n}\n', ['keepalived/route-untrackable', 'keepalived/route-untrackable']],
    ['rules with and without a priority', vi('  virtual_rules {\n    from 10.0.0.51 table 100 priority 10\n    from 10.0.0.52 table 101\n  }\n'), ['keepalived/rule-no-preference']],
  ])('%s', (_name, text, expected) => {
    expect(codes(diagnose(text)).sort()).toEqual([...expected].sort())
  })

  it('words LVS findings like keepalived', () => {
    const messages = (text: string) => diagnose(text).map((d) => `${d.line}: ${d.message}`)
    expect(messages(vsg('10.0.0.1 80\n  10.0.0.150-155 8080') + lvs('group G', '  protocol TCP\n', 80))).toEqual([
      "9: virtual server [G]:0:[10.0.0.150-10.0.0.155,8080] and real server [10.0.0.2]:tcp:80 ports don't match",
    ])
    expect(messages(lvs('fwmark 7', '', 80))).toEqual(['4: WARNING - fwmark virtual server FWM 7, real server [10.0.0.2]:none:80 has port specified - clearing'])
    expect(messages(lvs('10.0.0.1 http', '', 80))).toEqual(["1: invalid number 'http': Invalid virtual server IP address/port 10.0.0.1/http - skipping"])
  })

  it('numbers rules without a priority the way keepalived does', () => {
    const text = 'static_rules {\n  from 10.0.0.7 table 100\n}\n' + vi('  virtual_rules {\n    to 10.9.0.0/16 table 101\n  }\n')
    expect(diagnose(text).map((d) => d.message)).toEqual([
      'Rule has no preference specified - setting to 16384. This is probably not what you want.',
      'Rule has no preference specified - setting to 16383. This is probably not what you want.',
    ])
  })

  it('words the duplicate VRID like keepalived and says where the first one is', () => {
    const d = diagnose(vi('') + vi('', 'VI_2')).find((x) => x.code === 'keepalived/duplicate-vrid')!
    expect(d.message).toBe('VI_1 and VI_2 both use VRID 51 with IPv4 on interface eth0')
    expect(d.line).toBe(12)
    expect(d.suggestions[0]).toContain('declared at /etc/keepalived/keepalived.conf:1')
  })

  describe('environment', () => {
    const missing: KeepalivedEnvironment = {interfaceExists: () => false, commandExists: () => false, userExists: () => false, fileKind: () => 'missing'}
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
      const env: KeepalivedEnvironment = {interfaceExists: () => true, commandExists: () => true, userExists: () => false, fileKind: () => 'regular'}
      const ds = checkKeepalived(parseText(text), {strictEnv: false, env})
      expect(ds).toContainEqual(expect.objectContaining({code: 'keepalived/script-user-missing', message: 'Unable to set default user keepalived_script for script'}))
    })

    it.each([
      ['other', false, 'warning'],
      ['other', true, 'error'],
      ['regular', true, undefined],
    ] as const)('init_file on a %s file (strictEnv=%s) gives %s', (kind, strictEnv, severity) => {
      const env: KeepalivedEnvironment = {interfaceExists: () => true, commandExists: () => true, userExists: () => true, fileKind: () => kind}
      const track = 'vrrp_track_file maint {\n  file /dev/null\n  init_file 0 overwrite\n}\n'
      const ds = checkKeepalived(parseText(track + vi('  track_file {\n    maint\n  }\n')), {strictEnv, env}).filter((d) => d.code === 'keepalived/track-file-not-regular')
      expect(ds.map((d) => [d.line, d.severity, d.message])).toEqual(severity ? [[3, severity, 'Cannot initialise track file maint - it is not a regular file']] : [])
    })
  })
})
