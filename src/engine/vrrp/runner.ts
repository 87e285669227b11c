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
import type {Notifier} from './notify.js'
import type {InstancePlan, VipSpec} from './settings.js'
import {SyncGroups} from './sync-group.js'
import {describeStatus} from './track/effect.js'
import type {TrackChange, TrackingHub} from './track/hub.js'
import type {TransportFactory, TransportSpec, VrrpTransport} from './transport/types.js'
import type {VipManager} from './vip/types.js'

export interface RunnerOptions {
  plans: readonly InstancePlan[]
  openTransport: TransportFactory
  vips: VipManager
  clock?: Clock
  /** Tracked scripts, interfaces and files (track/hub.ts); none when absent. */
  tracking?: TrackingHub
  /** notify scripts, notify_fifo, emails (notify.ts); none when absent. */
  notifier?: Notifier
  /** vrrp_sync_group members, which change state together. */
  syncGroups?: SyncGroups
  /** Config remarks reported as log events when the runner starts (`track script chk not found`). */
  notices?: readonly string[]
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
  /** Sum of the weights of the tracked objects that apply now. */
  trackWeight: number
  /** What holds the instance in FAULT (`script chk`, `interface eth1`, `sync group VG_1`). */
  faults: string[]
}

interface LiveInstance {
  plan: InstancePlan
  state: VrrpState
  transport: VrrpTransport
  timers: Map<TimerName, TimerHandle>
  lastAdvert: {from: string; priority: number; time: number} | undefined
  /** Startup waits for the first result of its weight-0 track scripts (keepalived num_script_init). */
  waitingForScripts: boolean
}

interface QueuedInput {
  live: LiveInstance
  input: VrrpInput
  /** Why, when the input is not the instance's own doing (sync groups). */
  reason?: string
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
  private readonly queue: QueuedInput[] = []
  private draining = false
  private readonly syncGroups: SyncGroups
  /** Simulated link and packet filter (`set vrrp link|block`, lbctl runtime API extensions). */
  private linkDown = false
  private block: VrrpBlock = 'off'

  constructor(private readonly options: RunnerOptions) {
    super()
    this.clock = options.clock ?? systemClock
    this.syncGroups = options.syncGroups ?? new SyncGroups([])
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
    for (const message of this.options.notices ?? []) this.notice(message)
    // A node that died without cleaning up (SIGKILL) may still hold its VIPs: an instance starts
    // without them and adds them when it becomes MASTER. The primary address itself (an address
    // owner's VIP) is never removed.
    for (const live of this.instances) {
      const leftovers = live.plan.vips.filter((vip) => canonicalAddress(vip.address) !== canonicalAddress(live.plan.settings.primaryAddress))
      if (leftovers.length > 0) this.queueVips('remove', leftovers, live.plan.name)
    }
    this.startTracking()
  }

