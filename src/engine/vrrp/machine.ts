/**
 * The VRRP state machine of one instance, as a pure function:
 *
 *   step(state, input, now) → {state, actions}
 *
 * No timers, sockets, clocks or randomness live here. Time comes in as `now` (integer ms on any
 * monotonic clock); the machine asks for timers through `arm_timer` actions carrying absolute due
 * times, and the adapter feeds them back as `timer` inputs. Packets arrive already validated
 * (packet.ts checkAdvert) and leave as `send_advert` actions.
 *
 * Behaviour follows RFC 5798 §6.4 (each step is quoted with its line number) and, where keepalived
 * 2.2 differs, keepalived — lbctl must interoperate with it. The keepalived sources read are
 * keepalived/vrrp/vrrp.c (vrrp_state_backup, vrrp_state_master_rx, vrrp_state_leave_master,
 * vrrp_state_leave_fault, vrrp_state_master_tx, vrrp_state_become_master, vrrp_complete_instance),
 * keepalived/vrrp/vrrp_scheduler.c (vrrp_init_state, vrrp_dispatcher_read, try_up_instance) and
 * keepalived/vrrp/vrrp_track.c (vrrp_set_effective_priority, down_instance).
 */
import {canonicalAddress, compareAddresses, type AdvertCheckSettings} from './packet.js'
import {centisecondsToMs, initialMasterWaitMs, masterDownIntervalMs, skewTimeMs} from './timing.js'

export type VrrpRole = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT'
export type TimerName = 'advert' | 'master_down' | 'garp'
export type NotifyState = 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP'

export const PRIORITY_OWNER = 255
export const PRIORITY_STOP = 0

/**
 * What the machine needs to know about one vrrp_instance. A later adapter maps lbctl's
 * keepalived config model onto this; `instanceSettings()` fills keepalived's defaults.
 */
export interface VrrpInstanceSettings extends AdvertCheckSettings {
  /** vrrp_instance name, used in log lines. */
  name: string
  /** Configured `priority` (1..255; 255 = address owner). */
  priority: number
  /** Configured `state`; undefined derives it from the priority as keepalived does. */
  initialState?: 'MASTER' | 'BACKUP'
  /** false = keepalived `nopreempt`. */
  preempt: boolean
  /** keepalived `preempt_delay`, in ms (0 = none). */
  preemptDelayMs: number
  /** This router's primary address on the interface (the advert source, the tie-breaker). */
  primaryAddress: string
  /** keepalived `accept` (carried for the adapter; the machine does not use it). */
  accept: boolean
  /** `garp_master_delay` in ms: a second burst of gratuitous ARPs this long after becoming MASTER (0 = none). */
  garpMasterDelayMs: number
  /** `garp_master_repeat`: gratuitous ARPs (or unsolicited NAs) per burst. */
  garpMasterRepeat: number
  /** `garp_master_refresh` in ms (0 = off): repeat a burst while MASTER, checked at each advert. */
  garpMasterRefreshMs: number
  /** `garp_master_refresh_repeat`. */
  garpMasterRefreshRepeat: number
  /** keepalived `lower_prio_no_advert`: a MASTER does not answer a lower-priority advert with its own. */
  lowerPrioNoAdvert: boolean
  /** keepalived `higher_prio_send_advert`: a MASTER sends one advert before yielding to a higher priority. */
  higherPrioSendAdvert: boolean
  /**
   * The vrrp_sync_group the instance is in. Its Master_Down timeout then only asks the group
   * (`want_master`); the group answers with `sync MASTER` once every member can go.
   */
  syncGroup?: string
}

type RequiredSettings = Pick<VrrpInstanceSettings, 'vrid' | 'primaryAddress'>

