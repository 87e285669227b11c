/**
 * The VRRP timeline: every `intervalMs` each node's `show vrrp` (through its stats socket) is read;
 * role changes (an unreachable socket counts as the role `unreachable`) and the windows in which
 * two nodes say MASTER for one VRID are recorded. The fold over polls is pure; the poller is the edge.
 */
import type {VrrpRow} from '../observe/show-vrrp.js'
import type {DualMasterWindow, RoleChange, Timeline} from './records.js'

/** One node's answer to one poll: its rows, or undefined when the socket did not answer. */
export interface NodePoll {
  node: string
  rows: readonly VrrpRow[] | undefined
}

export interface TimelineRecorder {
  /** Folds one round of polls taken at `at`. */
  add(at: number, polls: readonly NodePoll[]): void
  /** The latest rows of each node that answered last time. */
  latest(): Map<string, readonly VrrpRow[]>
  /** Closes any open dual-master window at `at` and returns the timeline. */
  finish(at: number): Timeline
}

export function timelineRecorder(): TimelineRecorder {
  const roles: RoleChange[] = []
  const dualMaster: DualMasterWindow[] = []
  const state = new Map<string, string>()
  const open = new Map<number, DualMasterWindow>()
  const latest = new Map<string, readonly VrrpRow[]>()
  let polls = 0

  return {
    add(at, nodePolls) {
      polls++
      for (const poll of nodePolls) {
        if (poll.rows === undefined) {
          latest.delete(poll.node)
          // Every instance of the node becomes unreachable.
          for (const [key, from] of state) {
            if (!key.startsWith(`${poll.node}\0`) || from === 'unreachable') continue
            const instance = key.slice(poll.node.length + 1)
            roles.push({at, node: poll.node, instance, vrid: null, from, to: 'unreachable'})
            state.set(key, 'unreachable')
          }
          continue
        }
        latest.set(poll.node, poll.rows)
        for (const row of poll.rows) {
          const key = `${poll.node}\0${row.instance}`
          const from = state.get(key) ?? null
          if (from === row.state) continue
          roles.push({at, node: poll.node, instance: row.instance, vrid: row.vrid, from, to: row.state})
          state.set(key, row.state)
        }
      }
      const masters = new Map<number, string[]>()
      for (const poll of nodePolls) {
        for (const row of poll.rows ?? []) {
          if (row.state === 'MASTER' && row.vrid !== null) masters.set(row.vrid, [...(masters.get(row.vrid) ?? []), poll.node])
        }
      }
      for (const [vrid, nodes] of masters) {
        if (nodes.length < 2) continue
        const window = open.get(vrid)
        if (window) window.end = at
        else {
          const started: DualMasterWindow = {vrid, start: at, end: at, nodes}
          open.set(vrid, started)
          dualMaster.push(started)
        }
      }
      // A window ends at the first poll that no longer shows two masters.
      for (const [vrid, window] of open) {
        if ((masters.get(vrid)?.length ?? 0) < 2) {
          window.end = at
          open.delete(vrid)
        }
      }
    },
    latest: () => new Map(latest),
    finish(at) {
      for (const window of open.values()) window.end = at
      open.clear()
      return {roles: [...roles], dualMaster: dualMaster.map((w) => ({...w})), polls}
    },
  }
}

export interface VrrpSource {
  node: string
  showVrrp(): Promise<VrrpRow[] | undefined>
}

export interface TimelinePoller {
  recorder: TimelineRecorder
  /** Resolves after the next complete round of polls. */
  nextRound(): Promise<void>
  stop(): Promise<Timeline>
}

/** Polls every source every `intervalMs` (rounds never overlap) into a recorder. */
export function startTimeline(sources: readonly VrrpSource[], options: {intervalMs?: number; now?: () => number} = {}): TimelinePoller {
  const intervalMs = options.intervalMs ?? 50
  const now = options.now ?? Date.now
  const recorder = timelineRecorder()
  let stopped = false
  let waiters: (() => void)[] = []
  let timer: ReturnType<typeof setTimeout> | undefined
  let running: Promise<void> = Promise.resolve()

  const round = async () => {
    const polls = await Promise.all(
      sources.map(async (source): Promise<NodePoll> => {
        try {
          return {node: source.node, rows: (await source.showVrrp()) ?? []}
        } catch {
          return {node: source.node, rows: undefined}
        }
      }),
    )
    recorder.add(now(), polls)
    const done = waiters
    waiters = []
    for (const resolve of done) resolve()
  }
  const loop = () => {
    if (stopped) return
    const began = now()
    running = round().then(() => {
      if (!stopped) timer = setTimeout(loop, Math.max(0, intervalMs - (now() - began)))
    })
  }
  loop()

  return {
    recorder,
    nextRound: () => new Promise((resolve) => waiters.push(resolve)),
    async stop() {
      stopped = true
      clearTimeout(timer)
      await running
      for (const resolve of waiters) resolve()
      return recorder.finish(now())
    },
  }
}
