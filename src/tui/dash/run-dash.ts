// Wires the live sources to the dash state and the blessed view until `q`.
import type {LiveSource} from '../../observe/live-source.js'
import {dashReducer, initialDashState, type DashState} from './dash-state.js'
import {createDashView} from './dash-view.js'

/** Redraws at most this often, however many events arrive (adverts at 100 ms, several nodes). */
const REDRAW_MS = 250

export async function runDash(options: {nodes: string[]; source: LiveSource; expectedVrids: number[]}): Promise<void> {
  let state: DashState = initialDashState({nodes: options.nodes, now: Date.now(), expectedVrids: options.expectedVrids})
  let quit: () => void = () => undefined
  const done = new Promise<void>((resolve) => (quit = resolve))
  const view = createDashView({onQuit: () => quit(), wireOnly: options.nodes.length === 0})
  let pending: ReturnType<typeof setTimeout> | undefined
  const redraw = () => {
    if (pending) return
    pending = setTimeout(() => {
      pending = undefined
      view.draw(state)
    }, REDRAW_MS)
  }
  options.source.subscribe((event) => {
    state = dashReducer(state, {type: 'event', event})
    redraw()
  })
  // Ages (time since the last advert) and the clock move without events.
  const ticker = setInterval(() => {
    state = dashReducer(state, {type: 'tick', now: Date.now()})
    redraw()
  }, 1000)
  view.draw(state)
  try {
    await done
  } finally {
    clearInterval(ticker)
    if (pending) clearTimeout(pending)
    view.destroy()
    await options.source.stop()
  }
}
