/**
 * From lbctl's keepalived model to what the VRRP engine runs: one `InstancePlan` per
 * vrrp_instance, holding the machine's `VrrpInstanceSettings` plus what the adapter needs
 * (interface, multicast group, the VIPs with prefix and device).
 *
 * Pure: the interface addresses of the machine come in through `PlanContext`.
 */
import type {GlobalDefs, KeepalivedModel, ScriptCommand, VirtualAddress, VrrpInstance} from '../../config/keepalived/index.js'
import {instanceSettings, type VrrpInstanceSettings} from './machine.js'
import type {IpFamily} from './packet.js'
import {splitCommandLine} from './track/command-line.js'
import {fileKey, type FilePlan} from './track/files.js'
import {interfaceKey} from './track/interfaces.js'
import {resolveIdentity, type AccountFiles, type Identity} from './track/process.js'
import {scriptKey, type ScriptPlan} from './track/scripts.js'
import type {TrackRef} from './track/types.js'

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
  /** keepalived garp_interval (IPv4) / gna_interval (IPv6): the gap between the packets of one burst, ms (default 0). */
  garpIntervalMs: number
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
        ? `interface ${instance.interface} has no IPv${family === 4 ? '4' : '6 link-local'} address: set unicast_src_ip or add an address`
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
    garpMasterRefreshMs: instance.garpMasterRefresh * 1000,
    garpMasterRefreshRepeat: instance.garpMasterRefreshRepeat,
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
      garpIntervalMs: (family === 4 ? globals.garp.interval : globals.garp.gnaInterval) * 1000,
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

// ---- Tracking, notification and sync groups ----------------------------------------------------

/** A command keepalived would run (notify_*, vrrp_script), split into words, with the user to run it as. */
export interface CommandPlan {
  argv: string[]
  /** As written, for messages. */
  text: string
  identity?: Identity
}

export interface NotifyScripts {
  master?: CommandPlan
  backup?: CommandPlan
  fault?: CommandPlan
  stop?: CommandPlan
  /** `notify`: called with GROUP|INSTANCE NAME STATE PRIORITY. */
  any?: CommandPlan
}

export interface SyncGroupPlan {
  name: string
  /** Member instance names (those that exist). */
  members: string[]
  notify: NotifyScripts
}

export interface EmailPlan {
  from: string
  to: string[]
  server: {address: string; port: number}
  connectTimeoutMs: number
  /** `[router_id]` in the subject (keepalived's default is the host name). */
  routerId: string
  /** Instances with smtp_alert. */
  alertInstances: string[]
}

export interface TrackingPlan {
  scripts: ScriptPlan[]
  interfaces: string[]
  files: FilePlan[]
  /** instance name → what it tracks */
  refs: Map<string, TrackRef[]>
  instanceNotify: Map<string, NotifyScripts>
  syncGroups: SyncGroupPlan[]
  /** `notify_fifo` of global_defs. */
  notifyFifo: string | undefined
  email: EmailPlan | undefined
  /** keepalived's config warnings about these (`(VI_1) track script chk not found, ignoring...`). */
  problems: string[]
}

export interface TrackingContext {
  /** Scripts run as their `user` / `script_user` only when we are root. */
  root: boolean
  /** For `[router_id]` when global_defs has none. */
  hostname: string
  accounts?: AccountFiles
  /** notify_fifo when the model does not carry it. */
  notifyFifo?: string
}

