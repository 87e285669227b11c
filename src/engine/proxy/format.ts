/** One stderr line per engine event, worded like HAProxy's own health-check logs. */
import {CHECK_DESCRIPTIONS} from './health/probe.js'
import type {FrontendPlan} from './plan.js'
import type {EngineEvent} from './runtime.js'

export function formatEngineEvent(event: EngineEvent): string {
  switch (event.type) {
    case 'health': {
      const r = event.result
      const reason = `reason: ${CHECK_DESCRIPTIONS[r.status]}${r.code !== undefined ? `, code: ${r.code}` : ''}${r.description ? `, info: "${r.description}"` : ''}, check duration: ${r.durationMs}ms`
      const who = `${event.backend}/${event.server}`
      const wasUp = event.from.startsWith('UP') || event.from.startsWith('DRAIN')
      const isUp = event.to.startsWith('UP') || event.to.startsWith('DRAIN')
      if (wasUp === isUp) {
        const [word, counter = ''] = event.to.split(' ')
        const [step, of] = counter.split('/')
        const status = counter ? `${step}/${of} ${word}` : `${of ?? ''}${word}`
        return `[WARNING] Health check for server ${who} ${r.passed ? 'succeeded' : 'failed'}, ${reason}, status: ${counter ? status : word}.`
      }
      const left = `${event.active} active and ${event.backup} backup servers ${isUp ? 'online' : 'left'}.`
      return `[WARNING] Server ${who} is ${isUp ? 'UP' : 'DOWN'}, ${reason}. ${left}`
    }
    case 'admin':
      return `[NOTICE] Server ${event.backend}/${event.server}: ${event.change} (runtime API)`
    case 'log':
      return event.message
  }
}

/** `fe (127.0.0.1:80 → be), ...` for the started/reloaded lines. */
export function describeFrontends(frontends: readonly {name: string; plan: FrontendPlan}[]): string {
  return frontends.map((f) => `${f.name} (${f.plan.binds.map((b) => b.text).join(', ')} → ${f.plan.backend ?? 'no default backend: 503'})`).join(', ')
}
