import type {SourceRef, VrrpInstance, VrrpScript} from '../model.js'
import {type RuleContext, where} from './context.js'

export function checkVrrpInstances(ctx: RuleContext): void {
  const {model} = ctx
  const scripts = new Map<string, VrrpScript>()
  for (const s of model.vrrpScripts) if (s.script !== undefined && s.script.trim() !== '' && !scripts.has(s.name)) scripts.set(s.name, s)
  const seen = new Map<string, VrrpInstance>()
  for (const vi of model.vrrpInstances) {
    const first = seen.get(vi.name)
    if (first) {
      ctx.report('keepalived/duplicate-instance', 'error', vi.at, `vrrp instance ${vi.name} already defined`, [`the first one is declared at ${where(first.at)}: rename one of them`])
      continue
    }
    seen.set(vi.name, vi)
    checkInstance(ctx, vi, scripts)
  }
  checkDuplicateVrids(ctx, [...seen.values()])
}

function checkInstance(ctx: RuleContext, vi: VrrpInstance, scripts: Map<string, VrrpScript>): void {
  const lines = vi.lines
  if (vi.interface === 'lo')
    ctx.report('keepalived/loopback-interface', 'error', lines.interface ?? vi.at, `(${vi.name}) cannot use a loopback interface (lo) for vrrp - ignoring`, [
      'name the NIC that carries the VIP, e.g. eth0',
    ])
  if (vi.interface === undefined || vi.interface === 'lo') ctx.report('keepalived/missing-interface', 'error', vi.at, `(${vi.name}) Unknown interface!`, ['add `interface eth0` (the NIC that carries the VIP)'])
  else if (ctx.env.interfaceExists(vi.interface) === false)
    ctx.reportEnv('keepalived/unknown-interface', lines.interface ?? vi.at, `WARNING - interface ${vi.interface} for vrrp_instance ${vi.name} doesn't exist`, [
      'check the name with `ip -o link` on the node that runs this config',
    ])
  if (vi.virtualRouterId === undefined && !lines.virtual_router_id)
    ctx.report('keepalived/missing-vrid', 'error', vi.at, `(${vi.name}) the virtual router id must be set`, ['add `virtual_router_id N` (1-255), the same on every node of the pair'])
  if (vi.virtualIpaddresses.length === 0 && vi.virtualIpaddressesExcluded.length === 0)
    ctx.report('keepalived/no-vip', 'error', vi.at, `(${vi.name}) No VIP specified; at least one is sensible`, ['add a virtual_ipaddress { ... } block with the VIP'])
  const stateLine = lines.state
  if (lines.nopreempt && stateLine && vi.state === 'MASTER')
    ctx.report('keepalived/nopreempt-master', 'error', lines.nopreempt, `(${vi.name}) Warning - nopreempt will not work with initial state MASTER - clearing`, [
      'nopreempt needs `state BACKUP` on every node; let priorities decide who starts as master',
    ])
  if (lines.preempt_delay && stateLine && vi.state === 'MASTER')
    ctx.report('keepalived/nopreempt-master', 'error', lines.preempt_delay, `(${vi.name}) Warning - preempt delay will not work with initial state MASTER - clearing`, [
      'preempt_delay needs `state BACKUP`',
    ])
  if (lines.preempt_delay && lines.nopreempt && vi.state !== 'MASTER')
    ctx.report('keepalived/nopreempt-preempt-delay', 'error', lines.preempt_delay, `(${vi.name}) preempt_delay is incompatible with nopreempt mode - resetting`, [
      'remove preempt_delay (nopreempt never preempts) or remove nopreempt',
    ])
  if (lines.advert_int) checkAdvertInt(ctx, vi, lines.advert_int)
  if (vi.strictMode && vi.authentication?.type)
    ctx.report('keepalived/strict-authentication', 'error', vi.authentication.at, `(${vi.name}) Strict mode does not support authentication. Ignoring.`, [
      'remove the authentication block (VRRPv3 and vrrp_strict have none), or drop vrrp_strict / set `strict_mode off`',
    ])
  for (const t of vi.trackScripts) {
    const script = scripts.get(t.name)
    if (script && script.order < vi.order) continue
    const defined = ctx.model.vrrpScripts.find((s) => s.name === t.name)
    const fix = script
      ? `move \`vrrp_script ${t.name}\` (${where(script.at)}) above this vrrp_instance: keepalived only sees scripts declared before it`
      : defined
        ? `vrrp_script ${t.name} has no \`script\` line, so keepalived removed it`
        : `define \`vrrp_script ${t.name} { script "..." }\` before this instance, or fix the name`
    ctx.report('keepalived/undefined-script', 'error', t.at, `(${vi.name}) track script ${t.name} not found, ignoring...`, [fix])
  }
  for (const t of vi.trackInterfaces) {
    if (t.name === vi.interface)
      ctx.report('keepalived/track-own-interface', 'error', t.at, `(${vi.name}) Ignoring track_interface ${t.name} since own interface`, [
        'remove it: the instance already goes to FAULT when its own interface is down',
      ])
  }
  if (vi.unicastPeers.length === 0 && lines.unicast_src_ip)
    ctx.report(
      'keepalived/unicast-without-peers',
      'error',
      lines.unicast_src_ip,
      `(${vi.name}) A unicast keyword has been specified without any unicast peers. Defaulting to multicast. This usage is deprecated - please update your configuration.`,
      ['add `unicast_peer { OTHER_NODE_IP }`, or remove unicast_src_ip'],
    )
}

function checkAdvertInt(ctx: RuleContext, vi: VrrpInstance, at: SourceRef): void {
  const raw = vi.advertIntWritten
  if (raw === undefined) return
  if (vi.version === 2 && !Number.isInteger(raw))
    ctx.report('keepalived/advert-int-v2', 'error', at, `(${vi.name}) VRRPv2 advertisement interval ${raw.toFixed(6)}s must be an integer. rounding`, [
      raw < 1 ? 'sub-second adverts need VRRPv3: add `version 3` on every node (or `vrrp_version 3` in global_defs)' : `write advert_int ${Math.max(1, Math.round(raw))}`,
    ])
  if (vi.version === 3 && Math.abs(raw * 100 - Math.round(raw * 100)) > 1e-9)
    ctx.report('keepalived/advert-int-v3', 'error', at, `(${vi.name}) VRRPv3 advertisement interval ${raw.toFixed(6)}s must be in units of 10ms - rounding`, [
      `write advert_int ${(Math.round(raw * 100) / 100).toFixed(2)}`,
    ])
}

function checkDuplicateVrids(ctx: RuleContext, instances: VrrpInstance[]): void {
  const byKey = new Map<string, VrrpInstance>()
  for (const vi of instances) {
    if (vi.virtualRouterId === undefined || vi.interface === undefined) continue
    const families = new Set(vi.virtualIpaddresses.map((a) => a.family))
    if (families.size === 0) families.add(4)
    for (const family of families) {
      const key = `${vi.interface}/${family}/${vi.virtualRouterId}`
      const first = byKey.get(key)
      if (first) {
        ctx.report(
          'keepalived/duplicate-vrid',
          'error',
          vi.lines.virtual_router_id ?? vi.at,
          `${first.name} and ${vi.name} both use VRID ${vi.virtualRouterId} with IPv${family} on interface ${vi.interface}`,
          [`${first.name} is declared at ${where(first.at)}: give each instance on ${vi.interface} its own virtual_router_id`],
        )
      } else byKey.set(key, vi)
    }
  }
}
