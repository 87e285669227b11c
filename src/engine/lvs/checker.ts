/**
 * keepalived's checker loop for one check of one real server: an attempt every `delay_loop`; a
 * failed attempt is retried `retry` times `delay_before_retry` apart before the check counts as
 * failed; one success makes it good again.
 */
import type {CheckPlan} from './plan.js'
import {type ProbeOutcome, runProbe} from './probes.js'

export interface CheckObserver {
  /** The check went good or bad (after its retries); `outcome` is the attempt that decided it. */
  changed(good: boolean, outcome: ProbeOutcome): void
  /** Every attempt (for the log: retries, dynamic weights). */
  attempted?(outcome: ProbeOutcome, retriesLeft: number): void
}

export class RealServerCheck {
  good: boolean
  private failures = 0
  private timer: ReturnType<typeof setTimeout> | undefined
  private stopped = false

  constructor(
    readonly plan: CheckPlan,
    private readonly observer: CheckObserver,
    startGood: boolean,
    private readonly probe: (plan: CheckPlan) => Promise<ProbeOutcome> = runProbe,
  ) {
    this.good = startGood
  }

  /** The first attempt at a random time within `warmup` (0: at once), so checks of many servers spread out. */
  start(random: () => number = Math.random): void {
    this.schedule(Math.floor(random() * this.plan.warmupMs))
  }

  stop(): void {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
  }

  private schedule(ms: number): void {
    if (this.stopped) return
    this.timer = setTimeout(() => void this.attempt(), ms)
    this.timer.unref?.()
  }

  private async attempt(): Promise<void> {
    const outcome = await this.probe(this.plan)
    if (this.stopped) return
    if (outcome.ok) {
      this.failures = 0
      this.observer.attempted?.(outcome, this.plan.retry)
      if (!this.good || outcome.weight !== undefined) {
        const wasGood = this.good
        this.good = true
        if (!wasGood || outcome.weight !== undefined) this.observer.changed(true, outcome)
      }
      this.schedule(this.plan.delayLoopMs)
      return
    }
    this.failures++
    const retriesLeft = this.plan.retry - (this.failures - 1)
    this.observer.attempted?.(outcome, Math.max(0, retriesLeft - 1))
    if (this.good && this.failures <= this.plan.retry) {
      this.schedule(this.plan.delayBeforeRetryMs)
      return
    }
    this.failures = 0
    if (this.good) {
      this.good = false
      this.observer.changed(false, outcome)
    }
    this.schedule(this.plan.delayLoopMs)
  }
}
