// `--pin`: "on one core" taken literally. The proxy under test gets CPU 1 to itself; wrk and the nginx backends
// share CPU 0. Without it the proxy, wrk and two nginx compete for both cores and who gets the second one sets the
// rate. Linux only (taskset, util-linux); needs at least 2 CPUs.
import {availableParallelism} from 'node:os'
import {hasCommand} from '../util.js'

export type CpuRole = 'proxy' | 'load'

let pinned = false

/** Turns pinning on; returns why it cannot be, or undefined. */
export function pinCpus(): string | undefined {
  if (availableParallelism() < 2) return '--pin needs at least 2 CPUs'
  if (!hasCommand('taskset')) return '--pin needs taskset (apt-get install util-linux)'
  pinned = true
  return undefined
}

export function isPinned(): boolean {
  return pinned
}

/** The command line that runs `command` on its role's CPU (unchanged when not pinned). */
export function onCpu(role: CpuRole | undefined, command: string, args: string[]): [string, string[]] {
  if (!pinned || role === undefined) return [command, args]
  return ['taskset', ['-c', role === 'proxy' ? '1' : '0', command, ...args]]
}
