/** The sliding-second rate of HAProxy's freq_ctr: this second's events plus last second's, weighted by what is left. */
import {describe, expect, it} from 'vitest'
import {RateCounter} from '../../../src/engine/proxy/rate.js'

describe('RateCounter', () => {
  it('counts this second, weighs the previous one by what is left of it, and keeps the maximum', () => {
    let t = 10_000
    const rate = new RateCounter(() => t)
    for (let i = 0; i < 10; i++) rate.hit()
    expect(rate.rate()).toBe(10)
    t += 1250 // a quarter into the next second: 10 × 0.75 of the previous one
    expect(rate.rate()).toBe(8)
    rate.hit()
    expect(rate.rate()).toBe(9)
    expect(rate.max).toBe(10)
    t += 2000 // two periods later nothing is left
    expect(rate.rate()).toBe(0)
  })
})
