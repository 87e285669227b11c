// The live sources of `lbctl top` and `lbctl dash` behind one subscribe: the stats poller of every
// node and, with --sniff, the VRRP sniffer. The sniffer starts first (it can be refused: root,
// interface) so the command fails before any screen is drawn; its events wait for the subscriber.
import type {LbEvent} from './events.js'
import {startPoller, type Clock, type Poller, type PollTarget} from './source.js'
import {startVrrpSniffer, type VrrpSniffer} from './vrrp-sniffer.js'
import {WireSplitTracker} from './wire-peers.js'

export interface SniffTarget {
  iface: string
  netns?: string
}

export interface LiveSourceOptions {
  targets: PollTarget[]
  intervalMs: number
  sniff?: SniffTarget
  /** Emit `vrrp-split` events for two senders on the wire (default true; a one-shot snapshot computes its own). */
  wireSplits?: boolean
  clock?: Clock
}

export interface LiveSource {
  /** Starts the poller and delivers every event (sniffed ones captured so far first) to onEvent. */
  subscribe(onEvent: (event: LbEvent) => void): void
  /** Asks every node for a poll now (after an admin action). */
  pollNow(): void
  stop(): Promise<void>
}

/** Opens the sources; rejects with the sniffer's UserError when capturing is refused. */
export async function openLiveSource(options: LiveSourceOptions): Promise<LiveSource> {
  const early: LbEvent[] = []
  let deliver: ((event: LbEvent) => void) | undefined
  let stopped = false
  const forward = (event: LbEvent) => {
    if (stopped) return
    if (deliver) deliver(event)
    else if (early.length < 10_000) early.push(event)
  }
  let sniffer: VrrpSniffer | undefined
  let splitTimer: ReturnType<typeof setInterval> | undefined
  if (options.sniff) {
    const sniff = options.sniff
    const tracker = options.wireSplits === false ? undefined : new WireSplitTracker()
    sniffer = await startVrrpSniffer({
      iface: sniff.iface,
      ...(sniff.netns !== undefined ? {netns: sniff.netns} : {}),
      onEvent: (event) => {
        forward(event)
        if (tracker && event.kind === 'vrrp-advert') for (const split of tracker.advert(event)) forward(split)
      },
      onError: (error) => forward({kind: 'node', at: Date.now(), node: sniff.iface, reachable: false, text: `VRRP sniffer stopped: ${error.message}`}),
    })
    // A split ends when a sender falls silent: nothing arrives to say so, the clock does.
    if (tracker) splitTimer = setInterval(() => tracker.tick(Date.now()).forEach(forward), 250)
  }
  let poller: Poller | undefined
  return {
    subscribe(onEvent) {
      deliver = onEvent
      for (const event of early.splice(0)) onEvent(event)
      if (options.targets.length > 0) poller = startPoller({targets: options.targets, intervalMs: options.intervalMs, onEvent: forward, ...(options.clock ? {clock: options.clock} : {})})
    },
    pollNow() {
      void poller?.pollNow()
    },
    async stop() {
      stopped = true
      if (splitTimer) clearInterval(splitTimer)
      await Promise.all([poller?.stop(), sniffer?.stop()])
    },
  }
}
