/**
 * A timeout that is pushed back on every request or read and seldom fires (`timeout client`, `server`,
 * `http-request`, `http-keep-alive`). Moving it only stores a time; its one timer, when it fires before
 * the deadline, re-arms itself for the rest (HAProxy's task expiry works the same way). A `setTimeout`
 * per request or `socket.setTimeout` per phase each allocate a timer and a bound function instead.
 */
import {performance} from 'node:perf_hooks'

export class Deadline {
  /** When it expires (performance.now() ms), 0 when off. */
  private at = 0
  private timer: ReturnType<typeof setTimeout> | undefined
  /** When the pending timer fires. */
  private timerAt = 0

  constructor(private readonly onExpire: () => void) {}

  /** Expires `ms` from now (replacing any earlier setting); 0 or less turns it off. */
  set(ms: number): void {
    if (ms <= 0) {
      this.at = 0
      return
    }
    const at = performance.now() + ms
    this.at = at
    // A pending timer that fires no later than the new deadline will re-arm itself.
    if (this.timer === undefined || this.timerAt > at) this.arm(ms)
  }

  get active(): boolean {
    return this.at !== 0
  }

  /** Off, and no timer left pending (which would keep its owner alive until it fires). */
  stop(): void {
    this.at = 0
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
  }

  private arm(ms: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timerAt = performance.now() + ms
    this.timer = setTimeout(this.fire, ms)
    this.timer.unref()
  }

  private readonly fire = (): void => {
    this.timer = undefined
    if (this.at === 0) return
    const left = this.at - performance.now()
    // Timers may fire up to a millisecond early; anything closer than that is due.
    if (left >= 1) return this.arm(left)
    this.at = 0
    this.onExpire()
  }
}
