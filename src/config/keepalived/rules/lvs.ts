import type {RealServer, VirtualServer, VirtualServerGroup} from '../model.js'
import {type RuleContext, where} from './context.js'

/** keepalived's FMT_VS: `[198.18.0.1]:tcp:80`, `FWM 7`, `[GROUP]:0`. */
const label = (vs: VirtualServer, protocol = vs.protocol?.toLowerCase() ?? 'none') =>
  vs.kind === 'address' ? `[${vs.address}]:${protocol}:${vs.port ?? 0}` : vs.kind === 'fwmark' ? `FWM ${vs.address}` : `[${vs.address}]:0`

const serverLabel = (rs: RealServer, protocol: string) => `[${rs.address}]:${protocol}:${rs.port ?? 0}`

export function checkVirtualServers(ctx: RuleContext): void {
  const groups = new Map<string, VirtualServerGroup>()
  for (const g of ctx.model.virtualServerGroups) if (!groups.has(g.name)) groups.set(g.name, g)
  for (const vs of ctx.model.virtualServers) {
    const group = vs.kind === 'group' ? groups.get(vs.address) : undefined
    // keepalived 2.2.7 says nothing more about a virtual server whose group is not defined.
    if (vs.kind === 'group' && !group) continue
    if (vs.realServers.length === 0) {
      ctx.report('keepalived/vs-no-real-servers', 'error', vs.at, `Virtual server ${label(vs)} has no real servers - ignoring`, ['add a `real_server IP PORT { ... }` block'])
      continue
    }
    // check_data.c validate_check_config: only servers reached by address need a protocol and a port.
    const byAddress = vs.kind === 'address' || (group?.entries.some((e) => e.kind === 'address') ?? false)
    const byFwmark = vs.kind === 'fwmark' || (group !== undefined && group.entries.some((e) => e.kind === 'fwmark'))
    if (byAddress && !vs.protocol)
      ctx.report('keepalived/vs-no-protocol', 'error', vs.at, `Virtual server ${label(vs)}: no protocol set - defaulting to UDP`, ['add `protocol TCP` (or UDP/SCTP)'])
    const protocol = byAddress ? (vs.protocol?.toLowerCase() ?? 'udp') : 'none'
    if (vs.kind === 'address' && !vs.port && vs.persistenceTimeout === undefined)
      ctx.report('keepalived/vs-zero-port', 'error', vs.at, `Virtual server ${label(vs, protocol)}: zero port only valid for persistent services - setting`, [
        'give the virtual server a port, or add `persistence_timeout N`',
      ])
    if (vs.protocol && !byAddress)
      ctx.report('keepalived/vs-fwmark-protocol', 'error', vs.lines.protocol ?? vs.at, `Warning: Virtual server ${label(vs)}: protocol specified for fwmark - protocol will be ignored`, [
        'remove `protocol`: the firewall mark selects the traffic',
      ])
    if (!vs.lbAlgo)
      ctx.report('keepalived/vs-no-scheduler', 'error', vs.at, `Virtual server ${label(vs)}: no scheduler set, setting default 'wlc'`, ['add `lb_algo rr` (or wrr, lc, wlc, ...)'])
    if (!vs.lbKind)
      ctx.report('keepalived/vs-no-forwarding', 'error', vs.at, `Virtual server ${label(vs)}: no forwarding method set, setting default NAT`, ['add `lb_kind DR` (or NAT/TUN)'])
    if (byFwmark) checkFwmarkPorts(ctx, vs, vs.kind === 'fwmark' ? 'none' : protocol)
    if (group) checkGroupPorts(ctx, vs, group, protocol)
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

/** Traffic selected by a firewall mark keeps its destination port: a real server port means nothing there. */
function checkFwmarkPorts(ctx: RuleContext, vs: VirtualServer, protocol: string): void {
  const consequence = vs.kind === 'fwmark' ? 'clearing' : 'port will be ignored'
  for (const rs of vs.realServers) {
    if (!rs.port) continue
    ctx.report('keepalived/fwmark-real-server-port', 'error', rs.at, `WARNING - fwmark virtual server ${label(vs)}, real server ${serverLabel(rs, protocol)} has port specified - ${consequence}`, [
      `write \`real_server ${rs.address} 0\`: fwmark traffic keeps its own port`,
    ])
  }
}

/** Every address of a virtual_server_group must use the real servers' port (a real server port 0 follows the group's). */
function checkGroupPorts(ctx: RuleContext, vs: VirtualServer, group: VirtualServerGroup, protocol: string): void {
  for (const entry of group.entries) {
    if (entry.kind !== 'address') continue
    for (const rs of vs.realServers) {
      if (!rs.port || rs.port === (entry.port ?? 0)) continue
      ctx.report(
        'keepalived/group-port-mismatch',
        'error',
        rs.at,
        `virtual server ${label(vs)}:[${entry.address},${entry.port ?? 0}] and real server ${serverLabel(rs, protocol)} ports don't match`,
        [`the group entry is at ${where(entry.at)}: use the same port there and on the real server, or port 0 on the real server`],
      )
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
