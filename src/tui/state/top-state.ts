// State of `lbctl top`: pure reducer and selectors. The Ink components render views of it;
// the container turns events and key presses into actions.
import {countFlaps, type LbEvent, serverKey} from '../../observe/events.js'
import type {VrrpRow} from '../../observe/show-vrrp.js'
import {isGarpNews, recordAdvert, recordGarp, type WireGarpClaim, type WirePeer} from '../../observe/wire-peers.js'
import type {StatRow} from '../../observe/stat-csv.js'
import {cellState, recordCell, type TimelineCell, type TimelineConfig} from './timeline.js'

export type SortColumn = 'natural' | 'name' | 'status' | 'weight' | 'scur' | 'rate' | 'reqRate' | 'bin' | 'lastchg' | 'flaps'
/** The order `s` cycles through. */
export const sortColumns: SortColumn[] = ['natural', 'name', 'status', 'weight', 'scur', 'rate', 'reqRate', 'bin', 'lastchg', 'flaps']

export interface NodeState {
  name: string
  reachable: boolean
  error?: string
  version?: string
  uptimeSec?: number
  lastPoll?: number
}

/** The live data; frozen as a whole while paused. */
export interface LiveData {
  rows: Record<string, StatRow[]>
  flaps: Record<string, number>
  timeline: Record<string, TimelineCell[]>
  /** Newest last, without stats snapshots, at most maxEvents. */
  events: LbEvent[]
  now: number
  /** Each node's latest `show vrrp` rows and when they arrived; nodes without VRRP have none. */
  vrrp: Record<string, {at: number; rows: VrrpRow[]}>
  /** Senders of VRRP adverts seen by the sniffer, by peerKey(vrid, src). */
  wire: Record<string, WirePeer>
  /** The latest gratuitous ARP per address. */
  garps: Record<string, WireGarpClaim>
}

export type PromptKind = 'filter' | 'weight'

export interface TopState {
  nodes: NodeState[]
  live: LiveData
  /** What the screen shows while paused. */
  frozen?: LiveData
  paused: boolean
  timeline: TimelineConfig
  maxEvents: number
  sort: {column: SortColumn; descending: boolean}
  filter: string
  /** A one-line input at the bottom (`/` filter, `w` weight) and what is typed so far. */
  prompt?: {kind: PromptKind; text: string}
  selectedKey?: string
  help: boolean
  size: {columns: number; rows: number}
  /** VRIDs the operator expects (`--vrid`); with the nodes' own instances, any other VRID on the wire is rogue. */
  expectedVrids: number[]
  message?: {text: string; level: 'info' | 'error'}
}

export type TopAction =
  | {type: 'event'; event: LbEvent}
  | {type: 'tick'; now: number}
  | {type: 'move'; delta: number}
  | {type: 'sort-next'}
  | {type: 'sort-reverse'}
  | {type: 'prompt-open'; kind: PromptKind}
  | {type: 'prompt-type'; text: string}
  | {type: 'prompt-backspace'}
  | {type: 'prompt-close'; submit: boolean}
  | {type: 'toggle-pause'}
  | {type: 'toggle-help'}
  | {type: 'resize'; columns: number; rows: number}
  | {type: 'message'; text: string; level: 'info' | 'error'}

export function initialTopState(options: {nodes: string[]; now: number; columns?: number; rows?: number; timeline?: TimelineConfig; maxEvents?: number; expectedVrids?: number[]}): TopState {
  return {
    nodes: options.nodes.map((name) => ({name, reachable: false})),
    live: {rows: {}, flaps: {}, timeline: {}, events: [], now: options.now, vrrp: {}, wire: {}, garps: {}},
    paused: false,
    timeline: options.timeline ?? {bucketMs: 10_000, buckets: 30},
    maxEvents: options.maxEvents ?? 200,
    sort: {column: 'natural', descending: false},
    filter: '',
    help: false,
    size: {columns: options.columns ?? 80, rows: options.rows ?? 24},
    expectedVrids: options.expectedVrids ?? [],
  }
}

export interface TableRow {
  key: string
  node: string
  row: StatRow
  flaps: number
}

function updateNode(nodes: NodeState[], name: string, patch: Partial<NodeState>): NodeState[] {
  const known = nodes.some((n) => n.name === name)
  const list = known ? nodes : [...nodes, {name, reachable: false}]
  return list.map((n) => {
    if (n.name !== name) return n
    const next: NodeState = {...n, ...patch}
    if (patch.reachable) delete next.error
    return next
  })
}

function applyEvent(state: TopState, event: LbEvent): TopState {
  const live = state.live
  if (event.kind === 'stats') {
    const timeline = {...live.timeline}
    for (const row of event.snapshot.rows) {
      if (row.type !== 'server') continue
      const key = serverKey(event.node, row.proxy, row.name)
      timeline[key] = recordCell(timeline[key] ?? [], event.at, cellState(row.status), state.timeline)
    }
    const info = event.snapshot.info
    const patch: Partial<NodeState> = {reachable: true, lastPoll: event.at}
    if (info?.version !== undefined) patch.version = info.version
    if (info?.uptimeSec !== undefined) patch.uptimeSec = info.uptimeSec
    const {[event.node]: _old, ...vrrp} = live.vrrp
    if (event.snapshot.vrrp) vrrp[event.node] = {at: event.at, rows: event.snapshot.vrrp}
    return {
      ...state,
      nodes: updateNode(state.nodes, event.node, patch),
      live: {...live, rows: {...live.rows, [event.node]: event.snapshot.rows}, timeline, vrrp, now: Math.max(live.now, event.at)},
    }
  }
  if (event.kind === 'vrrp-advert') {
    // Adverts repeat every interval: the log keeps the ones that say something new, the panel keeps the rest.
    const {peers, news} = recordAdvert(live.wire, event)
    const now = Math.max(live.now, event.at)
    return {...state, live: {...live, wire: peers, now, events: news ? [...live.events, event].slice(-state.maxEvents) : live.events}}
  }
  if (event.kind === 'garp') {
    const news = isGarpNews(live.garps[event.ip], event)
    const now = Math.max(live.now, event.at)
    return {...state, live: {...live, garps: recordGarp(live.garps, event), now, events: news ? [...live.events, event].slice(-state.maxEvents) : live.events}}
  }
  const events = [...live.events, event].slice(-state.maxEvents)
  const nodes = event.kind === 'node' ? updateNode(state.nodes, event.node, event.reachable ? {reachable: true} : {reachable: false, error: event.text}) : state.nodes
  return {...state, nodes, live: {...live, events, flaps: countFlaps(live.flaps, [event]), now: Math.max(live.now, event.at)}}
}