export function planTracking(model: KeepalivedModel, context: TrackingContext): TrackingPlan {
  const problems: string[] = []
  const globals = model.globalDefs
  const identityFor = (user: {user: string; group?: string} | undefined, what: string): Identity | undefined | false => {
    if (!context.root) return undefined
    const wanted = user ?? globals.scriptUser
    if (!wanted) return undefined
    const found = resolveIdentity(wanted.user, wanted.group, context.accounts)
    if ('problem' in found) {
      problems.push(`${what}: ${found.problem} - cannot run it`)
      return false
    }
    return found
  }
  const command = (script: ScriptCommand | undefined, what: string): CommandPlan | undefined => {
    if (!script) return undefined
    const split = splitCommandLine(script.command)
    if (!split.ok || split.words.length === 0) {
      problems.push(`${what}: ${split.ok ? 'empty command' : split.problem}`)
      return undefined
    }
    const identity = identityFor(script.user === undefined ? undefined : {user: script.user, ...(script.group ? {group: script.group} : {})}, what)
    if (identity === false) return undefined
    return {argv: split.words, text: script.command, ...(identity ? {identity} : {})}
  }
  const notifyScripts = (notify: VrrpInstance['notify'], owner: string): NotifyScripts => {
    const out: NotifyScripts = {}
    for (const key of ['master', 'backup', 'fault', 'stop', 'any'] as const) {
      const plan = command(notify[key], `(${owner}) ${key === 'any' ? 'notify' : `notify_${key}`}`)
      if (plan) out[key] = plan
    }
    return out
  }

  const scripts = new Map<string, ScriptPlan>()
  const interfaces = new Set<string>()
  const files = new Map<string, FilePlan>()
  const refs = new Map<string, TrackRef[]>()
  const instanceNotify = new Map<string, NotifyScripts>()
  for (const instance of model.vrrpInstances) {
    const list: TrackRef[] = []
    for (const entry of instance.trackScripts) {
      // keepalived resolves track_script against the vrrp_scripts read before the instance.
      const script = model.vrrpScripts.find((candidate) => candidate.name === entry.name && candidate.order < instance.order)
      if (!script?.script) {
        problems.push(`(${instance.name}) track script ${entry.name} not found, ignoring...`)
        continue
      }
      if (list.some((ref) => ref.key === scriptKey(entry.name))) continue
      let plan = scripts.get(script.name)
      if (!plan) {
        const split = splitCommandLine(script.script)
        if (!split.ok || split.words.length === 0) {
          problems.push(`vrrp_script ${script.name}: ${split.ok ? 'empty script' : split.problem}`)
          continue
        }
        const identity = identityFor(script.user, `vrrp_script ${script.name}`)
        if (identity === false) continue
        plan = {
          name: script.name,
          argv: split.words,
          intervalMs: script.interval * 1000,
          timeoutMs: (script.timeout ?? script.interval) * 1000,
          rise: script.rise,
          fall: script.fall,
          initFail: script.initFail,
          ...(identity ? {identity} : {}),
        }
        scripts.set(script.name, plan)
      }
      list.push({key: scriptKey(script.name), name: script.name, weight: clampWeight(entry.weight ?? script.weight), reverse: entry.reverse || script.weightReverse})
    }
    for (const entry of instance.trackInterfaces) {
      if (list.some((ref) => ref.key === interfaceKey(entry.name))) continue
      interfaces.add(entry.name)
      list.push({key: interfaceKey(entry.name), name: entry.name, weight: clampWeight(entry.weight ?? 0), reverse: entry.reverse})
    }
    // keepalived tracks the instance's own interface too (FAULT while it is down), unless dont_track_primary.
    const primary = instance.interface
    if (primary !== undefined && instance.lines.dont_track_primary === undefined && !list.some((ref) => ref.key === interfaceKey(primary))) {
      interfaces.add(primary)
      list.push({key: interfaceKey(primary), name: primary, weight: 0, reverse: false})
    }
    for (const entry of instance.trackFiles) {
      const file = model.trackFiles.find((candidate) => candidate.name === entry.name)
      if (!file?.file) {
        problems.push(`(${instance.name}) track file ${entry.name} not found, ignoring...`)
        continue
      }
      if (!files.has(file.name)) files.set(file.name, {name: file.name, path: file.file, ...(file.initFile ? {initFile: {value: file.initFile.value, overwrite: file.initFile.overwrite}} : {})})
      list.push({key: fileKey(file.name), name: file.name, weight: entry.weight ?? file.weight, reverse: false})
    }
    refs.set(instance.name, list)
    instanceNotify.set(instance.name, notifyScripts(instance.notify, instance.name))
  }

  const names = new Set(model.vrrpInstances.map((instance) => instance.name))
  const syncGroups: SyncGroupPlan[] = []
  for (const group of model.syncGroups) {
    const members = group.instances.map((member) => member.name).filter((name) => {
      if (!names.has(name)) problems.push(`Virtual router ${name} specified in sync group ${group.name} doesn't exist - ignoring`)
      return names.has(name)
    })
    // keepalived drops a sync group with fewer than two members ("... has only 1 virtual router(s) - ...").
    if (members.length < 2) {
      problems.push(`Sync group ${group.name} has only ${members.length} virtual router(s) - this probably isn't what you want`)
      if (members.length === 0) continue
    }
    syncGroups.push({name: group.name, members, notify: notifyScripts(group.notify, group.name)})
  }

  let email: EmailPlan | undefined
  const alertInstances = model.vrrpInstances.filter((instance) => instance.smtpAlert).map((instance) => instance.name)
  if (globals.notificationEmail.length > 0 && globals.smtpServer && globals.notificationEmailFrom) {
    email = {
      from: globals.notificationEmailFrom,
      to: [...globals.notificationEmail],
      server: globals.smtpServer,
      connectTimeoutMs: globals.smtpConnectTimeout * 1000,
      routerId: globals.routerId ?? context.hostname,
      alertInstances,
    }
  }
  const notifyFifo = globals.notifyFifo ?? context.notifyFifo
  return {scripts: [...scripts.values()], interfaces: [...interfaces], files: [...files.values()], refs, instanceNotify, syncGroups, notifyFifo, email, problems}
}

/** keepalived: "weight for X cannot be +/-254. Setting to +/-253". */
function clampWeight(weight: number): number {
  return Math.max(-253, Math.min(253, weight))
}
