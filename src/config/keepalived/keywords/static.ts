import {known} from './known.js'
import {addressCheck, virtualServerProblem} from './server-address.js'
import type {ContextSpec} from './spec.js'
import {checkVipLine} from './vrrp-instance.js'

/** The top level of keepalived.conf: which blocks exist and what they hold. */
export const topContexts: ContextSpec[] = [
  {
    name: 'top',
    keywords: [
      {name: 'global_defs', block: {kind: 'keywords', context: 'global_defs'}},
      {name: 'vrrp_script', minArgs: 1, block: {kind: 'keywords', context: 'vrrp_script'}},
      {name: 'vrrp_instance', minArgs: 1, block: {kind: 'keywords', context: 'vrrp_instance'}},
      {name: 'vrrp_sync_group', minArgs: 1, block: {kind: 'keywords', context: 'vrrp_sync_group'}},
      {
        name: 'virtual_server',
        minArgs: 1,
        block: {kind: 'keywords', context: 'virtual_server'},
        check: addressCheck('keepalived/invalid-server-address', virtualServerProblem),
        ok: ['virtual_server 198.18.0.100 80', 'virtual_server fwmark 1', 'virtual_server group WEB'],
        fail: [['virtual_server 198.18.0.100 http', 'Invalid virtual server IP address/port 198.18.0.100/http - skipping']],
      },
      {name: 'virtual_server_group', minArgs: 1, block: {kind: 'values'}},
      {name: 'static_ipaddress', block: {kind: 'values', line: checkVipLine}},
      {name: 'static_routes', block: {kind: 'values'}},
      {name: 'static_rules', block: {kind: 'values'}},
      {name: 'vrrp_track_file', minArgs: 1, block: {kind: 'keywords', context: 'track_file'}},
      {name: 'track_file', minArgs: 1, block: {kind: 'keywords', context: 'track_file'}},
      {name: 'vrrp_track_process', minArgs: 1, block: {kind: 'keywords', context: 'track_process'}},
      {name: 'bfd_instance', minArgs: 1, block: {kind: 'keywords', context: 'bfd_instance'}},
      {name: 'garp_group', block: {kind: 'keywords', context: 'garp_group'}},
      {name: 'include', minArgs: 1},
    ],
    known: known.top,
  },
  {name: 'track_file', keywords: [{name: 'file', minArgs: 1}, {name: 'weight', minArgs: 1}, {name: 'init_file'}], known: known.track_file},
  {name: 'track_process', keywords: [{name: 'process', minArgs: 1}, {name: 'weight', minArgs: 1}], known: known.track_process},
  {name: 'bfd_instance', keywords: [{name: 'neighbor_ip', minArgs: 1}], known: known.bfd_instance},
  {name: 'garp_group', keywords: [{name: 'garp_interval', minArgs: 1}, {name: 'gna_interval', minArgs: 1}, {name: 'interface', minArgs: 1}], known: known.garp_group},
]
