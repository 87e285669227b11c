/**
 * From lbctl's keepalived model to what the VRRP engine runs: one `InstancePlan` per
 * vrrp_instance, holding the machine's `VrrpInstanceSettings` plus what the adapter needs
 * (interface, multicast group, the VIPs with prefix and device).
 *
 * Pure: the interface addresses of the machine come in through `PlanContext`.
 */
import type {GlobalDefs, KeepalivedModel, VirtualAddress, VrrpInstance} from '../../config/keepalived/index.js'
import {instanceSettings, type VrrpInstanceSettings} from './machine.js'
import type {IpFamily} from './packet.js'

/** A VIP as the VIP manager adds it: `ip addr add ADDRESS/PREFIX dev DEV`. */
export interface VipSpec {
  address: string
  family: IpFamily
  /** keepalived uses /32 (/128) when the config gives no prefix. */
  prefix: number
  /** `dev` of the line, else the instance's interface. */
  dev: string | undefined
  label?: string
}

export interface InstancePlan {
  name: string
  /** `interface` of the instance (where adverts go and VIPs land by default). */
  interface: string | undefined
  settings: VrrpInstanceSettings
  /** Every address the MASTER holds: virtual_ipaddress then virtual_ipaddress_excluded. */
  vips: VipSpec[]
  /** Where multicast adverts go: vrrp_mcast_group4 / vrrp_mcast_group6. */
  multicastGroup: string
}

export interface PlanContext {
  /** The first address of `family` on the interface, or undefined when it has none (or does not exist). */
  interfaceAddress(name: string, family: IpFamily): string | undefined
  /** Local mode: this address is the primary address of every instance, whatever the config says. */
  primaryAddressOverride?: string
}

export type PlanResult = {ok: true; plan: InstancePlan} | {ok: false; problem: string}

export interface PlanAll {
  plans: InstancePlan[]
  /** One line per instance that cannot run, worded `(VI_1) reason`. */
  problems: string[]
}

export function planInstances(model: KeepalivedModel, context: PlanContext): PlanAll {
  const plans: InstancePlan[] = []
  const problems: string[] = []
  for (const instance of model.vrrpInstances) {
    const result = planInstance(instance, model.globalDefs, context)
    if (result.ok) plans.push(result.plan)
    else problems.push(`(${instance.name}) ${result.problem}`)
  }
  return {plans, problems}
}

/** The family of an instance, as keepalived settles it: the first VIP, else the first unicast peer, else IPv4. */
export function instanceFamily(instance: VrrpInstance): IpFamily {
  const first = instance.virtualIpaddresses[0] ?? instance.virtualIpaddressesExcluded[0]
  if (first) return first.family
  const peer = instance.unicastPeers[0]?.address
  return peer?.includes(':') ? 6 : 4
}

export function planInstance(instance: VrrpInstance, globals: GlobalDefs, context: PlanContext): PlanResult {
  const vrid = instance.virtualRouterId
  // keepalived: "VRRP error : VRID not specified or out of range 1..255" and the instance is dropped.
  if (vrid === undefined) return {ok: false, problem: 'virtual_router_id is not set (1..255): the instance cannot run'}
  const family = instanceFamily(instance)
  const primaryAddress = context.primaryAddressOverride ?? instance.unicastSrcIp ?? interfaceAddress(instance, family, context)
  if (primaryAddress === undefined) {
    return {
      ok: false,
      problem: instance.interface
        ? `interface ${instance.interface} has no IPv${family} address: set unicast_src_ip or add an address`
        : 'no interface and no unicast_src_ip: the instance has no address to send adverts from',
    }
  }
  const auth = instance.authentication
  if (auth?.type === 'AH') return {ok: false, problem: 'auth_type AH (IPsec) is not supported by lbctl; use PASS or no authentication'}
  const vips = instance.virtualIpaddresses.filter((vip) => vip.family === family)
  const given: Partial<VrrpInstanceSettings> & Pick<VrrpInstanceSettings, 'vrid' | 'primaryAddress'> = {
    name: instance.name,
    vrid,
    primaryAddress,
    family,
    version: instance.version,
    priority: instance.priority,
    advertIntervalCs: Math.round(instance.advertInt * 100),
    vips: vips.map((vip) => vip.address),
    preempt: !instance.nopreempt,
    preemptDelayMs: Math.round(instance.preemptDelay * 1000),
    garpMasterDelayMs: instance.garpMasterDelay * 1000,
    garpMasterRepeat: instance.garpMasterRepeat,
    unicastPeers: instance.unicastPeers.map((peer) => peer.address),
  }
  // Without a `state` line keepalived derives the start from the priority (255 = owner = MASTER).
  if (instance.lines.state !== undefined) given.initialState = instance.state
  // PASS exists in VRRPv2 over IPv4 only; keepalived ignores it elsewhere.
  if (auth?.type === 'PASS' && auth.pass && instance.version === 2 && family === 4) given.authPass = auth.pass
  return {
    ok: true,
    plan: {
      name: instance.name,
      interface: instance.interface,
      settings: instanceSettings(given),
      vips: [...vips, ...instance.virtualIpaddressesExcluded].map((vip) => vipSpec(vip, instance.interface)),
      multicastGroup: family === 4 ? globals.vrrpMcastGroup4 : globals.vrrpMcastGroup6,
    },
  }
}

function interfaceAddress(instance: VrrpInstance, family: IpFamily, context: PlanContext): string | undefined {
  return instance.interface === undefined ? undefined : context.interfaceAddress(instance.interface, family)
}

function vipSpec(vip: VirtualAddress, defaultDev: string | undefined): VipSpec {
  const spec: VipSpec = {address: vip.address, family: vip.family, prefix: vip.prefix ?? (vip.family === 4 ? 32 : 128), dev: vip.dev ?? defaultDev}
  if (vip.label !== undefined) spec.label = vip.label
  return spec
}
