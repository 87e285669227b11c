import type {OutlineDirective, OutlineSection} from '../outline.js'
import type {Checker, KeepalivedModel, RealServer, SourceRef, VirtualServer} from './model.js'

/**
 * The model as diff sees it. Sections: `global_defs`, `vrrp_script NAME`, `vrrp_instance NAME`,
 * `vrrp_sync_group NAME`, `virtual_server IP PORT` > `real_server IP PORT` > `TCP_CHECK`.
 * Directives are keyed by keyword, plus the address for list entries (VIPs, unicast peers).
 */
export function outlineKeepalived(model: KeepalivedModel): OutlineSection[] {
  const out: OutlineSection[] = []
  const g = model.globalDefs
  if (g.at) {
    const d: OutlineDirective[] = []
    const put = (keyword: string, args: (string | number | undefined)[]) => {
      const at = g.lines[keyword]
      if (at) d.push(directive(keyword, keyword, args, at))
    }
    put('router_id', [g.routerId])
    for (const email of g.notificationEmail) d.push(directive(`notification_email ${email}`, 'notification_email', [email], g.lines.notification_email ?? g.at))
    put('notification_email_from', [g.notificationEmailFrom])
    put('smtp_server', [g.smtpServer?.address, g.smtpServer?.port])
    put('smtp_connect_timeout', [g.smtpConnectTimeout])
    put('vrrp_mcast_group4', [g.vrrpMcastGroup4])
    put('vrrp_mcast_group6', [g.vrrpMcastGroup6])
    put('script_user', [g.scriptUser?.user, g.scriptUser?.group])
    put('enable_script_security', [])
    put('vrrp_version', [g.vrrpVersion])
    put('vrrp_strict', [])
    put('vrrp_garp_master_delay', [g.garp.masterDelay])
    put('vrrp_garp_master_repeat', [g.garp.masterRepeat])
    put('vrrp_garp_master_refresh', [g.garp.masterRefresh])
    put('vrrp_garp_master_refresh_repeat', [g.garp.masterRefreshRepeat])
    put('vrrp_garp_interval', [g.garp.interval])
    put('vrrp_gna_interval', [g.garp.gnaInterval])
    out.push(section('global_defs', 'global_defs', '', g.at, d))
  }
  for (const s of model.vrrpScripts) {
    const d: OutlineDirective[] = []
    const put = (keyword: string, args: (string | number | undefined)[]) => {
      const at = s.lines[keyword]
      if (at) d.push(directive(keyword, keyword, args, at))
    }
    put('script', [s.script])
    put('interval', [s.interval])
    put('timeout', [s.timeout])
    put('weight', [s.weight, s.weightReverse ? 'reverse' : undefined])
    put('rise', [s.rise])
    put('fall', [s.fall])
    put('user', [s.user?.user, s.user?.group])
    put('init_fail', [])
    out.push(section(`vrrp_script ${s.name}`, 'vrrp_script', s.name, s.at, d))
  }
  for (const vi of model.vrrpInstances) {
    const d: OutlineDirective[] = []
    const put = (keyword: string, args: (string | number | undefined)[]) => {
      const at = vi.lines[keyword]
      if (at) d.push(directive(keyword, keyword, args, at))
    }
    put('state', [vi.state])
    put('interface', [vi.interface])
    put('virtual_router_id', [vi.virtualRouterId])
    put('priority', [vi.priority])
    put('advert_int', [vi.advertIntWritten])
    put('version', [vi.version])
    if (vi.authentication) {
      d.push(directive('auth_type', 'auth_type', [vi.authentication.type], vi.authentication.at))
      if (vi.authentication.passAsWritten !== undefined)
        d.push({...directive('auth_pass', 'auth_pass', [vi.authentication.passAsWritten], vi.authentication.at), secretArgs: [0]})
    }
    for (const a of vi.virtualIpaddresses) d.push(directive(`virtual_ipaddress ${a.address}`, 'virtual_ipaddress', a.text.split(/\s+/), a.at))
    for (const a of vi.virtualIpaddressesExcluded) d.push(directive(`virtual_ipaddress_excluded ${a.address}`, 'virtual_ipaddress_excluded', a.text.split(/\s+/), a.at))
    for (const r of vi.virtualRoutes) d.push(directive(`virtual_routes ${r.words.join(' ')}`, 'virtual_routes', r.words, r.at))
    for (const r of vi.virtualRules) d.push(directive(`virtual_rules ${r.words.join(' ')}`, 'virtual_rules', r.words, r.at))
    put('nopreempt', [])
    put('preempt_delay', [vi.preemptDelay])
    for (const t of vi.trackScripts) d.push(directive(`track_script ${t.name}`, 'track_script', [t.name, ...(t.weight === undefined ? [] : ['weight', String(t.weight)])], t.at))
    for (const t of vi.trackInterfaces) d.push(directive(`track_interface ${t.name}`, 'track_interface', [t.name, ...(t.weight === undefined ? [] : ['weight', String(t.weight)])], t.at))
    for (const t of vi.trackFiles) d.push(directive(`track_file ${t.name}`, 'track_file', [t.name], t.at))
    put('unicast_src_ip', [vi.unicastSrcIp])
    for (const p of vi.unicastPeers) d.push(directive(`unicast_peer ${p.address}`, 'unicast_peer', [p.address], p.at))
    for (const [key, c] of Object.entries(vi.notify)) {
      const keyword = key === 'any' ? 'notify' : `notify_${key}`
      d.push(directive(keyword, keyword, [c.command, c.user, c.group], c.at))
    }
    put('smtp_alert', [])
    put('garp_master_delay', [vi.garpMasterDelay])
    put('garp_master_repeat', [vi.garpMasterRepeat])
    put('garp_master_refresh', [vi.garpMasterRefresh])
    put('garp_master_refresh_repeat', [vi.garpMasterRefreshRepeat])
    put('use_vmac', [])
    out.push(section(`vrrp_instance ${vi.name}`, 'vrrp_instance', vi.name, vi.at, d))
  }
  for (const group of model.syncGroups) {
    const d = group.instances.map((m) => directive(`group ${m.name}`, 'group', [m.name], m.at))
    out.push(section(`vrrp_sync_group ${group.name}`, 'vrrp_sync_group', group.name, group.at, d))
  }
  for (const vs of model.virtualServers) out.push(virtualServer(vs))
  return out
}

