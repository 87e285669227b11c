/**
 * The VRRP adapter: runs the pure machine (machine.ts) of every instance of a config against
 * real effects passed in — a transport for packets, a VIP manager, a clock for timers — and
 * reports what happens as `VrrpEvent`s.
 *
 *   transport ──packet──► checkAdvert ──► step(state, input, now) ──actions──► send / timers / VIPs / events
 *   clock ──timer──────────────────────────┘
 *
 * Instances sharing an interface and source address share one transport; received packets go
 * to the instance with their VRID.
 */
import {EventEmitter} from 'node:events'
import type {Clock, TimerHandle} from './clock.js'
import {systemClock} from './clock.js'
import type {VrrpEvent} from './events.js'
import {initialState, step, type TimerName, type VrrpAction, type VrrpInput, type VrrpRole, type VrrpState} from './machine.js'
import {canonicalAddress, checkAdvert, encodeAdvert, peekVrid} from './packet.js'
import type {InstancePlan, VipSpec} from './settings.js'
import type {TransportFactory, TransportSpec, VrrpTransport} from './transport/types.js'
import type {VipManager} from './vip/types.js'

export interface RunnerOptions {
  plans: readonly InstancePlan[]
  openTransport: TransportFactory
  vips: VipManager
  clock?: Clock
}

/** One instance as `show vrrp` would list it. */
export interface InstanceStatus {
  name: string
  vrid: number
  state: VrrpRole
  priority: number
  effectivePriority: number
  master: {address: string; priority: number} | undefined
  vips: string[]
  lastAdvert: {from: string; priority: number; time: number} | undefined
  /** Armed timers, ms from now. */
  timers: Partial<Record<TimerName, number>>
}

interface LiveInstance {
  plan: InstancePlan
  state: VrrpState
  transport: VrrpTransport
  timers: Map<TimerName, TimerHandle>
  lastAdvert: {from: string; priority: number; time: number} | undefined
}

export class VrrpRunner extends EventEmitter<{event: [VrrpEvent]}> {
  private readonly clock: Clock
  private readonly instances: LiveInstance[] = []
  private readonly transports: VrrpTransport[] = []
  private readonly pending = new Set<Promise<unknown>>()
  /** VIP changes run one after another, in the order the machines asked for them. */
  private vipChain: Promise<void> = Promise.resolve()
  private running = false
  private readonly unknownVridsSeen = new Set<string>()

  constructor(private readonly options: RunnerOptions) {
    super()
    this.clock = options.clock ?? systemClock
  }

  /** Opens the transports, clears leftover VIPs and starts every instance (RFC 5798 §6.4.1 Startup). */
  async start(): Promise<void> {
    if (this.running) throw new Error('VRRP runner already started')
    const groups = new Map<string, {spec: TransportSpec; plans: InstancePlan[]}>()
    for (const plan of this.options.plans) {
      const key = `${plan.interface ?? ''}|${plan.settings.primaryAddress}`
      const multicast = (plan.settings.unicastPeers?.length ?? 0) === 0
      const group = groups.get(key) ?? {spec: {interface: plan.interface, sourceAddress: plan.settings.primaryAddress, multicastGroup: undefined}, plans: []}
      if (multicast) group.spec.multicastGroup ??= plan.multicastGroup
      group.plans.push(plan)
      groups.set(key, group)
    }
    try {
      for (const {spec, plans} of groups.values()) {
        const transport = await this.options.openTransport(spec)
        this.transports.push(transport)
        const members = plans.map((plan) => this.addInstance(plan, transport))
        transport.onPacket((message, info) => this.receive(members, message, info))
        transport.onError((error) => this.emitEvent({type: 'error', instance: undefined, message: `receive: ${error.message}`}))
      }
    } catch (error) {
      await Promise.all(this.transports.map((transport) => transport.close()))
      this.transports.length = 0
      this.instances.length = 0
      throw error
    }
    this.running = true
    // A node that died without cleaning up (SIGKILL) may still hold its VIPs: an instance starts
    // without them and adds them when it becomes MASTER. The primary address itself (an address
    // owner's VIP) is never removed.
    for (const live of this.instances) {
      const leftovers = live.plan.vips.filter((vip) => canonicalAddress(vip.address) !== canonicalAddress(live.plan.settings.primaryAddress))
      if (leftovers.length > 0) this.queueVips('remove', leftovers, live.plan.name)
    }
    for (const live of this.instances) this.apply(live, {type: 'startup'})
  }

