/**
 * One load-balancer node: the proxy engine of a haproxy.cfg and the VRRP instances of a
 * keepalived.conf, wired so that the proxy's binds on a VIP follow the VIP.
 *
 * - Local mode: the VIP is a loopback address every node could bind, so a bind on it is open only
 *   while this node holds it (MASTER): a client connecting to the VIP reaches whichever node is master.
 * - Privileged mode: with net.ipv4.ip_nonlocal_bind=1 every bind opens at once (HAProxy + keepalived);
 *   with 0, a bind on a VIP opens when the VIP arrives, like the local mode.
 * Binds on other addresses (stats socket, per-node addresses) always open.
 */
import {EventEmitter} from 'node:events'
import {readFileSync} from 'node:fs'
import {hostname} from 'node:os'
import type {EngineEvent} from './proxy/runtime.js'
import {type BindSync, ProxyEngine} from './proxy/engine.js'
import type {ListenAddress} from './proxy/listen-address.js'
import type {EnginePlan} from './proxy/plan.js'
import type {VrrpControl, VrrpStatusRow} from './proxy/runtime-api/commands.js'
import type {StatObject} from './proxy/runtime-api/stat.js'
import type {VrrpEvent} from './vrrp/events.js'
import type {VrrpMode, VrrpNode} from './vrrp/launch.js'
import type {InstanceStatus, VrrpRunner} from './vrrp/runner.js'
import {canonicalAddress} from './vrrp/packet.js'
import type {InstancePlan} from './vrrp/settings.js'
import {LoopbackVipManager} from './vrrp/vip/loopback.js'

/** The VIPs this node holds now, and a `change` event when that set changes. */
export interface HeldVips {
  held(): string[]
  on(event: 'change', listener: (held: string[]) => void): unknown
  off(event: 'change', listener: (held: string[]) => void): unknown
}

/** What node.ts needs of a VRRP runner (VrrpRunner, or a fake in tests). */
export interface NodeVrrp {
  start(): Promise<void>
  stop(): Promise<void>
  on(event: 'event', listener: (event: VrrpEvent) => void): unknown
  /** Per-instance state for `show vrrp` on the stats socket (VrrpRunner has it). */
  status?(): InstanceStatus[]
}

/**
 * `show vrrp` rows from the runner's status. The last advert is the one the instance sent while
 * MASTER (the runner only remembers received ones, so adverts sent are followed through its events).
 */
export function vrrpStatusProvider(
  vrrp: Pick<NodeVrrp, 'on'> & {status(): InstanceStatus[]},
  options: {node: string; plans?: readonly InstancePlan[]; now?: () => number},
): () => VrrpStatusRow[] {
  // The runner's clock (vrrp/clock.ts): epoch milliseconds with a fraction.
  const now = options.now ?? (() => performance.timeOrigin + performance.now())
  const lastSent = new Map<string, number>()
  vrrp.on('event', (event) => {
    if (event.type === 'advert_sent') lastSent.set(event.instance, event.time)
  })
  const plans = new Map((options.plans ?? []).map((plan) => [plan.name, plan]))
  return () => {
    const at = now()
    return vrrp.status().map((s) => {
      const settings = plans.get(s.name)?.settings
      const lastAdvert = s.state === 'MASTER' ? lastSent.get(s.name) : s.lastAdvert?.time
      return {
        instance: s.name,
        state: s.state,
        priority: s.priority,
        effectivePriority: s.effectivePriority,
        vrid: s.vrid,
        version: settings?.version,
        advertIntMs: settings ? settings.advertIntervalCs * 10 : undefined,
        master: s.master?.address,
        vips: s.vips,
        lastAdvertMsAgo: lastAdvert === undefined ? undefined : Math.max(0, Math.round(at - lastAdvert)),
        node: options.node,
      }
    })
  }
}

/** Every address some instance of the keepalived.conf may hold. */
export function vipAddresses(plans: readonly InstancePlan[]): Set<string> {
  return new Set(plans.flatMap((plan) => plan.vips.map((vip) => canonicalAddress(vip.address))))
}