function virtualServer(vs: VirtualServer): OutlineSection {
  const name = vs.kind === 'address' ? `${vs.address}${vs.port === undefined ? '' : ` ${vs.port}`}` : `${vs.kind} ${vs.address}`
  const d: OutlineDirective[] = []
  const put = (keyword: string, args: (string | number | undefined)[]) => {
    const at = vs.lines[keyword]
    if (at) d.push(directive(keyword, keyword, args, at))
  }
  put('delay_loop', [vs.delayLoop])
  put('lb_algo', [vs.lbAlgo])
  put('lb_kind', [vs.lbKind])
  put('protocol', [vs.protocol])
  put('persistence_timeout', [vs.persistenceTimeout])
  put('quorum', [vs.quorum])
  put('sorry_server', [vs.sorryServer?.address, vs.sorryServer?.port])
  for (const [keyword, args] of Object.entries(vs.options)) put(keyword, args)
  const s = section(`virtual_server ${name}`, 'virtual_server', name, vs.at, d)
  s.children = vs.realServers.map(realServer)
  return s
}

function realServer(rs: RealServer): OutlineSection {
  const name = `${rs.address}${rs.port === undefined ? '' : ` ${rs.port}`}`
  const d: OutlineDirective[] = [directive('weight', 'weight', [rs.weight], rs.at)]
  if (rs.inhibitOnFailure) d.push(directive('inhibit_on_failure', 'inhibit_on_failure', [], rs.at))
  if (rs.notifyUp) d.push(directive('notify_up', 'notify_up', [rs.notifyUp.command], rs.notifyUp.at))
  if (rs.notifyDown) d.push(directive('notify_down', 'notify_down', [rs.notifyDown.command], rs.notifyDown.at))
  const s = section(`real_server ${name}`, 'real_server', name, rs.at, d)
  s.children = rs.checkers.map(checker)
  return s
}

function checker(c: Checker): OutlineSection {
  const d: OutlineDirective[] = []
  const put = (keyword: string, args: (string | number | undefined)[]) => d.push(directive(keyword, keyword, args, c.at))
  if (c.connectIp) put('connect_ip', [c.connectIp])
  if (c.connectPort !== undefined) put('connect_port', [c.connectPort])
  put('connect_timeout', [c.connectTimeout])
  put('retry', [c.retry])
  put('delay_before_retry', [c.delayBeforeRetry])
  if (c.miscPath) put('misc_path', [c.miscPath])
  for (const [keyword, args] of Object.entries(c.options)) put(keyword, args)
  const s = section(c.type, c.type, '', c.at, d)
  s.children = c.urls.map((u) =>
    section(`url ${u.path ?? ''}`, 'url', u.path ?? '', u.at, [
      directive('path', 'path', [u.path], u.at),
      ...(u.digest ? [directive('digest', 'digest', [u.digest], u.at)] : []),
      ...(u.statusCode ? [directive('status_code', 'status_code', [u.statusCode], u.at)] : []),
    ]),
  )
  return s
}

function section(key: string, kind: string, name: string, at: SourceRef, directives: OutlineDirective[]): OutlineSection {
  return {key, kind, name, file: at.file, line: at.line, directives, children: []}
}

function directive(key: string, keyword: string, args: (string | number | undefined)[], at: SourceRef): OutlineDirective {
  return {key, keyword, args: args.filter((a): a is string | number => a !== undefined).map(String), file: at.file, line: at.line}
}
