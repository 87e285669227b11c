/**
 * What one failover experiment records: every client request, the roles the nodes reported over
 * time, and the fault. Times are ms since the epoch (Date.now()); the report makes them relative.
 */

export type FaultKind = 'kill' | 'stop'

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
  /** The `x-served-by` header of the answer (the demo backends set it). */
  servedBy?: string
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
  pid: number
  signal: NodeJS.Signals
  at: number
}