  /**
   * Graceful shutdown (§6.4.2/§6.4.3 Shutdown): a MASTER sends a priority-0 advert so a backup
   * takes over after its skew time, VIPs are removed; resolves when that is all done.
   */
  async stop(): Promise<void> {
    if (!this.running) return
    for (const live of this.instances) this.apply(live, {type: 'shutdown'})
    this.running = false
    for (const live of this.instances) this.clearTimers(live)
    await this.settle()
    await Promise.all(this.transports.map((transport) => transport.close()))
  }

  status(): InstanceStatus[] {
    const now = this.clock.now()
    return this.instances.map(({plan, state, lastAdvert}) => {
      const timers: Partial<Record<TimerName, number>> = {}
      for (const [name, at] of Object.entries(state.timers) as [TimerName, number][]) timers[name] = Math.max(0, at - now)
      return {
        name: plan.name,
        vrid: plan.settings.vrid,
        state: state.role,
        priority: plan.settings.priority,
        effectivePriority: state.effectivePriority,
        master: state.master,
        vips: plan.vips.map((vip) => vip.address),
        lastAdvert,
        timers,
      }
    })
  }

  /** Reports something an effect wants said (a skipped gratuitous ARP, a failed `ip` command). */
  notice(message: string, instance?: string): void {
    this.emitEvent({type: 'log', instance, message})
  }

