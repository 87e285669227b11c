/** Deadlines share one queue and one timer per length: order, moves between lengths, expiry inside an expiry. */
import {performance} from 'node:perf_hooks'
import {describe, expect, it} from 'vitest'
import {Deadline} from '../../../src/engine/proxy/timers/deadline.js'

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('Deadline queues', () => {
  it('expires deadlines of one length in the order they were last set, each no earlier than set', async () => {
    const order: string[] = []
    const setAt = new Map<string, number>()
    const late: string[] = []
    const make = (name: string) =>
      new Deadline(() => {
        order.push(name)
        if (performance.now() - setAt.get(name)! < 39) late.push(name)
      })
    const a = make('a')
    const b = make('b')
    const c = make('c')
    for (const [name, d] of [['a', a], ['b', b], ['c', c]] as const) {
      setAt.set(name, performance.now())
      d.set(40)
    }
    await pause(10)
    // a is pushed back behind c.
    setAt.set('a', performance.now())
    a.set(40)
    await pause(100)
    expect(order).toEqual(['b', 'c', 'a'])
    expect(late).toEqual([])
  })

  it('moves a deadline to another length, and one stopped in a shared queue leaves the others alone', async () => {
    const fired: string[] = []
    const long = new Deadline(() => fired.push('long'))
    const short = new Deadline(() => fired.push('short'))
    const stopped = new Deadline(() => fired.push('stopped'))
    long.set(30)
    stopped.set(30)
    short.set(5000)
    short.set(20)
    stopped.stop()
    await pause(80)
    expect(fired).toEqual(['short', 'long'])
    expect(short.active || long.active || stopped.active).toBe(false)
  })

  it('a deadline set again from its own expiry waits a whole length more', async () => {
    const times: number[] = []
    const start = performance.now()
    const d: Deadline = new Deadline(() => {
      times.push(performance.now() - start)
      if (times.length < 3) d.set(25)
    })
    d.set(25)
    await pause(150)
    expect(times).toHaveLength(3)
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(24)
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(24)
  })
})
