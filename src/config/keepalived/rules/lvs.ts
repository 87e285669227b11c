import type {VirtualServer} from '../model.js'
import type {RuleContext} from './context.js'

const label = (vs: VirtualServer) =>
  vs.kind === 'address' ? `[${vs.address}]:${vs.protocol?.toLowerCase() ?? 'none'}:${vs.port ?? 0}` : `${vs.kind} ${vs.address}`

export function checkVirtualServers(ctx: RuleContext): void {
  for (const vs of ctx.model.virtualServers) {
    if (!vs.protocol)
      ctx.report('keepalived/vs-no-protocol', 'error', vs.at, `Virtual server ${label(vs)}: no protocol set - defaulting to UDP`, ['add `protocol TCP` (or UDP/SCTP)'])
    if (!vs.lbAlgo)
      ctx.report('keepalived/vs-no-scheduler', 'error', vs.at, `Virtual server ${label(vs)}: no scheduler set, setting default 'wlc'`, ['add `lb_algo rr` (or wrr, lc, wlc, ...)'])
    if (!vs.lbKind)
      ctx.report('keepalived/vs-no-forwarding', 'error', vs.at, `Virtual server ${label(vs)}: no forwarding method set, setting default NAT`, ['add `lb_kind DR` (or NAT/TUN)'])
    for (const rs of vs.realServers) {
      for (const checker of rs.checkers) {
        if (checker.type !== 'HTTP_GET' && checker.type !== 'SSL_GET') continue
        for (const url of checker.urls)
          if (url.path === undefined) ctx.report('keepalived/url-no-path', 'error', url.at, 'HTTP/SSL_GET checker url has no path - ignoring', ['add `path /health` to the url block'])
        if (checker.urls.every((u) => u.path === undefined))
          ctx.report('keepalived/checker-no-url', 'error', checker.at, 'HTTP/SSL_GET checker has no urls specified - ignoring', ['add `url { path / status_code 200 }`'])
      }
    }
  }
}

export function checkSyncGroups(ctx: RuleContext): void {
  const names = new Set(ctx.model.vrrpInstances.map((vi) => vi.name))
  for (const group of ctx.model.syncGroups) {
    let present = 0
    for (const member of group.instances) {
      if (names.has(member.name)) present++
      else
        ctx.report('keepalived/sync-group-unknown-instance', 'error', member.at, `Virtual router ${member.name} specified in sync group ${group.name} doesn't exist - ignoring`, [
          'name a vrrp_instance defined in this file',
        ])
    }
    if (present === 1)
      ctx.report('keepalived/sync-group-single', 'error', group.at, `Sync group ${group.name} has only 1 virtual router(s) - this probably isn't what you want`, [
        'a sync group ties several instances together: add the others or remove the group',
      ])
  }
}