/** Settings with keepalived's defaults for everything not given. */
export function instanceSettings(given: RequiredSettings & Partial<VrrpInstanceSettings>): VrrpInstanceSettings {
  return {
    name: `VI_${given.vrid}`,
    priority: 100,
    version: 2,
    family: given.primaryAddress.includes(':') ? 6 : 4,
    advertIntervalCs: 100,
    vips: [],
    preempt: true,
    preemptDelayMs: 0,
    accept: false,
    garpMasterDelayMs: 5000,
    garpMasterRepeat: 5,
    garpMasterRefreshMs: 0,
    garpMasterRefreshRepeat: 1,
    lowerPrioNoAdvert: false,
    higherPrioSendAdvert: false,
    ...given,
  }
}

export interface KnownMaster {
  address: string
  priority: number
}

export interface VrrpState {
  readonly settings: VrrpInstanceSettings
  readonly role: VrrpRole
  /** Configured priority, except that keepalived lowers an address owner to 254 when it meets another owner. */
  readonly basePriority: number
  /** Sum of the weights of the tracked scripts/interfaces/files that currently apply. */
  readonly trackWeight: number
  /** base + track weights, clamped to 1..254 (an owner stays at 255). This goes in our adverts. */
  readonly effectivePriority: number
  /** RFC 5798 Master_Adver_Interval, in centiseconds. */
  readonly masterAdverIntervalCs: number
  /** Armed timers and their absolute due times (ms). */
  readonly timers: Readonly<Partial<Record<TimerName, number>>>
  /**
   * keepalived's preempt_time: while set and in the future, lower-priority adverts still hold us
   * in BACKUP. Started by the first lower-priority advert seen in BACKUP, cleared by an advert of
   * equal or higher priority and on every entry to BACKUP.
   */
  readonly preemptUntil: number | undefined
  /** Active fault sources (tracked interface down, weight-0 script failing, ...). */
  readonly faults: readonly string[]
  readonly vipsSet: boolean
  /** Last master we heard from (or ourselves when MASTER). */
  readonly master: KnownMaster | undefined
  /** When the next garp_master_refresh burst is due (ms), when refresh is on and we are MASTER. */
  readonly garpRefreshAt: number | undefined
  /** BACKUP whose Master_Down timer ran out, waiting for its sync group to go MASTER (keepalived wantstate MASTER). */
  readonly waitingForGroup: boolean
}

export type VrrpInput =
  | {type: 'startup'}
  | {type: 'shutdown'}
  /** A validated advert for this instance (packet.ts ValidAdvert fits). */
  | {type: 'advert'; priority: number; advertIntervalCs: number; source: string}
  /** A timer the machine armed has come due; `at` (the due time it was armed with) lets stale firings be ignored. */
  | {type: 'timer'; timer: TimerName; at?: number}
  | {type: 'fault'; source: string}
  | {type: 'fault_cleared'; source: string}
  /** The total weight of tracked objects now applying (keepalived total_priority − base priority). */
  | {type: 'track_weight'; weight: number}
  /**
   * A vrrp_sync_group member of ours changed state and the group follows it (keepalived
   * vrrp_sync_master / vrrp_sync_backup / vrrp_sync_fault): `to` is the state the group goes to.
   */
  | {type: 'sync'; to: 'MASTER' | 'BACKUP' | 'FAULT'; group: string}

export type VrrpAction =
  | {type: 'send_advert'; priority: number}
  | {type: 'arm_timer'; timer: TimerName; at: number}
  | {type: 'cancel_timer'; timer: TimerName}
  | {type: 'add_vips'; vips: string[]}
  | {type: 'remove_vips'; vips: string[]}
  /** Gratuitous ARP for IPv4 VIPs, unsolicited Neighbor Advertisements for IPv6 ones, `repeat` times each. */
  | {type: 'garp'; vips: string[]; repeat: number}
  | {type: 'notify'; state: NotifyState; reason: string}
  | {type: 'log'; message: string}
  /** A sync group member is ready to become MASTER: its group decides (keepalived vrrp_sync_can_goto_master). */
  | {type: 'want_master'; group: string}

export interface StepResult {
  state: VrrpState
  actions: VrrpAction[]
}

