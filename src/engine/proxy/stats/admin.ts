/**
 * `stats admin if <cond>`: the stats page's POST form (`s=<server>&…&action=<action>&b=#<backend id>`)
 * applied to the servers, then a 303 back to the page with HAProxy's outcome in `;st=`:
 * DONE (applied), PART (some servers unknown), NONE (nothing to do), ERRP (bad parameters),
 * EXCD (form too large), DENY (admin not allowed for this request).
 */
import type {BackendRuntime, ServerRuntime} from '../runtime.js'

/** The actions the bundled engine applies, with HAProxy's labels in the page's select. */
export const ADMIN_ACTIONS: [value: string, label: string][] = [
  ['ready', 'Set state to READY'],
  ['drain', 'Set state to DRAIN'],
  ['maint', 'Set state to MAINT'],
]

/** HAProxy refuses forms larger than its buffer; lbctl takes the same order of size. */
export const MAX_FORM_BYTES = 16 * 1024

export type AdminOutcome = 'DONE' | 'PART' | 'NONE' | 'ERRP' | 'EXCD' | 'DENY'

type Setter = (backend: BackendRuntime, server: ServerRuntime, change: {maint: boolean; drain: boolean}) => void

function change(backend: BackendRuntime, server: ServerRuntime, action: string, set: Setter | undefined): void {
  const wanted = action === 'ready' ? {maint: false, drain: false} : action === 'drain' ? {maint: false, drain: true} : {maint: true, drain: false}
  if (server.maint === wanted.maint && server.drain === wanted.drain) return
  if (set) return set(backend, server, wanted)
  backend.change(
    server,
    () => {
      server.maint = wanted.maint
      server.drain = wanted.drain
    },
    'state',
  )
}

/** Applies a submitted form (`application/x-www-form-urlencoded`) to the backends. */
export function applyAdminForm(body: string, backends: readonly BackendRuntime[], set?: Setter): AdminOutcome {
  const form = new URLSearchParams(body)
  const action = form.get('action') ?? ''
  const target = form.get('b') ?? ''
  const servers = form.getAll('s')
  if (!action || !ADMIN_ACTIONS.some(([value]) => value === action)) return 'ERRP'
  const backend = target.startsWith('#') ? backends.find((b) => String(b.plan.id) === target.slice(1)) : backends.find((b) => b.name === target)
  if (!backend) return 'ERRP'
  if (servers.length === 0) return 'NONE'
  let applied = 0
  for (const name of servers) {
    const server = backend.server(name)
    if (!server) continue
    change(backend, server, action, set)
    // Like HAProxy, a server already in the requested state counts as done.
    applied++
  }
  if (applied < servers.length) return applied > 0 ? 'PART' : 'ERRP'
  return 'DONE'
}
