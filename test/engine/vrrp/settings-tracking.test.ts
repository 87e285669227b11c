import {describe, expect, it} from 'vitest'
import {parseKeepalived} from '../../../src/config/keepalived/index.js'
import {planTracking} from '../../../src/engine/vrrp/settings.js'

const parse = (text: string) => parseKeepalived({path: 'k.conf', text}, {reader: {read: () => ({path: 'x', text: ''}), glob: () => []}}).model
const accounts = {passwd: () => 'root:x:0:0::/root:/bin/sh\nkeepalived_script:x:990:990::/:/sbin/nologin\n', group: () => ''}

describe('planTracking', () => {
  const text = `
global_defs {
  notification_email {
    ops@example.com
  }
  notification_email_from lb@example.com
  smtp_server 192.0.2.25 2525
  smtp_connect_timeout 5
  script_user keepalived_script
}
vrrp_script chk_haproxy {
  script "/usr/bin/killall -0 haproxy"
  interval 2
  timeout 3
  weight -20
  rise 2
  fall 3
}
vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 51
  smtp_alert
  track_script {
    chk_haproxy
    chk_later
    chk_missing
  }
  track_interface {
    eth1 weight -30
    eth2
  }
  notify_backup "/etc/keepalived/notify.sh backup" nobody
}
vrrp_script chk_later {
  script /bin/true
}
vrrp_sync_group VG_1 {
  group {
    VI_1
    VI_9
  }
}`

  it('plans scripts, refs, notify commands, email and keepalived-worded problems', () => {
    const plan = planTracking(parse(text), {root: true, hostname: 'lb1', accounts})
    expect(plan.scripts).toEqual([
      {name: 'chk_haproxy', argv: ['/usr/bin/killall', '-0', 'haproxy'], intervalMs: 2000, timeoutMs: 3000, rise: 2, fall: 3, initFail: false, identity: {uid: 990, gid: 990}},
    ])
    expect(plan.refs.get('VI_1')).toEqual([
      {key: 'script chk_haproxy', name: 'chk_haproxy', weight: -20, reverse: false},
      {key: 'interface eth1', name: 'eth1', weight: -30, reverse: false},
      {key: 'interface eth2', name: 'eth2', weight: 0, reverse: false},
      // keepalived tracks the instance's own interface as well (unless dont_track_primary)
      {key: 'interface eth0', name: 'eth0', weight: 0, reverse: false},
    ])
    const untracked = planTracking(parse(text.replace('  interface eth0\n', '  interface eth0\n  dont_track_primary\n')), {root: true, hostname: 'lb1', accounts})
    expect(untracked.refs.get('VI_1')?.map((ref) => ref.key)).not.toContain('interface eth0')
    expect(plan.email).toEqual({from: 'lb@example.com', to: ['ops@example.com'], server: {address: '192.0.2.25', port: 2525}, connectTimeoutMs: 5000, routerId: 'lb1', alertInstances: ['VI_1']})
    expect(plan.problems).toEqual([
      '(VI_1) track script chk_later not found, ignoring...',
      '(VI_1) track script chk_missing not found, ignoring...',
      '(VI_1) notify_backup: unknown user nobody - cannot run it',
      "Virtual router VI_9 specified in sync group VG_1 doesn't exist - ignoring",
      "Sync group VG_1 has only 1 virtual router(s) - this probably isn't what you want",
    ])
  })

  it('does not switch users when not root', () => {
    const plan = planTracking(parse(text), {root: false, hostname: 'lb1', accounts})
    expect(plan.scripts[0]?.identity).toBeUndefined()
    expect(plan.instanceNotify.get('VI_1')?.backup).toMatchObject({argv: ['/etc/keepalived/notify.sh', 'backup']})
  })
})
