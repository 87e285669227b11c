/**
 * What HAProxy 2.6 sends to a backend's log targets when a health check moves a server (checked on a
 * UDP listener): `Server app/s2 is DOWN, reason: ...` at level alert, `... is UP, ...` at notice, and
 * `backend app has no server available!` at emerg when the last one goes. Steps inside rise/fall
 * (`UP 1/3`) are not logged (HAProxy needs `option log-health-checks` for them).
 */
import {CHECK_DESCRIPTIONS, type CheckResult} from '../health/probe.js'

export interface HealthChange {
  backend: string
  server: string
  from: string
  to: string
  result: CheckResult
  active: number
  backup: number
  /** Sessions on the server when it went down. */
  sessions: number
}

const isUp = (status: string) => status.startsWith('UP') || status.startsWith('DRAIN') || status.startsWith('NOLB')
const settled = (status: string) => !/ \d+\/\d+$/.test(status)

export function healthLogLines(change: HealthChange): {level: number; text: string}[] {
  const wasUp = isUp(change.from)
  const up = isUp(change.to)
  if (wasUp === up || !settled(change.to)) return []
  const r = change.result
  const reason = `reason: ${CHECK_DESCRIPTIONS[r.status]}${r.code !== undefined ? `, code: ${r.code}` : ''}${r.description && !r.passed ? `, info: "${r.description}"` : ''}, check duration: ${r.durationMs}ms`
  const who = `${change.backend}/${change.server}`
  if (up) return [{level: 5, text: `Server ${who} is UP, ${reason}. ${change.active} active and ${change.backup} backup servers online. 0 sessions requeued, 0 total in queue.`}]
  const lines = [{level: 1, text: `Server ${who} is DOWN, ${reason}. ${change.active} active and ${change.backup} backup servers left. ${change.sessions} sessions active, 0 requeued, 0 remaining in queue.`}]
  if (change.active + change.backup === 0) lines.push({level: 0, text: `backend ${change.backend} has no server available!`})
  return lines
}
