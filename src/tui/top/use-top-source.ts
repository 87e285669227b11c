import {useEffect} from 'react'
import type {LbEvent} from '../../observe/events.js'
import type {Clock} from '../../observe/source.js'

/** Starts a source of events; returns a function that stops it. */
export type Subscribe = (onEvent: (event: LbEvent) => void) => () => void | Promise<void>

/** Feeds events from the source into `onEvent` while mounted, and stops the source on unmount. */
export function useTopSource(subscribe: Subscribe, onEvent: (event: LbEvent) => void): void {
  useEffect(() => {
    const stop = subscribe(onEvent)
    return () => {
      void stop()
    }
  }, [subscribe, onEvent])
}

/** Calls `onTick(now)` every `everyMs` on the injected clock (the timeline and clock advance without polls). */
export function useClockTick(clock: Clock, everyMs: number, onTick: (now: number) => void): void {
  useEffect(() => {
    let handle: unknown
    const tick = () => {
      onTick(clock.now())
      handle = clock.setTimeout(tick, everyMs)
    }
    handle = clock.setTimeout(tick, everyMs)
    return () => clock.clearTimeout(handle)
  }, [clock, everyMs, onTick])
}
