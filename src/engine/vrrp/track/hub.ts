/**
 * All the tracked objects of a node and which instances use them: starts and stops the
 * trackers, and on every change of an object tells each instance using it what it now adds up
 * to (effect.ts). The runner turns that into machine inputs.
 */
import {summarize, type TrackSummary} from './effect.js'
import type {TrackedStatus, Tracker, TrackRef} from './types.js'

export interface TrackChange {
  instance: string
  ref: TrackRef
  status: TrackedStatus
  previous: TrackSummary
  summary: TrackSummary
}

export class TrackingHub {
  private readonly byKey = new Map<string, Tracker>()
  private readonly summaries = new Map<string, TrackSummary>()

  constructor(
    trackers: readonly Tracker[],
    /** instance name → what it tracks */
    private readonly refs: ReadonlyMap<string, readonly TrackRef[]>,
  ) {
    for (const tracker of trackers) this.byKey.set(tracker.key, tracker)
    for (const instance of refs.keys()) this.summaries.set(instance, this.compute(instance))
  }

  /** The instance's current total (no tracked objects: nothing pending, no faults, weight 0). */
  summary(instance: string): TrackSummary {
    return this.summaries.get(instance) ?? {pending: false, faults: [], weight: 0}
  }

  refsOf(instance: string): readonly TrackRef[] {
    return this.refs.get(instance) ?? []
  }

  status(key: string): TrackedStatus | undefined {
    return this.byKey.get(key)?.status()
  }

  start(onChange: (change: TrackChange) => void): void {
    for (const tracker of this.byKey.values()) {
      tracker.start((status) => {
        for (const [instance, refs] of this.refs) {
          for (const ref of refs) {
            if (ref.key !== tracker.key) continue
            const previous = this.summary(instance)
            const summary = this.compute(instance)
            this.summaries.set(instance, summary)
            onChange({instance, ref, status, previous, summary})
          }
        }
      })
    }
  }

  async stop(): Promise<void> {
    await Promise.all([...this.byKey.values()].map((tracker) => tracker.stop()))
  }

  private compute(instance: string): TrackSummary {
    return summarize(this.refs.get(instance) ?? [], (key) => this.byKey.get(key)?.status())
  }
}
