/**
 * Builds a running VRRP node from a keepalived model: privileged mode (raw IP protocol 112 and
 * `ip addr`) or local mode (UDP on loopback, VIPs recorded only). This is the one place that picks
 * the real effects; the runner itself only sees their interfaces.
 */
import {networkInterfaces} from 'node:os'
import type {KeepalivedModel} from '../../config/keepalived/index.js'
import type {Clock} from './clock.js'
import {VrrpRunner} from './runner.js'
import {planInstances, type InstancePlan} from './settings.js'
import {openRawTransport} from './transport/raw.js'
import type {TransportFactory} from './transport/types.js'
import {openUdpTransport, type UdpOptions} from './transport/udp.js'
import {IpVipManager} from './vip/ip.js'
import {LoopbackVipManager} from './vip/loopback.js'
import type {VipManager} from './vip/types.js'

export type VrrpMode = 'privileged' | 'local'

export interface VrrpNodeOptions {
  model: KeepalivedModel
  mode: VrrpMode
  /** Names the node in local mode, where it also picks the node's loopback address. */
  nodeName: string
  /** Local mode: the loopback address to send from (default: derived from the node name). */
  localAddress?: string
  udp?: UdpOptions
  clock?: Clock
}

export interface VrrpNode {
  mode: VrrpMode
  plans: InstancePlan[]
  runner: VrrpRunner
  vips: VipManager
}

export type VrrpNodeBuild = {ok: true; node: VrrpNode} | {ok: false; problems: string[]}

/** A stable loopback address per node name (127.0.0.10 .. 127.0.0.249), so local nodes differ. */
export function localAddressFor(nodeName: string): string {
  let hash = 0x811c9dc5
  for (const char of nodeName) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0
  return `127.0.0.${10 + (hash % 240)}`
}

/** The first address of a family on an interface of this machine (this network namespace). */
export function systemInterfaceAddress(name: string, family: 4 | 6): string | undefined {
  const wanted = family === 4 ? 'IPv4' : 'IPv6'
  return networkInterfaces()[name]?.find((address) => address.family === wanted)?.address
}

export function buildVrrpNode(options: VrrpNodeOptions): VrrpNodeBuild {
  const local = options.mode === 'local'
  const {plans, problems} = planInstances(options.model, {
    interfaceAddress: systemInterfaceAddress,
    ...(local ? {primaryAddressOverride: options.localAddress ?? localAddressFor(options.nodeName)} : {}),
  })
  if (!local) {
    for (const plan of plans) {
      if (plan.settings.family === 6) problems.push(`(${plan.name}) IPv6 instances are not supported by lbctl's raw transport yet`)
    }
  }
  if (plans.length === 0 && problems.length === 0) problems.push('the configuration has no vrrp_instance to run')
  if (problems.length > 0) return {ok: false, problems}

  let vips: VipManager
  let openTransport: TransportFactory
  if (local) {
    vips = new LoopbackVipManager()
    openTransport = (spec) => openUdpTransport(spec, options.udp)
  } else {
    vips = new IpVipManager({notice: (message) => runner.notice(message)})
    openTransport = openRawTransport
  }
  const runner: VrrpRunner = new VrrpRunner({plans, openTransport, vips, ...(options.clock ? {clock: options.clock} : {})})
  return {ok: true, node: {mode: options.mode, plans, runner, vips}}
}
