// Selectors for the VRRP panel of `lbctl top`: one line per node and instance, and the split-brain banner.
import {findSplitBrains, type SplitBrain} from '../../observe/show-vrrp.js'
import {rogueVrids, sortedPeers, wireRole, wireSplitBrains} from '../../observe/wire-peers.js'
import {shown, type TopState} from './top-state.js'

export interface VrrpPanelRow {
  key: string
  node: string
  instance: string
  vrid: number | null
  /** MASTER/BACKUP/FAULT/INIT, or UNREACHABLE when the node stopped answering (its last rows are stale). */
  role: string
  effectivePriority: number | null
  priority: number | null
  vips: string[]
  /** Since the last advert, aged by the time elapsed since the poll; null when none yet. */
  lastAdvertMsAgo: number | null
  /** The master as a node name when one of the watched nodes is it, else its address ('' when unknown). */
  master: string
  /** `stats`: the node's `show vrrp`; `wire`: a sender heard by the sniffer (role inferred from its adverts). */
  source: 'stats' | 'wire'
  /** A VRID outside the expected ones (`--vrid` and the nodes' own instances). */
  rogue: boolean
}

/** Every instance of every node, grouped by VRID then node order. */
export function vrrpPanelRows(state: TopState): VrrpPanelRow[] {
  const data = shown(state)
  const reachable = new Map(state.nodes.map((n) => [n.name, n.reachable]))
  // A MASTER's own address names its node: lets BACKUP rows say `a` instead of 127.0.0.11.
  const nodeOfAddress = new Map<string, string>()
  for (const node of state.nodes) {
    if (!reachable.get(node.name)) continue
    for (const row of data.vrrp[node.name]?.rows ?? []) if (row.state === 'MASTER' && row.master) nodeOfAddress.set(`${row.vrid}|${row.master}`, node.name)
  }
  const rogue = new Set(rogueVridsOf(state))
  const rows: VrrpPanelRow[] = []
  state.nodes.forEach((node, order) => {
    const entry = data.vrrp[node.name]
    if (!entry) return
    const up = reachable.get(node.name) === true
    for (const row of entry.rows) {
      rows.push({
        key: `${String(order).padStart(4, '0')}|${node.name}/${row.instance}`,
        node: node.name,
        instance: row.instance,
        vrid: row.vrid,
        role: up ? row.state : 'UNREACHABLE',
        effectivePriority: row.effectivePriority,
        priority: row.priority,
        vips: row.vips,
        lastAdvertMsAgo: up && row.lastAdvertMsAgo !== null ? row.lastAdvertMsAgo + Math.max(0, data.now - entry.at) : null,
        master: up ? (nodeOfAddress.get(`${row.vrid}|${row.master}`) ?? row.master) : '',
        source: 'stats',
        rogue: false,
      })
    }
  })
  // Senders on the wire come after the nodes' own rows of the same VRID; a sender that is a watched node is named after it.
  for (const peer of sortedPeers(data.wire)) {
    const role = wireRole(peer, data.now)
    const name = nodeOfAddress.get(`${peer.vrid}|${peer.src}`) ?? peer.src
    rows.push({
      key: `9999|${name}/wire/${peer.vrid}`,
      node: name,
      instance: '(wire)',
      vrid: peer.vrid,
      role,
      effectivePriority: peer.priority,
      priority: peer.priority,
      vips: peer.addresses,
      lastAdvertMsAgo: Math.max(0, data.now - peer.lastAt),
      master: role === 'MASTER' ? name : '',
      source: 'wire',
      rogue: rogue.has(peer.vrid),
    })
  }
  return rows.sort((a, b) => (a.vrid ?? 256) - (b.vrid ?? 256) || a.key.localeCompare(b.key)).map((r) => ({...r, key: r.key.slice(r.key.indexOf('|') + 1)}))
}

/** VRIDs with more than one MASTER among the reachable nodes or on the wire: the banner's content. */
export function splitBrains(state: TopState): SplitBrain[] {
  const data = shown(state)
  const fromStats = findSplitBrains(state.nodes.filter((n) => n.reachable).map((n) => [n.name, data.vrrp[n.name]?.rows ?? []] as const))
  const seen = new Set(fromStats.map((s) => s.vrid))
  const fromWire = wireSplitBrains(data.wire, data.now).filter((s) => !seen.has(s.vrid))
  return [...fromStats, ...fromWire].sort((a, b) => a.vrid - b.vrid)
}

/** VRIDs heard on the wire that neither `--vrid` nor any watched node's instances account for. */
export function rogueVridsOf(state: TopState): number[] {
  const data = shown(state)
  const expected = new Set(state.expectedVrids)
  for (const entry of Object.values(data.vrrp)) for (const row of entry.rows) if (row.vrid !== null) expected.add(row.vrid)
  return rogueVrids(data.wire, expected)
}