export function initialState(settings: VrrpInstanceSettings): VrrpState {
  const owner = settings.priority === PRIORITY_OWNER
  return {
    settings,
    role: 'INIT',
    basePriority: settings.priority,
    trackWeight: 0,
    effectivePriority: owner ? PRIORITY_OWNER : clampPriority(settings.priority),
    masterAdverIntervalCs: settings.advertIntervalCs,
    timers: {},
    preemptUntil: undefined,
    faults: [],
    vipsSet: false,
    master: undefined,
    garpRefreshAt: undefined,
    waitingForGroup: false,
  }
}

/** keepalived vrrp_set_effective_priority: clamp to 1..254. */
export function clampPriority(value: number): number {
  return Math.min(PRIORITY_OWNER - 1, Math.max(1, value))
}

export function step(state: VrrpState, input: VrrpInput, now: number): StepResult {
  const run = new Step(state, now)
  switch (input.type) {
    case 'startup':
      run.startup()
      break
    case 'shutdown':
      run.shutdown()
      break
    case 'advert':
      run.advert(input.priority, input.advertIntervalCs, canonicalAddress(input.source))
      break
    case 'timer':
      run.timer(input.timer, input.at)
      break
    case 'fault':
      run.fault(input.source)
      break
    case 'fault_cleared':
      run.faultCleared(input.source)
      break
    case 'track_weight':
      run.trackWeight(input.weight)
      break
    case 'sync':
      run.sync(input.to, input.group)
      break
  }
  return {state: run.s, actions: run.actions}
}

/** The fault source a sync group puts on its members while one of them is in FAULT. */
export const syncFaultSource = (group: string) => `sync group ${group}`

/** Master_Down_Interval for the current priority and Master_Adver_Interval, in ms. */
export function currentMasterDownIntervalMs(state: VrrpState): number {
  return masterDownIntervalMs(state.settings.version, state.effectivePriority, state.masterAdverIntervalCs)
}

/** One step's working copy of the state plus the actions it emits. */
class Step {
  s: Omit<{-readonly [K in keyof VrrpState]: VrrpState[K]}, 'timers'> & {timers: Partial<Record<TimerName, number>>}
  readonly actions: VrrpAction[] = []

  constructor(
    state: VrrpState,
    private readonly now: number,
  ) {
    this.s = {...state, timers: {...state.timers}}
  }

  private get settings(): VrrpInstanceSettings {
    return this.s.settings
  }

  private get owner(): boolean {
    return this.s.basePriority === PRIORITY_OWNER
  }

  private log(message: string): void {
    this.actions.push({type: 'log', message: `(${this.settings.name}) ${message}`})
  }

  private arm(timer: TimerName, at: number): void {
    if (timer === 'master_down') this.s.waitingForGroup = false
    this.s.timers[timer] = at
    this.actions.push({type: 'arm_timer', timer, at})
  }

  private cancel(timer: TimerName): void {
    if (this.s.timers[timer] === undefined) return
    delete this.s.timers[timer]
    this.actions.push({type: 'cancel_timer', timer})
  }

  private send(priority: number): void {
    this.actions.push({type: 'send_advert', priority})
  }

  private notify(state: NotifyState, reason: string): void {
    this.actions.push({type: 'notify', state, reason})
  }

  private adverIntervalMs(): number {
    return centisecondsToMs(this.settings.advertIntervalCs)
  }

  private masterDownMs(): number {
    return masterDownIntervalMs(this.settings.version, this.s.effectivePriority, this.s.masterAdverIntervalCs)
  }

  private skewMs(): number {
    return skewTimeMs(this.settings.version, this.s.effectivePriority, this.s.masterAdverIntervalCs)
  }

  private addVips(): void {
    if (this.settings.vips.length > 0) this.actions.push({type: 'add_vips', vips: [...this.settings.vips]})
    this.s.vipsSet = true
  }

  private removeVips(): void {
    if (this.s.vipsSet && this.settings.vips.length > 0) this.actions.push({type: 'remove_vips', vips: [...this.settings.vips]})
    this.s.vipsSet = false
  }

