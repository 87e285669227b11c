/**
 * What one failover experiment records: every client request, the roles the nodes reported over
 * time, and the fault. Times are ms since the epoch (Date.now()); the report makes them relative.
 */

/**
 * kill: SIGKILL of the VRRP process; stop: a graceful stop; proxy: the proxy killed, VRRP left running
 * (its track script lowers the priority); link: the VRRP interface down; block-vrrp: VRRP packets
 * dropped (the split-brain case).
 */
export type FaultKind = 'kill' | 'stop' | 'proxy' | 'link' | 'block-vrrp'

export const FAULT_KINDS: readonly FaultKind[] = ['kill', 'stop', 'proxy', 'link', 'block-vrrp']

export type RequestOutcome =
  | {kind: 'ok'; status: number}
  /** An HTTP answer other than 2xx/3xx. */
  | {kind: 'status'; status: number}
  /** No HTTP answer: refused, reset, timed out (`code` is the errno or `timeout`). */
  | {kind: 'error'; code: string}

export interface RequestRecord {
  start: number
  end: number
  outcome: RequestOutcome
  /** The `x-served-by` header of the answer (the demo and lab backends set it). */
  servedBy?: string
  /** The `x-lb-node` header: the load balancer that forwarded the answer (the lab's haproxy sets it). */
  lbNode?: string
}

/** The VIP appearing on or leaving a node's interface. */
export interface VipChange {
  at: number
  node: string
  change: 'added' | 'removed'
}

/** One node's role as a poll of its stats socket saw it; `unreachable` when the socket did not answer. */
export interface RoleChange {
  at: number
  node: string
  instance: string
  vrid: number | null
  from: string | null
  to: string
}

/** A period during which two or more nodes said MASTER for one VRID. */
export interface DualMasterWindow {
  vrid: number
  start: number
  end: number
  nodes: string[]
}

export interface VrrpTiming {
  /** The node that should take over (the highest-priority survivor). */
  node: string
  version: 2 | 3
  advertIntMs: number
  priority: number
  /** The track script's interval × fall: how long a dead proxy may go unnoticed (the proxy fault). */
  trackDetectMs?: number
}

export interface Timeline {
  roles: RoleChange[]
  dualMaster: DualMasterWindow[]
  /** Polls of `show vrrp` made (all nodes together). */
  polls: number
}

export interface FaultRecord {
  kind: FaultKind
  node: string
  /** The process the fault hit (for link/block-vrrp: the node's VRRP process, left running). */
  pid: number
  /** The signal sent, null when the fault is not a signal. */
  signal: string | null
  at: number
  /** What was done, in words (`ip link set eth0 down in lbl-...-lba`). */
  action?: string
}
