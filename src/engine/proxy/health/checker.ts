/** Runs one server's checks on a clock: probe, apply rise/fall, notify, wait the right interval. */
import type {Clock, TimerHandle} from '../clock.js'
import type {CheckResult} from './probe.js'
import {applyCheck, type HealthState, type HealthTransition, nextInterval} from './state.js'

export interface CheckTiming {
  inter: number
  fastinter?: number
  downinter?: number
}

export interface CheckObserver {
  /** Every result, with the counter after it and the transition it caused, if any. */
  onResult(result: CheckResult, state: HealthState, transition: HealthTransition, counted: boolean): void
}

export class HealthChecker {
  private timer: TimerHandle | undefined
  private stopped = true
  running = false

  constructor(
    private state: HealthState,
    private readonly timing: CheckTiming,
    private readonly run: () => Promise<CheckResult>,
    private readonly observer: CheckObserver,
    private readonly clock: Clock,
  ) {}

  get health(): HealthState {
    return this.state
  }

  /** `firstDelayMs` spreads the first checks of a backend over the interval, as HAProxy does. */
  start(firstDelayMs: number): void {
    this.stopped = false
    this.schedule(firstDelayMs)
  }

  stop(): void {
    this.stopped = true
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer)
    this.timer = undefined
  }

  /** Resets the counter (e.g. leaving maintenance: HAProxy re-checks from a fresh state). */
  reset(state: HealthState): void {
    this.state = state
  }

  private schedule(ms: number): void {
    if (this.stopped) return
    this.timer = this.clock.setTimeout(() => void this.tick(), ms)
  }

  private async tick(): Promise<void> {
    this.timer = undefined
    if (this.stopped) return
    this.running = true
    const result = await this.run()
    this.running = false
    if (this.stopped) return
    const {state, transition, counted} = applyCheck(this.state, result.passed)
    this.state = state
    this.observer.onResult(result, state, transition, counted)
    this.schedule(nextInterval(state, this.timing))
  }
}
