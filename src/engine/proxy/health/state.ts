/**
 * The health counter HAProxy keeps per checked server: 0 … rise+fall-1. The server is UP while the
 * counter is ≥ rise. A failure while UP decrements it (reaching rise-1 means DOWN, counter reset to 0);
 * a success while DOWN increments it (reaching rise means UP, counter set to the top).
 * Servers start UP with the counter at rise, so the first failed check takes them down.
 */

export interface HealthState {
  health: number
  rise: number
  fall: number
}

export type HealthTransition = 'up' | 'down' | undefined

export function initialHealth(rise: number, fall: number): HealthState {
  return {health: rise, rise, fall}
}

export const isUp = (s: HealthState): boolean => s.health >= s.rise

/** Applies one check result. `counted` says whether chkfail counts it (a failure seen while not already fully DOWN). */
export function applyCheck(state: HealthState, passed: boolean): {state: HealthState; transition: HealthTransition; counted: boolean} {
  const top = state.rise + state.fall - 1
  const wasUp = isUp(state)
  let health = state.health
  let counted = false
  if (passed) {
    if (health < top) {
      health++
      if (health >= state.rise) health = top
    }
  } else if (health > 0) {
    counted = true
    health--
    if (health < state.rise) health = 0
  }
  const next = {...state, health}
  const up = isUp(next)
  return {state: next, transition: up === wasUp ? undefined : up ? 'up' : 'down', counted}
}

/** `UP`, `UP 1/3` (failures accumulating), `DOWN`, `DOWN 1/2` (successes accumulating), as in show stat. */
export function healthText(state: HealthState): string {
  if (isUp(state)) {
    const top = state.rise + state.fall - 1
    return state.health === top ? 'UP' : `UP ${state.health - state.rise + 1}/${state.fall}`
  }
  return state.health === 0 ? 'DOWN' : `DOWN ${state.health}/${state.rise}`
}

/** The delay before the next check (HAProxy's srv_getinter): inter when fully UP, downinter when fully DOWN, fastinter in between. */
export function nextInterval(state: HealthState, timing: {inter: number; fastinter?: number; downinter?: number}): number {
  if (state.health === state.rise + state.fall - 1) return timing.inter
  if (state.health === 0) return timing.downinter ?? timing.inter
  return timing.fastinter ?? timing.inter
}
