/**
 * Fault injectors for a node that is a local process: `kill` = SIGKILL (the node vanishes without a
 * word; the backup waits Master_Down_Interval), `stop` = SIGTERM (graceful: the MASTER sends a
 * priority-0 advert, so the backup waits only Skew_Time).
 */
import type {FaultRecord} from './records.js'

export type SignalFault = 'kill' | 'stop'

export const FAULT_SIGNALS: Record<SignalFault, NodeJS.Signals> = {kill: 'SIGKILL', stop: 'SIGTERM'}

/** How a signal reaches a process: process.kill, or a fake in tests. */
export type SignalSender = (pid: number, signal: NodeJS.Signals) => void

export function injectFault(kind: SignalFault, node: {name: string; pid: number}, options: {send?: SignalSender; now?: () => number} = {}): FaultRecord {
  const send = options.send ?? ((pid, signal) => process.kill(pid, signal))
  const signal = FAULT_SIGNALS[kind]
  const at = (options.now ?? Date.now)()
  send(node.pid, signal)
  return {kind, node: node.name, pid: node.pid, signal, at}
}