  private garp(repeat: number): void {
    if (this.settings.vips.length > 0 && repeat > 0) this.actions.push({type: 'garp', vips: [...this.settings.vips], repeat})
  }

  // ---- §6.4.1 Initialize ----------------------------------------------------------------------

  startup(): void {
    if (this.s.role !== 'INIT') {
      this.log(`startup ignored in ${this.s.role} state`)
      return
    }
    this.s.preemptUntil = undefined
    this.s.masterAdverIntervalCs = this.settings.advertIntervalCs
    // keepalived vrrp_init_state: an instance whose tracked objects are down starts in FAULT.
    if (this.s.faults.length > 0) {
      this.s.role = 'FAULT'
      this.log('Entering FAULT STATE (init)')
      this.notify('FAULT', `fault at startup: ${this.s.faults.join(', ')}`)
      return
    }
    // keepalived vrrp_complete_instance: with no `state`, the owner wants MASTER and everyone else BACKUP.
    const wantsMaster = (this.settings.initialState ?? (this.owner ? 'MASTER' : 'BACKUP')) === 'MASTER'
    // (100) If a Startup event is received, then:
    // (105) - If the Priority = 255 (i.e., the router owns the IPvX address associated with the virtual router), then:
    // keepalived only takes this path when the owner also wants MASTER (an owner configured
    // `state BACKUP` waits like any backup).
    if (this.owner && wantsMaster) {
      // (110) + Send an ADVERTISEMENT ... (120)/(130) gratuitous ARP / unsolicited NA
      // (140) + Set the Adver_Timer to Advertisement_Interval  (145) + Transition to the {Master} state
      this.becomeMaster('address owner (priority 255)')
      return
    }
    // (150) - else // rtr does not own virt addr
    // (155) + Set Master_Adver_Interval to Advertisement_Interval
    // (160) + Set the Master_Down_Timer to Master_Down_Interval
    // keepalived 2.x: `state MASTER` is only a preference. A non-owner configured MASTER still
    // starts in BACKUP, but waits only Advertisement_Interval + the minimum skew (the skew of
    // priority 255) instead of Master_Down_Interval, so it claims mastership about two
    // intervals sooner unless it hears a master first (vrrp_init_state, VRRP_TIMER_SKEW_MIN).
    const wait = wantsMaster ? initialMasterWaitMs(this.settings.version, this.settings.advertIntervalCs) : this.masterDownMs()
    this.arm('master_down', this.now + wait)
    // (165) + Transition to the {Backup} state
    this.s.role = 'BACKUP'
    this.log('Entering BACKUP STATE (init)')
    this.notify('BACKUP', wantsMaster ? 'startup (configured state MASTER)' : 'startup')
  }

  /** Enter MASTER: keepalived vrrp_state_goto_master + vrrp_state_master_tx + vrrp_state_become_master. */
  private becomeMaster(reason: string): void {
    this.cancel('master_down')
    this.s.waitingForGroup = false
    this.s.role = 'MASTER'
    this.s.preemptUntil = undefined
    // keepalived resets Master_Adver_Interval to our own interval on becoming master.
    this.s.masterAdverIntervalCs = this.settings.advertIntervalCs
    // Send an ADVERTISEMENT first, so the old master drops the VIPs before our gratuitous ARPs
    // (keepalived vrrp_state_master_tx), then set the Adver_Timer.
    this.send(this.s.effectivePriority)
    this.arm('advert', this.now + this.adverIntervalMs())
    this.log('Entering MASTER STATE')
    this.addVips()
    // Gratuitous ARP / unsolicited NA right away, garp_master_repeat of them, and again after garp_master_delay.
    this.garp(this.settings.garpMasterRepeat)
    this.s.garpRefreshAt = this.settings.garpMasterRefreshMs > 0 ? this.now + this.settings.garpMasterRefreshMs : undefined
    if (this.settings.garpMasterDelayMs > 0 && this.settings.vips.length > 0) this.arm('garp', this.now + this.settings.garpMasterDelayMs)
    this.s.master = {address: canonicalAddress(this.settings.primaryAddress), priority: this.s.effectivePriority}
    this.notify('MASTER', reason)
  }

