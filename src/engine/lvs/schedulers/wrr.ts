/**
 * `wrr` (ip_vs_wrr.c): the kernel's current-weight sequence. The current weight starts at the
 * maximum weight and drops by the weights' GCD after every pass over the list; a pass picks the
 * servers whose weight is at least the current weight. Weights 4, 3, 2 give A A B A B C A B C.
 * A weight change restarts the pass from the head of the list, as the kernel's dest_changed does.
 */
import type {LvsScheduler, LvsServer} from './types.js'

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b))

export class WeightedRoundRobinScheduler implements LvsScheduler {
  /** Index of the last server picked; -1 is the list head. */
  private cl = -1
  private cw = 0
  private mw = 0
  private di = 1

  constructor(private readonly servers: readonly LvsServer[]) {
    this.recompute()
    this.cw = this.mw
  }

  private recompute(): void {
    let g = 0
    let max = 0
    for (const s of this.servers) {
      const w = this.weightOf(s)
      if (w > 0) g = g > 0 ? gcd(w, g) : w
      max = Math.max(max, w)
    }
    this.di = g || 1
    this.mw = max - (this.di - 1)
  }

  /** A server that is down counts as weight 0 (keepalived removes it from the service). */
  private weightOf(s: LvsServer): number {
    return s.running ? s.weight : 0
  }

  pick(): LvsServer | undefined {
    if (this.mw <= 0) return undefined
    const n = this.servers.length
    // Bounded: at most one full sweep of current weights from mw down to di, then one more.
    const limit = n * (Math.ceil(this.mw / this.di) + 2)
    for (let steps = 0; steps < limit; steps++) {
      this.cl++
      if (this.cl >= n) {
        this.cl = -1
        this.cw -= this.di
        if (this.cw <= 0) this.cw = this.mw
        continue
      }
      const s = this.servers[this.cl]!
      if (s.overloaded !== true && this.weightOf(s) >= this.cw) return s
    }
    return undefined
  }

  private changed(): void {
    this.cl = -1
    this.recompute()
    if (this.cw > this.mw || this.cw <= 0) this.cw = this.mw
    else if (this.di > 1) this.cw = Math.floor(this.cw / this.di) * this.di + 1
  }

  serverUp(): void {
    this.changed()
  }

  serverDown(): void {
    this.changed()
  }

  weightChanged(): void {
    this.changed()
  }

  connTaken(): void {}
  connReleased(): void {}
}
