import {performance} from 'node:perf_hooks'
import {describe, expect, it} from 'vitest'
import {turnClock, turnNow} from '../../../src/engine/proxy/timers/turn-clock.js'

const busyWait = (ms: number) => {
  const until = performance.now() + ms
  while (performance.now() < until);
}
const nextTurn = () => new Promise((resolve) => setImmediate(resolve))

describe('the turn clock', () => {
  it('reads the same within one turn, however long the turn runs', () => {
    const first = turnNow()
    busyWait(5)
    expect(turnNow()).toBe(first)
    expect(turnClock.now()).toBe(performance.timeOrigin + first)
  })

  it('reads again in the next turn', async () => {
    const first = turnNow()
    busyWait(3)
    await nextTurn()
    expect(turnNow()).toBeGreaterThanOrEqual(first + 3)
  })

  it('is never stale after waiting for a timer', async () => {
    turnNow()
    await new Promise((resolve) => setTimeout(resolve, 20))
    const before = performance.now()
    expect(turnNow()).toBeGreaterThanOrEqual(before - 1)
    expect(Math.abs(turnClock.now() - Date.now())).toBeLessThan(50)
  })
})