  /** Leave MASTER for BACKUP on a better advert: keepalived vrrp_state_leave_master(advF = false). */
  private masterToBackup(reason: string): void {
    this.cancel('advert')
    this.cancel('garp')
    this.s.garpRefreshAt = undefined
    this.removeVips()
    this.s.role = 'BACKUP'
    this.s.preemptUntil = undefined
    this.arm('master_down', this.now + this.masterDownMs())
    this.log('Entering BACKUP STATE')
    this.notify('BACKUP', reason)
  }

  // ---- Shutdown -------------------------------------------------------------------------------

  shutdown(): void {
    switch (this.s.role) {
      case 'MASTER':
        // §6.4.3 (655) - If a Shutdown event is received, then:
        // (660) + Cancel the Adver_Timer
        this.cancel('advert')
        this.cancel('garp')
        // (665) + Send an ADVERTISEMENT with Priority = 0 — the backup then takes over after Skew_Time.
        this.send(PRIORITY_STOP)
        this.log('sent 0 priority')
        // keepalived restore_vrrp_interfaces: the VIPs go with the mastership.
        this.removeVips()
        break
      case 'BACKUP':
        // §6.4.2 (345) - If a Shutdown event is received, then:
        // (350) + Cancel the Master_Down_Timer
        this.cancel('master_down')
        break
      case 'FAULT':
        break
      case 'INIT':
        return
    }
    // (670) / (355) + Transition to the {Initialize} state
    this.s.role = 'INIT'
    this.s.waitingForGroup = false
    this.s.garpRefreshAt = undefined
    this.s.preemptUntil = undefined
    this.s.master = undefined
    // keepalived shutdown_vrrp_instances runs notify_stop for every instance.
    this.notify('STOP', 'shutdown')
  }

  // ---- Timers ---------------------------------------------------------------------------------

  timer(timer: TimerName, at: number | undefined): void {
    const due = this.s.timers[timer]
    if (due === undefined || (at !== undefined && at !== due)) return // cancelled or re-armed since: stale
    delete this.s.timers[timer]
    if (timer === 'master_down' && this.s.role === 'BACKUP') {
      // §6.4.2 (365) - If the Master_Down_Timer fires, then:
      // (370) + Send an ADVERTISEMENT
      // (375)-(400) gratuitous ARP for IPv4 / unsolicited NA for IPv6
      // (405) + Set the Adver_Timer to Advertisement_Interval
      // (410) + Transition to the {Master} state
      this.log('Receive advertisement timeout')
      const group = this.settings.syncGroup
      if (group !== undefined) {
        // keepalived vrrp_sync_can_goto_master: "Only sync to master if everyone wants to, i.e.
        // prefer backup state to avoid thrashing". The group sends `sync MASTER` when all can go.
        this.s.waitingForGroup = true
        this.log(`waiting for sync group ${group} to go MASTER`)
        this.actions.push({type: 'want_master', group})
        return
      }
      this.becomeMaster('master_down timer expired')
      return
    }
    if (timer === 'advert' && this.s.role === 'MASTER') {
      // §6.4.3 (680) - If the Adver_Timer fires, then:
      // (685) + Send an ADVERTISEMENT
      this.send(this.s.effectivePriority)
      // (690) + Reset the Adver_Timer to Advertisement_Interval
      this.arm('advert', this.now + this.adverIntervalMs())
      // keepalived vrrp_state_master_tx: garp_master_refresh is checked as each advert goes out.
      if (this.s.garpRefreshAt !== undefined && this.now > this.s.garpRefreshAt) {
        this.garp(this.settings.garpMasterRefreshRepeat)
        this.s.garpRefreshAt = this.now + this.settings.garpMasterRefreshMs
      }
      return
    }
    if (timer === 'garp' && this.s.role === 'MASTER') {
      // keepalived vrrp_gratuitous_arp_thread: the second burst, garp_master_delay after becoming MASTER.
      this.garp(this.settings.garpMasterRepeat)
    }
  }

