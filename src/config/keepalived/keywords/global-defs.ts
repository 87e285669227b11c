import {known} from './known.js'
import {type ContextSpec, isIpv4, isIpv6, numberArg} from './spec.js'

export const globalDefsContexts: ContextSpec[] = [
  {
    name: 'global_defs',
    keywords: [
      {name: 'router_id', minArgs: 1, ok: ['router_id LVS_DEVEL']},
      {name: 'notification_email', block: {kind: 'values'}},
      {name: 'notification_email_from', minArgs: 1, ok: ['notification_email_from noreply@example.com']},
      {name: 'smtp_server', minArgs: 1, ok: ['smtp_server 127.0.0.1', 'smtp_server 127.0.0.1 25']},
      {
        name: 'smtp_connect_timeout',
        minArgs: 1,
        check: numberArg('keepalived/number-range', {min: 1, max: 2147483647, integer: true, unsigned: true}, () => 'smtp_connect_timeout invalid'),
        ok: ['smtp_connect_timeout 30'],
      },
      {
        name: 'vrrp_mcast_group4',
        minArgs: 1,
        check: (v) =>
          isIpv4(v.args[0] ?? '')
            ? []
            : [{code: 'keepalived/invalid-address', message: `vrrp_mcast_group4 '${v.args[0]}' is not a valid IPv4 address`, arg: 0}],
        ok: ['vrrp_mcast_group4 224.0.0.18'],
      },
      {
        name: 'vrrp_mcast_group6',
        minArgs: 1,
        check: (v) =>
          isIpv6(v.args[0] ?? '') ? [] : [{code: 'keepalived/invalid-address', message: `vrrp_mcast_group6 '${v.args[0]}' is not a valid IPv6 address`, arg: 0}],
        ok: ['vrrp_mcast_group6 ff02::12'],
      },
      {name: 'script_user', minArgs: 1, ok: ['script_user root']},
      {name: 'enable_script_security', ok: ['enable_script_security']},
      {
        name: 'vrrp_version',
        minArgs: 1,
        check: numberArg('keepalived/vrrp-version', {min: 2, max: 3, integer: true, unsigned: true}, () => 'vrrp_version must be 2 or 3'),
        ok: ['vrrp_version 2', 'vrrp_version 3'],
        fail: [['vrrp_version 4', "number '4' outside range [2, 3]"]],
      },
      {name: 'vrrp_garp_master_delay', minArgs: 1},
      {name: 'vrrp_garp_master_repeat', minArgs: 1},
      {name: 'vrrp_skip_check_adv_addr'},
      {name: 'vrrp_strict'},
      {name: 'lvs_id', minArgs: 1},
    ],
    known: known.global_defs,
  },
]
