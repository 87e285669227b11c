/** Time for the VRRP adapter, passed in so tests can drive it (house style 10). */
import {performance} from 'node:perf_hooks'
export type TimerHandle = unknown

export interface Clock {
  /** Milliseconds; the system clock is monotonic and close to the Unix epoch, so event times read as wall time. */
  now(): number
  setTimeout(callback: () => void, ms: number): TimerHandle
  clearTimeout(handle: TimerHandle): void
}

// Read once: the global `performance` and its `timeOrigin` are getters (with a brand check) on Node 20, and the
// proxy reads this clock several times per request.
const timeOrigin = performance.timeOrigin

export const systemClock: Clock = {
  now: () => timeOrigin + performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}
