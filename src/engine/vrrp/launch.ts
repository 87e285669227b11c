/**
 * Builds a running VRRP node from a keepalived model: privileged mode (raw IP protocol 112 and
 * `ip addr`) or local mode (UDP on loopback, VIPs recorded only). This is the one place that picks
 * the real effects; the runner itself only sees their interfaces.
 */
import {hostname} from 'node:os'
import type {KeepalivedModel} from '../../config/keepalived/index.js'
import {systemClock, type Clock} from './clock.js'
import {systemInterfaceAddress} from './interface-address.js'
import {Notifier, openNotifyFifo, type FifoWriter} from './notify.js'
import {VrrpRunner} from './runner.js'
import {planInstances, planTracking, type InstancePlan, type TrackingPlan} from './settings.js'
import {SmtpMailer, type Mailer} from './smtp.js'
import {SyncGroups} from './sync-group.js'
import {FileTracker} from './track/files.js'
import {TrackingHub} from './track/hub.js'
import {InterfaceTracker, type SysfsReader} from './track/interfaces.js'
import {isHaproxyProcessCheck, localProxyCheckRunner} from './track/local-proxy-check.js'
import {execaProcessRunner, type ProcessRunner} from './track/process.js'
import {ScriptTracker} from './track/scripts.js'
import type {Tracker} from './track/types.js'
import {openRawTransport} from './transport/raw.js'
import {openRaw6Transport} from './transport/raw6.js'
import type {TransportFactory} from './transport/types.js'
import {openUdpTransport, type UdpOptions} from './transport/udp.js'
import {IpVipManager} from './vip/ip.js'
import {NeighborAdvertAnnouncer} from './vip/na.js'
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
  /** Runs vrrp_script checks and notify scripts (default: execa, no shell). */
  processRunner?: ProcessRunner
  /** Sends smtp_alert emails (default: lbctl's SMTP client to global_defs smtp_server). */
  mailer?: Mailer
  /** notify_fifo path, for as long as the keepalived model does not carry global_defs notify_fifo. */
  notifyFifo?: string
  /** Reads /sys/class/net for track_interface (tests). */
  sysfs?: SysfsReader
  /** Whether scripts may run as another user (default: we are root). */
  root?: boolean
  /**
   * Local mode: whether this node's bundled proxy runs. vrrp_scripts that only check for a haproxy
   * process (`pidof haproxy`, `killall -0 haproxy`) ask this instead (track/local-proxy-check.ts).
   */
  proxyRunning?: () => boolean
}

export interface VrrpNode {
  mode: VrrpMode
  plans: InstancePlan[]
  runner: VrrpRunner
  vips: VipManager
  /** Tracked objects, notify scripts, sync groups and email as planned from the config. */
  tracking: TrackingPlan
}

export type VrrpNodeBuild = {ok: true; node: VrrpNode} | {ok: false; problems: string[]}

/** A stable loopback address per node name (127.0.0.10 .. 127.0.0.249), so local nodes differ. */
export function localAddressFor(nodeName: string): string {
  let hash = 0x811c9dc5
  for (const char of nodeName) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0
  return `127.0.0.${10 + (hash % 240)}`
}

export function buildVrrpNode(options: VrrpNodeOptions): VrrpNodeBuild {
  const local = options.mode === 'local'
  const {plans, problems} = planInstances(options.model, {
    interfaceAddress: systemInterfaceAddress,
    ...(local ? {primaryAddressOverride: options.localAddress ?? localAddressFor(options.nodeName)} : {}),
  })
  if (local) {
    // Local mode stands in loopback IPv4 addresses for the primary addresses, which an IPv6 advert cannot carry.
    for (const plan of plans) {
      if (plan.settings.family === 6) problems.push(`(${plan.name}) IPv6 instances run in privileged mode only (root: raw VRRPv3 over IPv6); local mode speaks VRRP over IPv4 loopback`)
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
    const notice = (message: string) => runner.notice(message)
    vips = new IpVipManager({notice, announce6: new NeighborAdvertAnnouncer(notice)})
    openTransport = (spec) => (spec.sourceAddress.includes(':') ? openRaw6Transport(spec) : openRawTransport(spec))
  }
  const clock = options.clock ?? systemClock
  const tracking = planTracking(options.model, {
    root: options.root ?? process.getuid?.() === 0,
    hostname: hostname(),
    ...(options.notifyFifo ? {notifyFifo: options.notifyFifo} : {}),
  })
  const notices = [...tracking.problems]
  const processRunner = options.processRunner ?? execaProcessRunner
  const log = (message: string) => runner.notice(message)
  let checkRunner = processRunner
  if (local && options.proxyRunning) {
    checkRunner = localProxyCheckRunner(processRunner, options.proxyRunning)
    for (const script of tracking.scripts) {
      if (isHaproxyProcessCheck(script.argv)) notices.push(`vrrp_script ${script.name}: local mode checks this node's bundled proxy instead of running \`${script.argv.join(' ')}\``)
    }
  }
  const trackers: Tracker[] = tracking.scripts.map((script) => new ScriptTracker(script, {clock, runner: checkRunner, onLog: log}))
  if (local) {
    // Local mode ignores the config's interfaces (every node is on loopback), so it cannot track them either.
    for (const name of tracking.interfaces) notices.push(`interface ${name} is not tracked in local mode`)
    for (const refs of tracking.refs.values()) refs.splice(0, refs.length, ...refs.filter((ref) => !ref.key.startsWith('interface ')))
  } else {
    for (const name of tracking.interfaces) trackers.push(new InterfaceTracker(name, {clock, ...(options.sysfs ? {read: options.sysfs} : {})}))
  }
  for (const file of tracking.files) trackers.push(new FileTracker(file, {clock, onLog: log}))
  const hub = new TrackingHub(trackers, tracking.refs)

  let fifo: FifoWriter | undefined
  if (tracking.notifyFifo) {
    try {
      fifo = openNotifyFifo(tracking.notifyFifo)
    } catch (error) {
      notices.push(`notify_fifo ${tracking.notifyFifo}: ${(error as Error).message}`)
    }
  }
  const email = tracking.email
  const mailer = options.mailer ?? (email ? new SmtpMailer({host: email.server.address, port: email.server.port, timeoutMs: email.connectTimeoutMs}) : undefined)
  const notifier = new Notifier({
    instanceScripts: tracking.instanceNotify,
    groups: tracking.syncGroups,
    runner: processRunner,
    ...(fifo ? {fifo} : {}),
    ...(email ? {email} : {}),
    ...(mailer ? {mailer} : {}),
    onEvent: (event) => (event.level === 'error' ? runner.reportError(event.message, event.instance) : runner.notice(event.message, event.instance)),
  })
  const runner: VrrpRunner = new VrrpRunner({
    plans,
    openTransport,
    vips,
    clock,
    tracking: hub,
    notifier,
    syncGroups: new SyncGroups(tracking.syncGroups),
    notices,
  })
  return {ok: true, node: {mode: options.mode, plans, runner, vips, tracking}}
}
