/** Events per second over a sliding second, like HAProxy's freq_ctr (previous period weighted by what is left of it). */
export class RateCounter {
  private periodStart = 0
  private current = 0
  private previous = 0
  max = 0

  constructor(private readonly now: () => number) {
    this.periodStart = now()
  }

  private rotate(t: number): void {
    const periods = Math.floor((t - this.periodStart) / 1000)
    if (periods <= 0) return
    this.previous = periods === 1 ? this.current : 0
    this.current = 0
    this.periodStart += periods * 1000
  }

  /** Counts one event; reads the clock once (it runs for every connection and request). */
  hit(): void {
    const t = this.now()
    this.rotate(t)
    this.current++
    const rate = this.rateAt(t)
    if (rate > this.max) this.max = rate
  }

  rate(): number {
    const t = this.now()
    this.rotate(t)
    return this.rateAt(t)
  }

  private rateAt(t: number): number {
    const left = 1 - (t - this.periodStart) / 1000
    return Math.round(this.current + this.previous * left)
  }
}