  // ---- Adverts --------------------------------------------------------------------------------

  advert(priority: number, advertIntervalCs: number, source: string): void {
    // keepalived vrrp_dispatcher_read: "We just ignore a message received when we are in fault
    // state or not yet fully initialised".
    if (this.s.role === 'BACKUP') this.advertInBackup(priority, advertIntervalCs, source)
    else if (this.s.role === 'MASTER') this.advertInMaster(priority, advertIntervalCs, source)
  }

  private advertInBackup(priority: number, advertIntervalCs: number, source: string): void {
    const local = this.s.effectivePriority
    // §6.4.2 (420) - If an ADVERTISEMENT is received, then:
    // (425) + If the Priority in the ADVERTISEMENT is zero, then:
    if (priority === PRIORITY_STOP) {
      // (430) * Set the Master_Down_Timer to Skew_Time
      this.log(`Backup received priority 0 advertisement from ${source}`)
      this.arm('master_down', this.now + this.skewMs())
      return
    }
    // (440) + else // priority non-zero
    // (445) * If Preempt_Mode is False, or if the Priority in the ADVERTISEMENT is greater than or
    //         equal to the local Priority, then:
    // keepalived adds preempt_delay: while the delay runs, a lower priority is treated like this too.
    // (keepalived forces preemption on for an address owner: "nopreempt is incompatible with priority 255".)
    const preemptMode = this.settings.preempt || this.owner
    const delaying = this.settings.preemptDelayMs > 0 && (this.s.preemptUntil === undefined || this.s.preemptUntil > this.now)
    if (!preemptMode || priority >= local || delaying) {
      // (450) @ Set Master_Adver_Interval to Adver Interval contained in the ADVERTISEMENT
      // (VRRPv3 only: a VRRPv2 interval must match ours, packet validation already enforced it.)
      if (this.settings.version === 3 && advertIntervalCs !== this.s.masterAdverIntervalCs) {
        this.log(`advertisement interval updated from ${centisecondsToMs(this.s.masterAdverIntervalCs)}ms to ${centisecondsToMs(advertIntervalCs)}ms by master`)
        this.s.masterAdverIntervalCs = advertIntervalCs
      }
      // (455) @ Recompute the Master_Down_Interval
      // (460) @ Reset the Master_Down_Timer to Master_Down_Interval
      this.arm('master_down', this.now + this.masterDownMs())
      this.s.master = {address: source, priority}
      if (this.settings.preemptDelayMs > 0 && preemptMode) this.trackPreemptDelay(priority, local)
      return
    }
    // (465) * else // preempt was true or priority was less
    // (470) @ Discard the ADVERTISEMENT — the Master_Down_Timer keeps running, so we take over when it fires.
    this.log(`received lower priority (${priority}) advert from ${source} - discarding`)
    this.s.master = {address: source, priority}
  }

  /** keepalived vrrp_state_backup: start the preempt delay on the first lower-priority advert, stop it on an equal or higher one. */
  private trackPreemptDelay(priority: number, local: number): void {
    if (priority >= local) {
      if (this.s.preemptUntil !== undefined) {
        this.log('stop preempt delay')
        this.s.preemptUntil = undefined
      }
    } else if (this.s.preemptUntil === undefined) {
      this.s.preemptUntil = this.now + this.settings.preemptDelayMs
      this.log(`start preempt delay (${(this.settings.preemptDelayMs / 1000).toFixed(3)}s): lower priority master ${priority} < ${local}`)
    }
  }