  /** Resolves when every send and VIP change started so far has finished. */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending])
    await this.vipChain
  }

  private addInstance(plan: InstancePlan, transport: VrrpTransport): LiveInstance {
    const live: LiveInstance = {plan, state: initialState(plan.settings), transport, timers: new Map(), lastAdvert: undefined}
    this.instances.push(live)
    return live
  }

  private receive(members: readonly LiveInstance[], message: Uint8Array, info: {src: string; dst: string; ttl: number | undefined}): void {
    if (!this.running) return
    const vrid = peekVrid(message)
    const live = members.find((member) => member.plan.settings.vrid === vrid)
    if (!live) {
      // Other VRIDs on the same link are normal: report each (source, VRID) once.
      const key = `${info.src}|${vrid ?? '-'}`
      if (this.unknownVridsSeen.has(key)) return
      this.unknownVridsSeen.add(key)
      const configured = members.map((member) => member.plan.settings.vrid).join(', ')
      this.emitEvent({type: 'dropped', instance: undefined, from: info.src, reason: vrid === undefined ? 'too_short' : 'vrid', message: `unknown VRID: got ${vrid ?? 'none'}; should be ${configured}`})
      return
    }
    const settings = live.plan.settings
    const ip = info.ttl === undefined ? {family: settings.family, source: info.src, destination: info.dst} : {family: settings.family, source: info.src, destination: info.dst, ttl: info.ttl}
    const result = checkAdvert(message, ip, settings)
    if (!result.ok) {
      this.emitEvent({type: 'dropped', instance: live.plan.name, from: info.src, reason: result.reason, message: result.message})
      return
    }
    const {advert} = result
    live.lastAdvert = {from: advert.source, priority: advert.priority, time: this.clock.now()}
    this.emitEvent({type: 'advert_received', instance: live.plan.name, from: advert.source, priority: advert.priority})
    this.apply(live, {type: 'advert', priority: advert.priority, advertIntervalCs: advert.advertIntervalCs, source: advert.source})
  }

  private apply(live: LiveInstance, input: VrrpInput): void {
    const before = live.state
    const {state, actions} = step(before, input, this.clock.now())
    live.state = state
    if (state.role !== before.role) {
      const notify = actions.find((action) => action.type === 'notify')
      const reason = notify?.type === 'notify' ? notify.reason : input.type
      this.emitEvent({type: 'transition', instance: live.plan.name, from: before.role, to: state.role, reason})
    }
    for (const action of actions) this.execute(live, action)
  }

  private execute(live: LiveInstance, action: VrrpAction): void {
    const name = live.plan.name
    switch (action.type) {
      case 'send_advert':
        this.sendAdvert(live, action.priority)
        break
      case 'arm_timer': {
        const previous = live.timers.get(action.timer)
        if (previous !== undefined) this.clock.clearTimeout(previous)
        const handle = this.clock.setTimeout(() => {
          live.timers.delete(action.timer)
          if (this.running) this.apply(live, {type: 'timer', timer: action.timer, at: action.at})
        }, Math.max(0, action.at - this.clock.now()))
        live.timers.set(action.timer, handle)
        break
      }
      case 'cancel_timer': {
        const handle = live.timers.get(action.timer)
        if (handle !== undefined) this.clock.clearTimeout(handle)
        live.timers.delete(action.timer)
        break
      }
      case 'add_vips':
      case 'remove_vips': {
        const kind = action.type === 'add_vips' ? 'add' : 'remove'
        this.emitEvent({type: 'vips', instance: name, action: kind, vips: live.plan.vips.map((vip) => vip.address)})
        this.queueVips(kind, live.plan.vips, name)
        break
      }
      case 'garp': {
        const wanted = new Set(action.vips.map(canonicalAddress))
        const specs = live.plan.vips.filter((vip) => wanted.has(canonicalAddress(vip.address)))
        // After the VIPs are in place, but off the VIP chain: a slow arping must not hold up a removal.
        this.track(this.vipChain.then(() => this.options.vips.garp(specs, action.repeat)), name, 'gratuitous ARP')
        break
      }
      case 'log':
        this.emitEvent({type: 'log', instance: name, message: action.message.replace(/^\([^)]*\) /, '')})
        break
      case 'notify':
        // The transition event carries it; notify scripts and SMTP are a later step.
        break
    }
  }

  private sendAdvert(live: LiveInstance, priority: number): void {
    const {settings, multicastGroup} = live.plan
    const peers = settings.unicastPeers ?? []
    const destinations = peers.length > 0 ? peers : [multicastGroup]
    for (const destination of destinations) {
      let message: Uint8Array
      try {
        message = encodeAdvert({
          version: settings.version,
          family: settings.family,
          vrid: settings.vrid,
          priority,
          advertIntervalCs: settings.advertIntervalCs,
          addresses: settings.vips,
          auth: settings.authPass ? {type: 'pass', password: settings.authPass} : {type: 'none'},
          source: settings.primaryAddress,
          destination,
        })
      } catch (error) {
        this.emitEvent({type: 'error', instance: live.plan.name, message: `cannot encode advert: ${(error as Error).message}`})
        continue
      }
      this.emitEvent({type: 'advert_sent', instance: live.plan.name, priority, to: destination})
      this.track(live.transport.send(message, destination), live.plan.name, `send to ${destination}`)
    }
  }

  private queueVips(kind: 'add' | 'remove', vips: readonly VipSpec[], instance: string): void {
    this.vipChain = this.vipChain
      .then(() => (kind === 'add' ? this.options.vips.add(vips) : this.options.vips.remove(vips)))
      .catch((error: unknown) => this.emitEvent({type: 'error', instance, message: `${kind} VIPs: ${(error as Error).message}`}))
  }

  private track(promise: Promise<unknown>, instance: string, what: string): void {
    const tracked = promise.catch((error: unknown) => this.emitEvent({type: 'error', instance, message: `${what}: ${(error as Error).message}`}))
    this.pending.add(tracked)
    void tracked.finally(() => this.pending.delete(tracked))
  }

  private clearTimers(live: LiveInstance): void {
    for (const handle of live.timers.values()) this.clock.clearTimeout(handle)
    live.timers.clear()
  }

  private emitEvent(event: DistributiveOmit<VrrpEvent, 'time'>): void {
    this.emit('event', {...event, time: Math.round(this.clock.now())} as VrrpEvent)
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never
