/**
 * A timeout that is pushed back on every request or read and seldom fires (`timeout client`, `server`,
 * `http-request`, `http-keep-alive`). Deadlines of the same length expire in the order they were last set,
 * so each length keeps one queue (a linked list through the deadlines themselves) and one Node timer for
 * its head: setting a deadline moves it to the tail of its queue, with no allocation and no timer call.
 * When the timer fires it expires the heads that are due and re-arms for the next one (HAProxy's task
 * expiry works the same way). A `setTimeout` per request or `socket.setTimeout` per phase each allocate a
 * timer and a bound function instead.
 */
import {performance} from 'node:perf_hooks'
import {turnNow} from './turn-clock.js'

/** Every deadline of one length, oldest (soonest) first. */
class DeadlineQueue {
  head: Deadline | undefined = undefined
  tail: Deadline | undefined = undefined
  private timer: ReturnType<typeof setTimeout> | undefined = undefined
  /** When the pending timer fires (performance.now() ms). */
  private timerAt = 0

  constructor(readonly ms: number) {}

  append(d: Deadline): void {
    d.queue = this
    d.prev = this.tail
    d.next = undefined
    if (this.tail) this.tail.next = d
    else this.head = d
    this.tail = d
    // The head is the soonest: a timer pending for an earlier or equal head re-arms itself when it fires.
    if (this.timer === undefined || this.timerAt > this.head!.at) this.arm(this.head!.at)
  }

  remove(d: Deadline): void {
    const {prev, next} = d
    if (prev) prev.next = next
    else this.head = next
    if (next) next.prev = prev
    else this.tail = prev
    d.queue = undefined
    d.prev = undefined
    d.next = undefined
    // A queue left empty keeps its pending timer (unref'd, it refers to no deadline): a queue that empties and
    // fills again with every connection (the close grace) would otherwise clear and create a timer each time.
  }

  private arm(at: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timerAt = at
    this.timer = setTimeout(fireQueue, Math.max(1, Math.ceil(at - performance.now())), this)
    this.timer.unref()
  }

  fire(): void {
    this.timer = undefined
    const now = performance.now()
    // Timers may fire up to a millisecond early; anything closer than that is due. Deadlines set again by
    // an expiry go behind `last` and wait for the next round.
    const last = this.tail
    for (let d = this.head; d !== undefined && d.at - now < 1; d = this.head) {
      this.remove(d)
      d.at = 0
      d.onExpire()
      if (d === last) break
    }
    if (this.head !== undefined && this.timer === undefined) this.arm(this.head.at)
  }
}

function fireQueue(queue: DeadlineQueue): void {
  queue.fire()
}

/** One queue per deadline length (a handful: the configured timeouts). */
const queues = new Map<number, DeadlineQueue>()

function queueFor(ms: number): DeadlineQueue {
  let queue = queues.get(ms)
  if (queue === undefined) queues.set(ms, (queue = new DeadlineQueue(ms)))
  return queue
}

export class Deadline {
  /** When it expires (performance.now() ms), 0 when off. */
  at = 0
  /** The queue it is in while on, and its neighbours there. */
  queue: DeadlineQueue | undefined = undefined
  prev: Deadline | undefined = undefined
  next: Deadline | undefined = undefined

  constructor(readonly onExpire: () => void) {}

  /** Expires `ms` from now (replacing any earlier setting); 0 or less turns it off. */
  set(ms: number): void {
    if (ms <= 0) return this.stop()
    this.at = turnNow() + ms
    const queue = this.queue
    if (queue !== undefined) {
      // Already last: it stays in place (the common case for a connection that reads or writes again).
      if (queue.ms === ms && queue.tail === this) return
      queue.remove(this)
    }
    ;(queue !== undefined && queue.ms === ms ? queue : queueFor(ms)).append(this)
  }

  get active(): boolean {
    return this.at !== 0
  }

  /** Off: out of its queue, so nothing refers to its owner any more. */
  stop(): void {
    this.at = 0
    if (this.queue !== undefined) this.queue.remove(this)
  }
}