  private advertInMaster(priority: number, advertIntervalCs: number, source: string): void {
    const addressOrder = compareAddresses(source, this.settings.primaryAddress)
    let local = this.s.effectivePriority
    const higher = priority > local || (priority === local && addressOrder > 0)
    // §6.4.3 (700) - If an ADVERTISEMENT is received, then:
    // (705) -+ If the Priority in the ADVERTISEMENT is zero, then:
    if (priority === PRIORITY_STOP) {
      // (710) -* Send an ADVERTISEMENT
      this.log(`Master received priority 0 message from ${source}`)
      this.send(local)
      // (715) -* Reset the Adver_Timer to Advertisement_Interval
      this.arm('advert', this.now + this.adverIntervalMs())
      return
    }
    // keepalived higher_prio_send_advert: one advert of ours before yielding.
    if (this.settings.higherPrioSendAdvert && higher) this.send(local)
    if (priority === local) {
      if (addressOrder === 0) {
        this.log('WARNING - equal priority advert received from remote host with our IP address.')
        return
      }
      if (local === PRIORITY_OWNER) {
        // keepalived: two owners on one VRID is a configuration error; it steps itself down to 254.
        this.log('CONFIGURATION ERROR: local instance and a remote instance are both configured as address owner, please fix - reducing local priority')
        this.s.basePriority = PRIORITY_OWNER - 1
        this.s.effectivePriority = PRIORITY_OWNER - 1
        local = PRIORITY_OWNER - 1
      }
    }
    // (720) -+ else // priority was non-zero
    // (725) -* If the Priority in the ADVERTISEMENT is greater than the local Priority,
    // (730) -* or
    // (735) -* If the Priority in the ADVERTISEMENT is equal to the local Priority and the primary
    //          IPvX Address of the sender is greater than the local primary IPvX Address, then:
    if (priority > local || (priority === local && addressOrder > 0)) {
      this.log(
        priority > local
          ? `Master received advert from ${source} with higher priority ${priority}, ours ${local}`
          : `Master received advert from ${source} with same priority ${priority} but higher IP address than ours`,
      )
      // (745) -@ Set Master_Adver_Interval to Adver Interval contained in the ADVERTISEMENT (VRRPv3)
      if (this.settings.version === 3) this.s.masterAdverIntervalCs = advertIntervalCs
      this.s.master = {address: source, priority}
      // (740) -@ Cancel Adver_Timer
      // (750) -@ Recompute the Skew_Time  (755) @ Recompute the Master_Down_Interval
      // (760) @ Set Master_Down_Timer to Master_Down_Interval
      // (765) @ Transition to the {Backup} state
      this.masterToBackup(priority > local ? `higher priority advert (${priority}) from ${source}` : `equal priority advert from higher address ${source}`)
      return
    }
    // (770) -* else // new Master logic
    // (775) -@ Discard ADVERTISEMENT
    // keepalived does more than discard: it answers at once with its own advert ("forcing new
    // election", unless lower_prio_no_advert) and restarts its Adver_Timer from now, so a
    // lower-priority router that became MASTER by mistake steps down immediately.
    this.log(`Received advert from ${source} with lower priority ${priority}, ours ${local}${this.settings.lowerPrioNoAdvert ? '' : ', forcing new election'}`)
    if (!this.settings.lowerPrioNoAdvert) {
      this.send(local)
      this.arm('advert', this.now + this.adverIntervalMs())
    }
  }

  // ---- Tracking: faults and priority ----------------------------------------------------------

  fault(source: string): void {
    if (this.s.faults.includes(source)) return
    const first = this.s.faults.length === 0
    this.s.faults = [...this.s.faults, source].sort()
    if (!first) return
    // keepalived down_instance: the first failing tracked object moves the instance to FAULT.
    if (this.s.role === 'MASTER') {
      // vrrp_state_leave_master(wantstate FAULT): priority 0 advert so a backup takes over after Skew_Time.
      // (keepalived sends that advert twice, from leave_master and from restore_interface; once is enough.)
      this.cancel('advert')
      this.cancel('garp')
      this.s.garpRefreshAt = undefined
      this.send(PRIORITY_STOP)
      this.removeVips()
    } else if (this.s.role === 'BACKUP') {
      this.cancel('master_down')
      this.s.waitingForGroup = false
    } else {
      return // INIT: remembered, startup goes to FAULT; FAULT: nothing to do
    }
    this.s.role = 'FAULT'
    this.s.preemptUntil = undefined
    this.log('Entering FAULT STATE')
    this.notify('FAULT', `fault: ${source}`)
  }

