/**
 * vrrp_script: a command run every `interval`, never more than one run at a time, killed after
 * `timeout`, whose exit status moves a rise/fall counter — keepalived 2.2.7's vrrp_script_thread
 * and vrrp_script_child_thread (vrrp_scheduler.c), vrrp_init_script for the initial state.
 *
 * The counter (keepalived's `result`) runs from 0 to rise+fall−1; the script is OK at rise and
 * above. It starts at rise−1 (`init`: one success makes it OK, one failure makes it failed) or at
 * 0 with `init_fail`. A failure above rise only counts down; reaching rise (or failing for the
 * first time) is the OK→failed change; any failure at or below rise drops the counter to 0.
 */
import type {Clock, TimerHandle} from '../clock.js'
import {describeOutcome, type Identity, type ProcessOutcome, type ProcessRunner} from './process.js'
import type {TrackedStatus, Tracker} from './types.js'

export interface ScriptPlan {
  name: string
  /** The command split into words (keepalived runs it without a shell). */
  argv: string[]
  intervalMs: number
  timeoutMs: number
  rise: number
  fall: number
  initFail: boolean
  /** Run as this user (only when we are root). */
  identity?: Identity
}

export interface ScriptHealth {
  /** keepalived's `result`. */
  result: number
  /** true until the first run finishes (keepalived SCRIPT_INIT_STATE_INIT, not with init_fail). */
  init: boolean
}

export function initialHealth(plan: Pick<ScriptPlan, 'rise' | 'initFail'>): ScriptHealth {
  return plan.initFail ? {result: 0, init: false} : {result: plan.rise - 1, init: true}
}

export function healthState(health: ScriptHealth, rise: number): 'init' | 'ok' | 'failed' {
  if (health.init) return 'init'
  return health.result >= rise ? 'ok' : 'failed'
}

/** One finished run: the new counter, and whether that run changed OK/failed. */
export function recordRun(health: ScriptHealth, success: boolean, plan: Pick<ScriptPlan, 'rise' | 'fall'>): {health: ScriptHealth; changed: boolean} {
  const {rise, fall} = plan
  const top = rise + fall - 1
  let {result} = health
  let changed = false
  if (success) {
    if (result < rise - 1) result++
    else if (result !== top) {
      if (result < rise) changed = true
      result = top
    } else if (health.init) changed = true
  } else if (result > rise) {
    result--
  } else {
    if (result === rise || health.init) changed = true
    result = 0
  }
  // A first run that leaves the counter below rise (rise > 1, init_fail) still ends the init state.
  if (health.init && !changed) changed = true
  return {health: {result, init: false}, changed}
}

export interface ScriptTrackerOptions {
  clock: Clock
  runner: ProcessRunner
  /** A run was skipped because the previous one still runs, and similar remarks. */
  onLog?: (message: string) => void
}

export class ScriptTracker implements Tracker {
  readonly key: string
  readonly name: string
  private health: ScriptHealth
  private detail = ''
  private lastOutcome: string | undefined
  private running: Promise<void> | undefined
  private timer: TimerHandle | undefined
  private stopped = true
  private onChange: (status: TrackedStatus) => void = () => {}

  constructor(
    readonly plan: ScriptPlan,
    private readonly options: ScriptTrackerOptions,
  ) {
    this.key = scriptKey(plan.name)
    this.name = plan.name
    this.health = initialHealth(plan)
    if (plan.initFail) this.detail = 'init_fail'
  }

  status(): TrackedStatus {
    return {kind: 'script', state: healthState(this.health, this.plan.rise), detail: this.detail}
  }

  start(onChange: (status: TrackedStatus) => void): void {
    this.onChange = onChange
    this.stopped = false
    // keepalived vrrp_init_script: the first run is an immediate event, then one every interval.
    this.tick()
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer)
    this.timer = undefined
    await this.running
  }

  private tick(): void {
    if (this.stopped) return
    this.timer = this.options.clock.setTimeout(() => this.tick(), this.plan.intervalMs)
    if (this.running) {
      this.options.onLog?.(`Track script ${this.name} is already running, expect idle - skipping run`)
      return
    }
    const run = this.options.runner
      .run(this.plan.argv, {timeoutMs: this.plan.timeoutMs, ...this.plan.identity})
      .catch((error: unknown): ProcessOutcome => ({kind: 'error', message: (error as Error).message}))
      .then((outcome) => this.finished(outcome))
      .finally(() => {
        this.running = undefined
      })
    this.running = run
  }

  private finished(outcome: ProcessOutcome): void {
    const text = describeOutcome(outcome)
    if (text !== this.lastOutcome) {
      if (this.lastOutcome !== undefined) this.options.onLog?.(`Script \`${this.name}\` now returning ${text}`)
      this.lastOutcome = text
    }
    const success = outcome.kind === 'exited' && outcome.code === 0
    const {health, changed} = recordRun(this.health, success, this.plan)
    this.health = health
    if (!changed) return
    this.detail = text
    if (!this.stopped) this.onChange(this.status())
  }
}

export const scriptKey = (name: string) => `script ${name}`
