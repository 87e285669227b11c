// The `lbctl top --once --json` contract: one picture of every node, flat and script-friendly.
import {eventForJson, type LbEvent} from './events.js'
import {findSplitBrains, splitBrainText, type VrrpRow} from './show-vrrp.js'
import type {NodePoll} from './source.js'
import type {StatRow, StatusState} from './stat-csv.js'
import {rogueVrids, sortedPeers, wireRole, wireSplitBrains, type WirePeers} from './wire-peers.js'

export interface NodeJson {
  name: string
  socket: string
  reachable: boolean
  error?: string
  version?: string
  pid?: number
  uptimeSec?: number
  currConns?: number
}

/** One row of the stats table: a frontend, a backend or a server (see `type`). */
export interface ServerJson {
  node: string
  proxy: string
  name: string
  type: StatRow['type']
  /** As HAProxy printed it: `UP 1/3`, `MAINT (via app/web1)`. */
  status: string
  state: StatusState
  check: string
  weight: number | null
  scur: number | null
  smax: number | null
  slim: number | null
  rate: number | null
  reqRate: number | null
  bin: number | null
  bout: number | null
  qcur: number | null
  lastchg: number | null
  downtime: number | null
  chkfail: number | null
  chkdown: number | null
  addr: string | null
}

/** One VRRP instance of one node (`show vrrp` of a reachable node). */
export interface VrrpJson {
  node: string
  instance: string
  vrid: number | null
  state: string
  priority: number | null
  effectivePriority: number | null
  version: number | null
  advertIntMs: number | null
  /** Address of the master this instance knows; null before it heard one. */
  master: string | null
  vips: string[]
  lastAdvertMsAgo: number | null
  /** Present on senders heard by the VRRP sniffer (`node` is their address, the role is inferred from their adverts). */
  source?: 'wire'
  /** A VRID that neither --vrid nor any watched node's instances account for. */
  rogue?: boolean
  /** Adverts heard from this sender in its current run. */
  adverts?: number
  /** Link-layer address of the sender. */
  mac?: string
}

/** What the sniffer heard, for the snapshot. */
export interface WireSummary {
  peers: WirePeers
  now: number
  expectedVrids: number[]
}

export interface TopSnapshot {
  nodes: NodeJson[]
  servers: ServerJson[]
  /** VRRP instances of the reachable nodes that answer `show vrrp` (the bundled engine); [] for real HAProxy. */
  vrrp: VrrpJson[]
  /** Non-stats events; a snapshot adds one `vrrp-split` event per VRID with two masters. */
  events: Record<string, unknown>[]
}

export function vrrpRowToJson(node: string, row: VrrpRow): VrrpJson {
  return {
    node,
    instance: row.instance,
    vrid: row.vrid,
    state: row.state,
    priority: row.priority,
    effectivePriority: row.effectivePriority,
    version: row.version,
    advertIntMs: row.advertIntMs,
    master: row.master === '' ? null : row.master,
    vips: row.vips,
    lastAdvertMsAgo: row.lastAdvertMsAgo,
  }
}

export function rowToJson(node: string, row: StatRow): ServerJson {
  const n = (v: number | undefined) => v ?? null
  return {
    node,
    proxy: row.proxy,
    name: row.name,
    type: row.type,
    status: row.status.raw,
    state: row.status.state,
    check: row.checkText,
    weight: n(row.weight),
    scur: n(row.scur),
    smax: n(row.smax),
    slim: n(row.slim),
    rate: n(row.rate),
    reqRate: n(row.reqRate),
    bin: n(row.bin),
    bout: n(row.bout),
    qcur: n(row.qcur),
    lastchg: n(row.lastchg),
    downtime: n(row.downtime),
    chkfail: n(row.chkfail),
    chkdown: n(row.chkdown),
    addr: row.addr ?? null,
  }
}

function wireRows(wire: WireSummary, expected: ReadonlySet<number>): VrrpJson[] {
  const rogue = new Set(rogueVrids(wire.peers, expected))
  return sortedPeers(wire.peers).map((peer) => {
    const state = wireRole(peer, wire.now)
    const row: VrrpJson = {
      node: peer.src,
      instance: '(wire)',
      vrid: peer.vrid,
      state,
      priority: peer.priority,
      effectivePriority: peer.priority,
      version: peer.version,
      advertIntMs: peer.intervalMs,
      master: state === 'MASTER' ? peer.src : null,
      vips: peer.addresses,
      lastAdvertMsAgo: Math.max(0, Math.round(wire.now - peer.lastAt)),
      source: 'wire',
      rogue: rogue.has(peer.vrid),
      adverts: peer.count,
    }
    if (peer.sourceMac !== undefined) row.mac = peer.sourceMac
    return row
  })
}

export function buildTopSnapshot(polls: NodePoll[], sockets: Record<string, string>, events: LbEvent[] = [], wire?: WireSummary): TopSnapshot {
  const nodes: NodeJson[] = polls.map((p) => {
    const node: NodeJson = {name: p.node, socket: sockets[p.node] ?? '', reachable: p.snapshot !== undefined}
    if (p.error !== undefined) node.error = p.error
    const info = p.snapshot?.info
    if (info?.version !== undefined) node.version = info.version
    if (info?.pid !== undefined) node.pid = info.pid
    if (info?.uptimeSec !== undefined) node.uptimeSec = info.uptimeSec
    if (info?.currConns !== undefined) node.currConns = info.currConns
    return node
  })
  const servers = polls.flatMap((p) => (p.snapshot?.rows ?? []).map((r) => rowToJson(p.node, r)))
  const vrrp = polls.flatMap((p) => (p.snapshot?.vrrp ?? []).map((r) => vrrpRowToJson(p.node, r)))
  const at = Math.max(0, ...polls.map((p) => p.snapshot?.at ?? 0), wire?.now ?? 0)
  const statSplits = findSplitBrains(polls.map((p) => [p.node, p.snapshot?.vrrp ?? []] as const))
  const splitList = [...statSplits]
  if (wire) {
    const expected = new Set([...wire.expectedVrids, ...vrrp.flatMap((v) => (v.vrid === null ? [] : [v.vrid]))])
    vrrp.push(...wireRows(wire, expected))
    splitList.push(...wireSplitBrains(wire.peers, wire.now).filter((s) => !statSplits.some((t) => t.vrid === s.vrid)))
  }
  const splits = splitList.map((split) =>
    eventForJson({kind: 'vrrp-split', at, node: split.masters.map((m) => m.node).join(','), vrid: split.vrid, masters: split.masters, resolved: false, text: splitBrainText(split)}),
  )
  return {nodes, servers, vrrp, events: [...events.filter((e) => e.kind !== 'stats').map(eventForJson), ...splits]}
}
