/**
 * How tracked objects move an instance, as keepalived 2.2.7 computes it (vrrp_track.c
 * initialise_track_script_state, process_script_update_priority, initialise_interface_tracking_priorities,
 * process_update_track_file_status). Pure.
 *
 * - weight 0: the object failing puts the instance in FAULT (`reverse`: succeeding does).
 * - weight > 0: added while the object succeeds; weight < 0: added (i.e. subtracted) while it fails.
 *   `reverse` multiplies the weight by −1.
 * - a script that has not finished its first run changes nothing, except that with weight 0 the
 *   instance waits for it before starting (keepalived num_script_init).
 * - track_file: value × weight, clamped to −254..253; −254 (or, with weight 0, any non-zero value) is FAULT.
 */
import type {TrackedStatus, TrackRef} from './types.js'

export interface TrackContribution {
  pending: boolean
  fault: boolean
  weight: number
}

export interface TrackSummary {
  /** A weight-0 script has not reported yet: keepalived keeps the instance from starting. */
  pending: boolean
  /** Keys of the objects that hold the instance in FAULT, sorted. */
  faults: string[]
  /** Sum of the weights that apply (the machine's track_weight). */
  weight: number
}

const none: TrackContribution = {pending: false, fault: false, weight: 0}

export function contribution(ref: TrackRef, status: TrackedStatus): TrackContribution {
  const multiplier = ref.reverse ? -1 : 1
  if (status.kind === 'file') {
    if (ref.weight === 0) return {...none, fault: status.value !== 0}
    const value = Math.min(253, Math.max(-254, status.value * ref.weight))
    return value <= -254 ? {...none, fault: true} : {...none, weight: value}
  }
  let up: boolean
  if (status.kind === 'script') {
    if (status.state === 'init') return ref.weight === 0 ? {...none, pending: true} : none
    up = status.state === 'ok'
  } else {
    up = status.up
  }
  if (ref.weight === 0) return {...none, fault: up !== (multiplier === 1)}
  if (up) return ref.weight > 0 ? {...none, weight: ref.weight * multiplier} : none
  return ref.weight < 0 ? {...none, weight: ref.weight * multiplier} : none
}

export function summarize(refs: readonly TrackRef[], statusOf: (key: string) => TrackedStatus | undefined): TrackSummary {
  const summary: TrackSummary = {pending: false, faults: [], weight: 0}
  for (const ref of refs) {
    const status = statusOf(ref.key)
    if (!status) continue
    const part = contribution(ref, status)
    summary.pending ||= part.pending
    if (part.fault) summary.faults.push(ref.key)
    summary.weight += part.weight
  }
  summary.faults.sort()
  return summary
}

/** `failed (exit 1)`, `up`, `down (operstate down)`, `= 5`: how an object's status reads in events. */
export function describeStatus(status: TrackedStatus): string {
  switch (status.kind) {
    case 'script':
      return status.state === 'init' ? 'not run yet' : `${status.state === 'ok' ? 'succeeded' : 'failed'}${status.detail ? ` (${status.detail})` : ''}`
    case 'interface':
      return `${status.up ? 'up' : 'down'}${status.detail ? ` (${status.detail})` : ''}`
    case 'file':
      return `value ${status.value}`
  }
}
