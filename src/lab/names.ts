/**
 * Lab namespaces are named `lbl-<pid>-<run>-<host>`: unique per run (parallel tests never collide),
 * and a leftover of a crashed run is recognisable by its dead owner pid (see sweepLeftovers).
 */
import {randomBytes} from 'node:crypto'

export const LAB_PREFIX = 'lbl-'

/** The hosts of a lab; `sw` holds the bridge every other host's eth0 is plugged into. */
export const LAB_HOSTS = ['sw', 'lba', 'lbb', 'app1', 'app2', 'client'] as const
export type LabHost = (typeof LAB_HOSTS)[number]

export function newLabId(pid = process.pid): string {
  return `${pid}-${randomBytes(3).toString('hex')}`
}

export function namespaceName(labId: string, host: LabHost): string {
  return `${LAB_PREFIX}${labId}-${host}`
}

/** The owner pid and lab id of a lab namespace name, or undefined for any other name. */
export function parseNamespaceName(name: string): {pid: number; labId: string; host: string} | undefined {
  const match = /^lbl-(\d+)-([0-9a-f]{6})-([a-z0-9]+)$/.exec(name)
  if (!match) return undefined
  return {pid: Number(match[1]), labId: `${match[1]}-${match[2]}`, host: match[3]!}
}