  /**
   * Graceful shutdown (§6.4.2/§6.4.3 Shutdown): a MASTER sends a priority-0 advert so a backup
   * takes over after its skew time, VIPs are removed; resolves when that is all done.
   */
  async stop(): Promise<void> {
    if (!this.running) return
    await this.options.tracking?.stop()
    for (const live of this.instances) this.apply(live, {type: 'shutdown'})
    // keepalived notify_shutdown: the groups report STOP after their instances.
    for (const group of this.syncGroups.stopAll()) this.options.notifier?.group(group, 'STOP')
    this.running = false
    for (const live of this.instances) this.clearTimers(live)
    await this.settle()
    await Promise.all(this.transports.map((transport) => transport.close()))
    await this.options.notifier?.settle(2000)
    this.options.notifier?.close()
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
        trackWeight: state.trackWeight,
        faults: [...state.faults],
      }
    })
  }

  /**
   * The link as the instances see it, for a node with no interface of its own (local mode): down,
   * adverts neither leave nor arrive and every instance goes to FAULT (keepalived with its interface
   * down); the FAULTed MASTER's priority-0 advert is lost with the link, so a backup waits
   * Master_Down_Interval. Up: the fault clears (BACKUP, or MASTER for an address owner).
   */
  setLinkDown(down: boolean): void {
    if (down === this.linkDown) return
    this.linkDown = down
    this.notice(`link ${down ? 'down' : 'up'} (set vrrp link): ${down ? 'no adverts in or out, every instance to FAULT' : 'adverts flow again'}`)
    for (const live of this.instances) this.apply(live, {type: down ? 'fault' : 'fault_cleared', source: SIMULATED_LINK_FAULT})
  }

  /**
   * A packet filter on VRRP (the split-brain case): `in` drops the adverts that arrive, `on` also the
   * ones this node sends (`iptables -p vrrp -j DROP` on INPUT, or INPUT and OUTPUT). No FAULT: a
   * MASTER goes on as MASTER, a BACKUP that hears nothing takes over after Master_Down_Interval.
   */
  setBlock(block: VrrpBlock): void {
    if (block === this.block) return
    this.block = block
    const what = block === 'off' ? 'adverts flow again' : block === 'in' ? 'adverts received are dropped' : 'adverts sent and received are dropped'
    this.notice(`VRRP block ${block} (set vrrp block): ${what}`)
  }

  /** What `set vrrp link|block` left in place. */
  simulation(): {linkDown: boolean; block: VrrpBlock} {
    return {linkDown: this.linkDown, block: this.block}
  }

  /** Reports something an effect wants said (a skipped gratuitous ARP, a failed `ip` command). */
  notice(message: string, instance?: string): void {
    this.emitEvent({type: 'log', instance, message})
  }

  /** Reports a failed side effect (a notify script that cannot run, an email not sent); VRRP carries on. */
  reportError(message: string, instance?: string): void {
    this.emitEvent({type: 'error', instance, message})
  }

  /** Resolves when every send and VIP change started so far has finished. */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending])
    await this.vipChain
  }

  private addInstance(plan: InstancePlan, transport: VrrpTransport): LiveInstance {
    const group = this.syncGroups.groupOf(plan.name)
    const settings = group ? {...plan.settings, syncGroup: group.name} : plan.settings
    const live: LiveInstance = {plan, state: initialState(settings), transport, timers: new Map(), lastAdvert: undefined, waitingForScripts: false}
    this.instances.push(live)
    return live
  }

  private receive(members: readonly LiveInstance[], message: Uint8Array, info: {src: string; dst: string; ttl: number | undefined}): void {
    if (!this.running || this.linkDown || this.block !== 'off') return
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

  /**
   * Tracked objects before startup (keepalived initialise_tracking_priorities): their faults and
   * weights go in while the instances are still in INIT, then every instance starts — except one
   * waiting for the first result of a weight-0 track script.
   */
  private startTracking(): void {
    const tracking = this.options.tracking
    for (const live of this.instances) {
      const summary = tracking?.summary(live.plan.name)
      if (!summary) continue
      for (const source of summary.faults) this.apply(live, {type: 'fault', source})
      if (summary.weight !== 0) this.apply(live, {type: 'track_weight', weight: summary.weight})
      live.waitingForScripts = summary.pending
    }
    for (const group of this.syncGroups.groups) this.applyForced(this.syncGroups.faults(group, this.stateOf))
    for (const live of this.instances) {
      if (live.waitingForScripts) this.emitEvent({type: 'log', instance: live.plan.name, message: 'waiting for the first result of its weight-0 track scripts'})
      else this.apply(live, {type: 'startup'})
    }
    tracking?.start((change) => {
      if (this.running) this.trackChanged(change)
    })
  }

  private trackChanged(change: TrackChange): void {
    const live = this.instances.find((candidate) => candidate.plan.name === change.instance)
    if (!live) return
    const {previous, summary, ref, status} = change
    for (const source of summary.faults) if (!previous.faults.includes(source)) this.apply(live, {type: 'fault', source})
    for (const source of previous.faults) if (!summary.faults.includes(source)) this.apply(live, {type: 'fault_cleared', source})
    if (summary.weight !== live.state.trackWeight) this.apply(live, {type: 'track_weight', weight: summary.weight})
    const {basePriority, effectivePriority} = live.state
    let effect: string
    if (summary.faults.includes(ref.key)) effect = 'FAULT'
    else if (previous.faults.includes(ref.key)) effect = `fault cleared, priority ${effectivePriority}`
    else if (summary.weight === 0) effect = `priority ${effectivePriority}`
    else effect = `priority ${basePriority}${summary.weight < 0 ? '-' : '+'}${Math.abs(summary.weight)}=${effectivePriority}`
    const text = describeStatus(status)
    this.emitEvent({type: 'track', instance: live.plan.name, object: ref.key, status: text, message: `${ref.name} ${text} -> ${effect}`})
    if (live.waitingForScripts && !summary.pending) {
      live.waitingForScripts = false
      this.apply(live, {type: 'startup'})
    }
  }

  private readonly stateOf = (name: string): VrrpState | undefined => this.instances.find((live) => live.plan.name === name)?.state

  private applyForced(forced: readonly {instance: string; input: VrrpInput; reason: string}[]): void {
    for (const item of forced) {
      const live = this.instances.find((candidate) => candidate.plan.name === item.instance)
      if (live) this.queue.push({live, input: item.input, reason: item.reason})
    }
    this.drain()
  }

  /** Inputs run one at a time: a sync group's follow-up inputs wait until the step that caused them is done. */
  private apply(live: LiveInstance, input: VrrpInput): void {
    this.queue.push({live, input})
    this.drain()
  }

  private drain(): void {
    if (this.draining) return
    this.draining = true
    try {
      for (let next = this.queue.shift(); next; next = this.queue.shift()) this.applyNow(next)
      if (this.syncGroups.groups.length > 0 && this.running) {
        for (const {group, state} of this.syncGroups.changedGroupStates(this.stateOf)) {
          this.emitEvent({type: 'log', instance: undefined, message: `VRRP_Group(${group}) Syncing instances to ${state} state`})
          this.options.notifier?.group(group, state)
        }
      }
    } finally {
      this.draining = false
    }
  }

  private applyNow({live, input, reason: forcedReason}: QueuedInput): void {
    const before = live.state
    const {state, actions} = step(before, input, this.clock.now())
    live.state = state
    if (state.role !== before.role) {
      const notify = actions.find((action) => action.type === 'notify')
      const reason = forcedReason ?? (notify?.type === 'notify' ? notify.reason : input.type)
      this.emitEvent({type: 'transition', instance: live.plan.name, from: before.role, to: state.role, reason})
    }
    for (const action of actions) this.execute(live, action)
    if (state.role !== before.role || state.faults !== before.faults) {
      const forced = this.syncGroups.follow(live.plan.name, before.role, state.role, this.stateOf)
      for (const item of forced) {
        const target = this.instances.find((candidate) => candidate.plan.name === item.instance)
        if (target) this.queue.push({live: target, input: item.input, reason: item.reason})
      }
    }
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
        this.track(this.vipChain.then(() => this.options.vips.garp(specs, action.repeat, live.plan.garpIntervalMs)), name, 'gratuitous ARP')
        break
      }
      case 'log':
        this.emitEvent({type: 'log', instance: name, message: action.message.replace(/^\([^)]*\) /, '')})
        break
      case 'notify':
        this.options.notifier?.instance(name, action.state, live.state.effectivePriority)
        break
      case 'want_master':
        for (const item of this.syncGroups.wantMaster(name, this.stateOf)) {
          const target = this.instances.find((candidate) => candidate.plan.name === item.instance)
          if (target) this.queue.push({live: target, input: item.input, reason: item.reason})
        }
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
      if (this.linkDown || this.block === 'on') continue
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

/** `set vrrp block`: off, drop received adverts (`in`), or drop them both ways (`on`). */
export type VrrpBlock = 'off' | 'in' | 'on'

/** The fault source `set vrrp link down` puts on every instance (what `show vrrp`'s faults name). */
export const SIMULATED_LINK_FAULT = 'link down (set vrrp link)'

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never
