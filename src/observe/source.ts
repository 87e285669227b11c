// Polls the stats socket of one or several nodes and turns the answers into events.
// Time and sockets are passed in, so tests drive it with a fake clock and fake clients.
import {diffSnapshots, type LbEvent, type StatsSnapshot} from './events.js'
import type {StatsClient} from './runtime-api.js'
import {diffSplitBrains, diffVrrp, findSplitBrains, type SplitBrain, type VrrpRow} from './show-vrrp.js'

export interface Clock {
  now(): number
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}

export interface PollTarget {
  /** Node name shown to the user (`lb1`), defaults to the socket. */
  node: string
  client: StatsClient
}

export interface NodePoll {
  node: string
  snapshot?: StatsSnapshot
  error?: string
}

/**
 * Asks one node for `show stat`, `show info` and `show vrrp` (when the client has it). Never throws:
 * a failure of stat/info is returned as `error`; `show vrrp` failing only leaves the VRRP rows out.
 */
export async function pollNode(target: PollTarget, clock: Clock): Promise<NodePoll> {
  try {
    const vrrp: Promise<VrrpRow[] | undefined> = target.client.showVrrp ? target.client.showVrrp().catch(() => undefined) : Promise.resolve(undefined)
    const [rows, info, vrrpRows] = await Promise.all([target.client.showStat(), target.client.showInfo(), vrrp])
    const snapshot: StatsSnapshot = {node: target.node, at: clock.now(), rows, info}
    if (vrrpRows) snapshot.vrrp = vrrpRows
    return {node: target.node, snapshot}
  } catch (error) {
    return {node: target.node, error: (error as Error).message}
  }
}

export interface Poller {
  /** Polls every node now (also what each tick does) and resolves with the events it emitted. */
  pollNow(): Promise<LbEvent[]>
  /** Stops the timer and waits for a poll in flight; no event is emitted afterwards. */
  stop(): Promise<void>
}

export interface PollerOptions {
  targets: PollTarget[]
  intervalMs: number
  onEvent: (event: LbEvent) => void
  clock?: Clock
}

/** Polls at once, then every intervalMs after the previous poll finished (polls never overlap). */
export function startPoller(options: PollerOptions): Poller {
  const clock = options.clock ?? systemClock
  const previous = new Map<string, StatsSnapshot>()
  const reachable = new Map<string, boolean>()
  // Why each unreachable node failed last: a new reason (e.g. the next reconnect attempt) is a new event.
  const failure = new Map<string, string>()
  // The latest VRRP rows of each reachable node, and the split brains seen at the previous round.
  const vrrpRows = new Map<string, VrrpRow[]>()
  let splits: SplitBrain[] = []
  let stopped = false
  let timer: unknown
  let inFlight: Promise<LbEvent[]> | undefined

  const emitAll = (events: LbEvent[]) => {
    if (stopped) return
    for (const e of events) options.onEvent(e)
  }

  const pollAll = async (): Promise<LbEvent[]> => {
    const results = await Promise.all(options.targets.map((t) => pollNode(t, clock)))
    const events: LbEvent[] = []
    for (const result of results) {
      const wasReachable = reachable.get(result.node)
      if (result.error !== undefined || !result.snapshot) {
        const text = `stats socket unreachable: ${result.error ?? 'no answer'}`
        if (wasReachable !== false || failure.get(result.node) !== text) events.push({kind: 'node', at: clock.now(), node: result.node, reachable: false, text})
        failure.set(result.node, text)
        reachable.set(result.node, false)
        vrrpRows.delete(result.node)
        continue
      }
      const snapshot = result.snapshot
      if (wasReachable === false) events.push({kind: 'node', at: snapshot.at, node: result.node, reachable: true, text: 'stats socket reachable again'})
      failure.delete(result.node)
      reachable.set(result.node, true)
      events.push({kind: 'stats', at: snapshot.at, node: result.node, snapshot, text: `${snapshot.rows.length} rows`})
      events.push(...diffSnapshots(previous.get(result.node), snapshot))
      if (snapshot.vrrp) {
        events.push(...diffVrrp(result.node, snapshot.at, previous.get(result.node)?.vrrp, snapshot.vrrp))
        vrrpRows.set(result.node, snapshot.vrrp)
      } else vrrpRows.delete(result.node)
      previous.set(result.node, snapshot)
    }
    const nextSplits = findSplitBrains(options.targets.map((t) => [t.node, vrrpRows.get(t.node) ?? []] as const))
    events.push(...diffSplitBrains(clock.now(), splits, nextSplits))
    splits = nextSplits
    emitAll(events)
    return events
  }

  const pollNow = (): Promise<LbEvent[]> => {
    if (inFlight) return inFlight
    inFlight = pollAll().finally(() => (inFlight = undefined))
    return inFlight
  }

  const tick = () => {
    timer = undefined
    void pollNow().then(() => {
      if (!stopped) timer = clock.setTimeout(tick, options.intervalMs)
    })
  }
  tick()

  return {
    pollNow,
    stop: async () => {
      stopped = true
      if (timer !== undefined) clock.clearTimeout(timer)
      timer = undefined
      await inFlight?.catch(() => undefined)
    },
  }
}