export function topReducer(state: TopState, action: TopAction): TopState {
  switch (action.type) {
    case 'event':
      return applyEvent(state, action.event)
    case 'tick':
      return {...state, live: {...state.live, now: Math.max(state.live.now, action.now)}}
    case 'move': {
      const rows = visibleRows(state)
      if (rows.length === 0) return state
      const current = Math.max(0, rows.findIndex((r) => r.key === state.selectedKey))
      const index = Math.min(rows.length - 1, Math.max(0, current + action.delta))
      return {...state, selectedKey: rows[index]!.key}
    }
    case 'sort-next': {
      const column = sortColumns[(sortColumns.indexOf(state.sort.column) + 1) % sortColumns.length]!
      // Numbers read best biggest first, names A→Z.
      const descending = !['natural', 'name', 'status'].includes(column)
      return {...state, sort: {column, descending}}
    }
    case 'sort-reverse':
      return {...state, sort: {...state.sort, descending: !state.sort.descending}}
    case 'prompt-open':
      return {...state, prompt: {kind: action.kind, text: action.kind === 'filter' ? state.filter : ''}}
    case 'prompt-type':
      if (!state.prompt) return state
      return withPrompt(state, state.prompt.text + action.text)
    case 'prompt-backspace':
      if (!state.prompt) return state
      return withPrompt(state, state.prompt.text.slice(0, -1))
    case 'prompt-close': {
      if (!state.prompt) return state
      const {prompt: _closed, ...rest} = state
      // Escape on the filter prompt clears the filter; Enter keeps what was typed (it already applies live).
      if (state.prompt.kind === 'filter') return {...rest, filter: action.submit ? state.prompt.text : ''}
      return rest
    }
    case 'toggle-pause':
      if (state.paused) {
        const {frozen: _frozen, ...rest} = state
        return {...rest, paused: false}
      }
      return {...state, paused: true, frozen: state.live}
    case 'toggle-help':
      return {...state, help: !state.help}
    case 'resize':
      return {...state, size: {columns: action.columns, rows: action.rows}}
    case 'message':
      return {...state, message: {text: action.text, level: action.level}}
  }
}

function withPrompt(state: TopState, text: string): TopState {
  if (!state.prompt) return state
  const prompt = {...state.prompt, text}
  // The filter applies while typing, like less and htop.
  return prompt.kind === 'filter' ? {...state, prompt, filter: text} : {...state, prompt}
}

/** The data on screen: frozen while paused, live otherwise. */
export function shown(state: TopState): LiveData {
  return state.paused && state.frozen ? state.frozen : state.live
}

const statusRank: Record<string, number> = {DOWN: 0, MAINT: 1, DRAIN: 2, NOLB: 3, unknown: 4, 'no check': 5, UP: 6, OPEN: 7, FULL: 8, STOP: 9, WAITING: 10}

function sortValue(row: TableRow, column: SortColumn): number | string {
  const r = row.row
  switch (column) {
    case 'name':
      return `${r.proxy}/${r.name}`
    case 'status':
      return statusRank[r.status.state] ?? 99
    case 'weight':
      return r.weight ?? -1
    case 'scur':
      return r.scur ?? -1
    case 'rate':
      return r.rate ?? -1
    case 'reqRate':
      return r.reqRate ?? -1
    case 'bin':
      return (r.bin ?? 0) + (r.bout ?? 0)
    case 'lastchg':
      return r.lastchg ?? -1
    case 'flaps':
      return row.flaps
    case 'natural':
      return 0
  }
}

/** Rows after filter and sort, in the order shown. The filter matches `node/proxy/name` and the status. */
export function visibleRows(state: TopState): TableRow[] {
  const data = shown(state)
  const needle = state.filter.toLowerCase()
  const rows: TableRow[] = []
  for (const node of state.nodes) {
    for (const row of data.rows[node.name] ?? []) {
      const key = serverKey(node.name, row.proxy, row.name)
      const haystack = `${node.name}/${row.proxy}/${row.name} ${row.status.raw}`.toLowerCase()
      if (needle && !haystack.includes(needle)) continue
      rows.push({key, node: node.name, row, flaps: data.flaps[key] ?? 0})
    }
  }
  const {column, descending} = state.sort
  if (column === 'natural') return rows
  const sign = descending ? -1 : 1
  // Array.prototype.sort is stable, so ties keep HAProxy's order.
  return rows.sort((a, b) => {
    const x = sortValue(a, column)
    const y = sortValue(b, column)
    if (typeof x === 'string' && typeof y === 'string') return sign * x.localeCompare(y)
    return sign * ((x as number) - (y as number))
  })
}

/** The highlighted row: the selected key when visible, else the first row. */
export function selectedRow(state: TopState): TableRow | undefined {
  const rows = visibleRows(state)
  return rows.find((r) => r.key === state.selectedKey) ?? rows[0]
}