/** Whether a bind may be open: not on a VIP, or on one this node holds. Unix sockets always. */
export function vipBindGate(vips: ReadonlySet<string>, held: () => ReadonlySet<string>): (address: ListenAddress) => boolean {
  return (address) => {
    if (address.kind === 'unix') return true
    const host = canonicalAddress(address.host)
    return !vips.has(host) || held().has(host)
  }
}

/** Held VIPs as the runner's `vips` events tell them (privileged mode, where `ip addr` does the work). */
export class RunnerHeldVips extends EventEmitter<{change: [held: string[]]}> implements HeldVips {
  private readonly byInstance = new Map<string, string[]>()

  constructor(runner: NodeVrrp) {
    super()
    runner.on('event', (event) => {
      if (event.type !== 'vips') return
      if (event.action === 'add') this.byInstance.set(event.instance, event.vips)
      else this.byInstance.delete(event.instance)
      this.emit('change', this.held())
    })
  }

  held(): string[] {
    return [...new Set([...this.byInstance.values()].flat())]
  }
}

/** net.ipv4.ip_nonlocal_bind as the kernel has it (false when it cannot be read). */
export function readNonlocalBind(read: (path: string) => string = (path) => readFileSync(path, 'utf8')): boolean {
  try {
    return read('/proc/sys/net/ipv4/ip_nonlocal_bind').trim() === '1'
  } catch {
    return false
  }
}

export interface NodeOptions {
  plan: EnginePlan
  vrrp: NodeVrrp
  /** Every VIP of the keepalived.conf. */
  vips: ReadonlySet<string>
  held: HeldVips
  /** Open binds on VIPs without holding them (privileged mode with ip_nonlocal_bind=1). */
  nonlocalBind?: boolean
  onProxyEvent?: (event: EngineEvent) => void
  /** Lines about binds following the VIP (`bind 127.0.0.100:8080 opened: this node holds the VIP`). */
  log?: (line: string) => void
  /** How long to wait before trying a bind again that failed (the old master may not have let go yet). */
  retryMs?: number
  /** The node's name in `show vrrp` (default: the host name, like keepalived's router_id). */
  nodeName?: string
  /** The instances' plans, for the version and advert interval columns of `show vrrp`. */
  vrrpPlans?: readonly InstancePlan[]
  /** `set vrrp link|block` on the runtime API (node-run.ts); absent: those commands are unknown. */
  vrrpControl?: VrrpControl
  /** `show stat` objects beyond the proxy's own (node-run.ts: the keepalived virtual servers). */
  extraStats?: () => StatObject[]
}

export class LoadBalancerNode {
  readonly engine: ProxyEngine
  private held = new Set<string>()
  private retry: ReturnType<typeof setTimeout> | undefined
  private stopped = false
  private proxyState: 'idle' | 'running' | 'stopped' = 'idle'
  private readonly log: (line: string) => void
  private readonly onChange = (held: string[]) => {
    this.held = new Set(held.map(canonicalAddress))
    // A stopped proxy (soft stop) opens nothing again.
    if (this.proxyState !== 'stopped') void this.sync()
  }

  constructor(private readonly options: NodeOptions) {
    this.log = options.log ?? (() => {})
    const gate = vipBindGate(options.vips, () => this.held)
    const vrrp = options.vrrp
    const status = vrrp.status?.bind(vrrp)
    const vrrpRows: (() => VrrpStatusRow[]) | undefined = status
      ? vrrpStatusProvider({on: (event, listener) => vrrp.on(event, listener), status}, {
          node: options.nodeName ?? hostname(),
          ...(options.vrrpPlans ? {plans: options.vrrpPlans} : {}),
        })
      : undefined
    this.engine = new ProxyEngine(options.plan, {
      ...(options.onProxyEvent ? {onEvent: options.onProxyEvent} : {}),
      ...(options.nonlocalBind ? {} : {canBind: gate}),
      ...(vrrpRows ? {vrrp: vrrpRows} : {}),
      ...(vrrpRows && options.vrrpControl ? {vrrpControl: options.vrrpControl} : {}),
      ...(options.extraStats ? {extraStats: options.extraStats} : {}),
    })
    // VRRP role changes join the proxy's `show events` stream.
    const vrids = new Map((options.vrrpPlans ?? []).map((plan) => [plan.name, plan.settings.vrid]))
    vrrp.on('event', (event) => {
      if (event.type !== 'transition') return
      const vrid = vrids.get(event.instance)
      this.engine.events.publish({at: Math.round(event.time), kind: 'role', instance: event.instance, ...(vrid !== undefined ? {vrid} : {}), from: event.from, to: event.to, text: `${event.instance} ${event.from} -> ${event.to} (${event.reason})`})
    })
  }

