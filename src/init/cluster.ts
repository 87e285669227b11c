import type {InitNode} from './options.js'

export type VrrpRole = 'MASTER' | 'BACKUP'

export interface PlannedNode extends InitNode {
  role: VrrpRole
  priority: number
}

export interface ClusterPlan {
  nodes: PlannedNode[]
  /**
   * The vrrp_script weight (negative): what a node loses while its haproxy is down.
   * Chosen so the failed MASTER falls below every healthy BACKUP, which makes the VIP really move.
   */
  weight: number
}

export const MASTER_PRIORITY = 110
/** The first BACKUP; further backups count down from it so every priority is distinct. */
export const FIRST_BACKUP_PRIORITY = 100
/** How far below the lowest BACKUP a failed MASTER lands. */
export const FAILOVER_MARGIN = 10

/**
 * First node MASTER (110), the others BACKUP (100, 99, ...). With a track script of weight w < 0,
 * a node whose haproxy is down advertises priority + w. Failover needs
 *   MASTER + w < lowest BACKUP   ⇔   |w| > MASTER − lowest BACKUP (the gap),
 * so |w| = gap + margin. Positive weights are never used: a BACKUP whose check passes would gain
 * priority and could overtake a healthy MASTER (the trap in the seed articles).
 */
export function planCluster(nodes: InitNode[]): ClusterPlan {
  const planned = nodes.map((node, i): PlannedNode => ({
    ...node,
    role: i === 0 ? 'MASTER' : 'BACKUP',
    priority: i === 0 ? MASTER_PRIORITY : FIRST_BACKUP_PRIORITY - (i - 1),
  }))
  const lowestBackup = Math.min(...planned.slice(1).map((n) => n.priority))
  const gap = MASTER_PRIORITY - lowestBackup
  return {nodes: planned, weight: -(gap + FAILOVER_MARGIN)}
}

/** Whether losing |weight| takes the MASTER below every BACKUP (what `validate --pair` also checks). */
export function failsOver(plan: ClusterPlan): boolean {
  const master = plan.nodes.find((n) => n.role === 'MASTER')
  const backups = plan.nodes.filter((n) => n.role === 'BACKUP')
  if (!master || backups.length === 0) return false
  return backups.every((b) => master.priority + plan.weight < b.priority && b.priority + plan.weight >= 1)
}
