/**
 * The time, read once per event-loop turn (HAProxy's now_ms: its poll loop updates it once per round). The proxy
 * looks at the clock several times per request (deadlines, rate counters, last-session times); within one turn
 * those readings differ by less than the turn lasts, and a turn never spans a wait for I/O: the cached value is
 * dropped at the end of the turn (io/turn.ts), before the event loop can block again.
 */
import {performance} from 'node:perf_hooks'
import type {Clock} from '../clock.js'
import {atEndOfTurn, type EndOfTurn} from '../io/turn.js'

let cached = -1

const forget: EndOfTurn = {
  endOfTurn() {
    cached = -1
  },
}

/** performance.now() as of this turn's first reading. */
export function turnNow(): number {
  if (cached < 0) {
    cached = performance.now()
    atEndOfTurn(forget)
  }
  return cached
}

const timeOrigin = performance.timeOrigin

/** The proxy's clock: epoch milliseconds, read once per turn. */
export const turnClock: Clock = {
  now: () => timeOrigin + turnNow(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}
