import type {Clock} from '../../src/observe/source.js'

/** A clock whose time moves only when the test says so; timers fire in order during advance(). */
export class FakeClock implements Clock {
  private time: number
  private timers: {at: number; fn: () => void; id: number}[] = []
  private nextId = 1

  constructor(start = Date.UTC(2026, 0, 2, 12, 0, 0)) {
    this.time = start
  }

  now(): number {
    return this.time
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++
    this.timers.push({at: this.time + ms, fn, id})
    return id
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle)
  }

  get pending(): number {
    return this.timers.length
  }

  /** Moves time forward, firing due timers and letting their promises settle between them. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms
    for (;;) {
      await flush()
      this.timers.sort((a, b) => a.at - b.at)
      const next = this.timers[0]
      if (!next || next.at > end) break
      this.timers.shift()
      this.time = next.at
      next.fn()
    }
    this.time = end
    await flush()
  }
}

/** Lets pending promise callbacks (and their follow-ups) run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((resolve) => setImmediate(resolve))
}
