/** Time for the VRRP adapter, passed in so tests can drive it (house style 10). */
export type TimerHandle = unknown

export interface Clock {
  /** Milliseconds; the system clock is monotonic and close to the Unix epoch, so event times read as wall time. */
  now(): number
  setTimeout(callback: () => void, ms: number): TimerHandle
  clearTimeout(handle: TimerHandle): void
}

export const systemClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}
