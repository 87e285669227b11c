// Selectors for the VRRP panel of `lbctl top`: one line per node and instance, and the split-brain banner.
import {findSplitBrains, type SplitBrain} from '../../observe/show-vrrp.js'
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
      })
    }
  })
  return rows.sort((a, b) => (a.vrid ?? 256) - (b.vrid ?? 256) || a.key.localeCompare(b.key)).map((r) => ({...r, key: r.key.slice(r.key.indexOf('|') + 1)}))
}

/** VRIDs with more than one MASTER among the reachable nodes: the banner's content. */
export function splitBrains(state: TopState): SplitBrain[] {
  const data = shown(state)
  return findSplitBrains(state.nodes.filter((n) => n.reachable).map((n) => [n.name, data.vrrp[n.name]?.rows ?? []] as const))
}