  /** Starts the proxy (binds not on a VIP), then VRRP; VIP binds follow the held VIPs from then on. */
  async start(): Promise<void> {
    this.held = new Set(this.options.held.held().map(canonicalAddress))
    this.options.held.on('change', this.onChange)
    await this.engine.start()
    this.proxyState = 'running'
    try {
      await this.options.vrrp.start()
    } catch (error) {
      this.options.held.off('change', this.onChange)
      await this.engine.stop(0)
      throw error
    }
  }

  /** Applies the held VIPs to the binds now; retries binds that fail until they open or are no longer wanted. */
  async sync(): Promise<BindSync> {
    if (this.retry) clearTimeout(this.retry)
    this.retry = undefined
    if (this.proxyState === 'stopped') return {opened: [], closed: [], failed: []}
    const result = await this.engine.syncBinds()
    for (const bind of result.opened) this.log(`bind ${bind} opened: this node holds the VIP`)
    for (const bind of result.closed) this.log(`bind ${bind} closed: this node no longer holds the VIP`)
    for (const {bind, error} of result.failed) this.log(`bind ${bind} failed (${error}): trying again`)
    if (result.failed.length > 0 && !this.stopped) {
      this.retry = setTimeout(() => void this.sync(), this.options.retryMs ?? 200)
      this.retry.unref?.()
    }
    return result
  }

  /** Whether the proxy runs: started and not stopped (what a `pidof haproxy` check asks in local mode). */
  proxyRunning(): boolean {
    return this.proxyState === 'running'
  }

  /**
   * Stops the proxy only, as HAProxy's soft stop (SIGUSR1): listeners close, connections finish
   * within `graceMs`; VRRP goes on, so the node's check scripts see the proxy gone and the VIP moves.
   */
  async stopProxy(graceMs = 30_000): Promise<void> {
    if (this.proxyState !== 'running') return
    this.proxyState = 'stopped'
    await this.engine.stop(graceMs)
  }

  /** Graceful stop: VRRP first (a MASTER hands over with a priority-0 advert and closes its VIP binds), then the proxy. */
  async stop(graceMs = 30_000): Promise<void> {
    if (this.stopped) return
    await this.options.vrrp.stop()
    this.stopped = true
    if (this.retry) clearTimeout(this.retry)
    this.options.held.off('change', this.onChange)
    if (this.proxyState === 'stopped') return
    this.proxyState = 'stopped'
    await this.engine.stop(graceMs)
  }
}

/** The held-VIP source of a built VRRP node: the loopback manager's own events, else the runner's. */
export function heldVipsOf(node: Pick<VrrpNode, 'vips' | 'runner'>): HeldVips {
  return node.vips instanceof LoopbackVipManager ? node.vips : new RunnerHeldVips(node.runner)
}

/**
 * `set vrrp link|block` for a node's runner. A link is simulated only in local mode: a privileged
 * node has real interfaces, and the answer says how to take one down.
 */
export function vrrpFaultControl(mode: VrrpMode, runner: Pick<VrrpRunner, 'setLinkDown' | 'setBlock'>): VrrpControl {
  return {
    setLink(up) {
      const word = up ? 'up' : 'down'
      if (mode === 'privileged') return `This node runs VRRP on real interfaces (privileged mode): use 'ip link set dev <interface> ${word}'.\n`
      runner.setLinkDown(!up)
      return undefined
    },
    setBlock: (block) => runner.setBlock(block),
  }
}

export function describeBindMode(mode: VrrpMode, nonlocalBind: boolean): string {
  if (mode === 'local') return 'binds on the VIP open while this node is MASTER'
  return nonlocalBind ? 'binds on the VIP open at once (ip_nonlocal_bind=1)' : 'binds on the VIP open when the VIP arrives (ip_nonlocal_bind=0)'
}
