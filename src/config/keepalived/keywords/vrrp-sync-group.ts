import {known} from './known.js'
import type {ContextSpec} from './spec.js'

export const vrrpSyncGroupContexts: ContextSpec[] = [
  {
    name: 'vrrp_sync_group',
    keywords: [
      {name: 'group', block: {kind: 'values'}},
      {name: 'notify_master', minArgs: 1},
      {name: 'notify_backup', minArgs: 1},
      {name: 'notify_fault', minArgs: 1},
      {name: 'notify_stop', minArgs: 1},
      {name: 'notify', minArgs: 1},
      {name: 'smtp_alert'},
      {name: 'global_tracking'},
      {name: 'sync_group_tracking_weight'},
      {name: 'track_script', block: {kind: 'values'}},
      {name: 'track_interface', block: {kind: 'values'}},
      {name: 'track_file', block: {kind: 'values'}},
      {name: 'track_process', block: {kind: 'values'}},
      {name: 'track_bfd', block: {kind: 'values'}},
    ],
    known: known.vrrp_sync_group,
  },
]