  faultCleared(source: string): void {
    if (!this.s.faults.includes(source)) return
    this.s.faults = this.s.faults.filter((item) => item !== source)
    if (this.s.faults.length > 0 || this.s.role !== 'FAULT') return
    // keepalived try_up_instance + vrrp_state_leave_fault: an owner that wants MASTER goes straight
    // back to MASTER; everyone else re-enters BACKUP with a full Master_Down_Interval.
    this.s.masterAdverIntervalCs = this.settings.advertIntervalCs
    const wantsMaster = (this.settings.initialState ?? (this.owner ? 'MASTER' : 'BACKUP')) === 'MASTER'
    if (this.owner && wantsMaster) {
      this.becomeMaster(`fault cleared: ${source}`)
      return
    }
    this.s.role = 'BACKUP'
    this.s.preemptUntil = undefined
    this.arm('master_down', this.now + this.masterDownMs())
    this.log('Entering BACKUP STATE')
    this.notify('BACKUP', `fault cleared: ${source}`)
  }

  // ---- vrrp_sync_group ------------------------------------------------------------------------

  /**
   * keepalived vrrp_sync.c. The group coordinator (sync-group.ts) sends this to the other members
   * when one of them changes state:
   * - FAULT (vrrp_sync_fault): a member in FAULT takes the others to FAULT, a MASTER with a
   *   priority-0 advert as on its own fault. The group's fault is held like a tracked object's
   *   until the group leaves FAULT.
   * - BACKUP: from FAULT, the group's fault is lifted (try_up_instance: BACKUP, or MASTER for an
   *   owner that wants it); from MASTER (vrrp_sync_backup), the member yields like on a better
   *   advert (vrrp_state_leave_master), with a full Master_Down_Interval.
   * - MASTER (vrrp_sync_master): a BACKUP member becomes MASTER at once, as on its own
   *   Master_Down timeout (vrrp_state_goto_master).
   */
  sync(to: 'MASTER' | 'BACKUP' | 'FAULT', group: string): void {
    const source = syncFaultSource(group)
    if (to === 'FAULT') {
      this.fault(source)
      return
    }
    if (this.s.faults.includes(source)) {
      this.log(`VRRP_Group(${group}) left FAULT state`)
      this.faultCleared(source)
      if (this.s.role === 'FAULT' || to === 'BACKUP') return
    }
    if (to === 'MASTER' && this.s.role === 'BACKUP') {
      this.log(`sync group ${group} is becoming MASTER`)
      this.becomeMaster(`sync group ${group}: member became MASTER`)
    } else if (to === 'BACKUP' && this.s.role === 'MASTER') {
      this.log(`sync group ${group} is becoming BACKUP`)
      this.masterToBackup(`sync group ${group}: member became BACKUP`)
    }
  }

  trackWeight(weight: number): void {
    this.s.trackWeight = weight
    // keepalived ignores weights for an address owner ("Don't change priority if address owner").
    if (this.owner) return
    const next = clampPriority(this.s.basePriority + weight)
    const previous = this.s.effectivePriority
    if (next === previous) return
    this.log(`Changing effective priority from ${previous} to ${next}`)
    const oldSkew = this.skewMs()
    this.s.effectivePriority = next
    // keepalived vrrp_set_effective_priority: in BACKUP the running Master_Down_Timer moves by the
    // change of the interval, i.e. by the change of Skew_Time. In MASTER the next advert simply
    // carries the new priority.
    const due = this.s.timers.master_down
    if (this.s.role === 'BACKUP' && due !== undefined) this.arm('master_down', Math.max(this.now, due + this.skewMs() - oldSkew))
    if (this.s.role === 'MASTER' && this.s.master) this.s.master = {...this.s.master, priority: next}
  }
}
