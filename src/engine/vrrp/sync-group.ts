/**
 * vrrp_sync_group: the member instances change state together (keepalived vrrp_sync.c).
 *
 * - One member in FAULT (a tracked object of its own failing) holds every member in FAULT; they
 *   all leave FAULT when no member has a fault of its own (vrrp_sync_fault / try_up_instance).
 * - A member that becomes MASTER takes the other BACKUP members with it (vrrp_sync_master).
 * - A MASTER member that yields to a better advert takes the other MASTER members to BACKUP
 *   (vrrp_sync_backup).
 * - The group's own notify scripts run when all members agree on a state (MASTER, BACKUP), as
 *   soon as one is in FAULT, and at shutdown (STOP).
 *
 * - A member whose Master_Down timer runs out waits in BACKUP until every other member is ready
 *   for MASTER too (vrrp_sync_can_goto_master), then they all go.
 *
 * Pure: it reads the members' machine states and answers with the `sync` inputs the other members'
 * machines take (machine.ts `sync`).
 */
import {syncFaultSource, type NotifyState, type VrrpInput, type VrrpState} from './machine.js'
import type {SyncGroupPlan} from './settings.js'

export {syncFaultSource}

export interface ForcedInput {
  instance: string
  input: VrrpInput
  reason: string
}

export class SyncGroups {
  private readonly groupByMember = new Map<string, SyncGroupPlan>()
  private readonly reported = new Map<string, NotifyState>()

  constructor(readonly groups: readonly SyncGroupPlan[]) {
    for (const group of groups) for (const member of group.members) if (!this.groupByMember.has(member)) this.groupByMember.set(member, group)
  }

  groupOf(instance: string): SyncGroupPlan | undefined {
    return this.groupByMember.get(instance)
  }

  /** After `instance` went from → to (or its faults changed): what the other members must do. */
  follow(instance: string, from: VrrpState['role'], to: VrrpState['role'], stateOf: (name: string) => VrrpState | undefined): ForcedInput[] {
    const group = this.groupOf(instance)
    if (!group) return []
    const forced: ForcedInput[] = [...this.faults(group, stateOf)]
    const others = group.members.filter((member) => member !== instance)
    const sync = (other: string, target: 'MASTER' | 'BACKUP', why: string): ForcedInput => ({
      instance: other,
      input: {type: 'sync', to: target, group: group.name},
      reason: `sync group ${group.name}: ${instance} ${why}`,
    })
    if (to === 'MASTER') {
      for (const other of others) if (stateOf(other)?.role === 'BACKUP') forced.push(sync(other, 'MASTER', 'became MASTER'))
    }
    if (from === 'MASTER' && to === 'BACKUP') {
      for (const other of others) if (stateOf(other)?.role === 'MASTER') forced.push(sync(other, 'BACKUP', 'went BACKUP'))
    }
    return forced
  }

  /**
   * A member's Master_Down timer ran out (machine `want_master`): the group goes MASTER when every
   * other member is MASTER or waiting too (keepalived vrrp_sync_can_goto_master: "only sync to
   * master if everyone wants to, i.e. prefer backup state to avoid thrashing"). Until then the
   * member stays BACKUP, so a group whose other link still hears a better master does not flap.
   */
  wantMaster(instance: string, stateOf: (name: string) => VrrpState | undefined): ForcedInput[] {
    const group = this.groupOf(instance)
    if (!group) return []
    const others = group.members.filter((member) => member !== instance)
    const ready = (name: string) => {
      const state = stateOf(name)
      return state?.role === 'MASTER' || (state?.role === 'BACKUP' && state.waitingForGroup)
    }
    if (!others.every(ready)) return []
    return group.members
      .filter((member) => stateOf(member)?.role === 'BACKUP')
      .map((member) => ({instance: member, input: {type: 'sync', to: 'MASTER', group: group.name}, reason: `sync group ${group.name}: every member is ready for MASTER`}))
  }

  /** The group's FAULT on every member while any member has a fault of its own, lifted otherwise. */
  faults(group: SyncGroupPlan, stateOf: (name: string) => VrrpState | undefined): ForcedInput[] {
    const source = syncFaultSource(group.name)
    const ownFault = group.members.find((member) => (stateOf(member)?.faults ?? []).some((fault) => fault !== source))
    const forced: ForcedInput[] = []
    for (const member of group.members) {
      const has = stateOf(member)?.faults.includes(source) ?? false
      if (ownFault !== undefined && !has) forced.push({instance: member, input: {type: 'sync', to: 'FAULT', group: group.name}, reason: `sync group ${group.name}: ${ownFault} is in FAULT`})
      if (ownFault === undefined && has) forced.push({instance: member, input: {type: 'sync', to: 'BACKUP', group: group.name}, reason: `sync group ${group.name}: no member in FAULT`})
    }
    return forced
  }

  /** Groups whose state changed since last asked: FAULT when one member is, MASTER/BACKUP when all are. */
  changedGroupStates(stateOf: (name: string) => VrrpState | undefined): {group: string; state: NotifyState}[] {
    const changes: {group: string; state: NotifyState}[] = []
    for (const group of this.groups) {
      const roles = group.members.map((member) => stateOf(member)?.role)
      let state: NotifyState | undefined
      if (roles.includes('FAULT')) state = 'FAULT'
      else if (roles.every((role) => role === 'MASTER')) state = 'MASTER'
      else if (roles.every((role) => role === 'BACKUP')) state = 'BACKUP'
      if (state === undefined || this.reported.get(group.name) === state) continue
      this.reported.set(group.name, state)
      changes.push({group: group.name, state})
    }
    return changes
  }

  /** Shutdown: every group reports STOP once. */
  stopAll(): string[] {
    const names = this.groups.map((group) => group.name).filter((name) => this.reported.get(name) !== 'STOP')
    for (const name of names) this.reported.set(name, 'STOP')
    return names
  }
}
