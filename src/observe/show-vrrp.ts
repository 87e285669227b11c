// `show vrrp` (lbctl's extension of the runtime API), read by column name like `show stat`, plus the
// cross-node checks top makes on the rows: role changes between polls and two masters for one VRID.
import type {RoleChangeEvent, VrrpSplitEvent} from './events.js'

/** One VRRP instance of one node, as its stats socket reported it. */
export interface VrrpRow {
  instance: string
  /** MASTER, BACKUP, FAULT, INIT (as the engine says it). */
  state: string
  priority: number | null
  effectivePriority: number | null
  vrid: number | null
  version: number | null
  advertIntMs: number | null
  /** The master this instance knows (itself when MASTER), empty when it heard none yet. */
  master: string
  vips: string[]
  /** Since the last advert sent (MASTER) or received (others), when the poll answered. */
  lastAdvertMsAgo: number | null
  /** The name the engine gives itself (`node` column). */
  reportedNode: string
}

/** Whether a runtime API answer says the command does not exist (real HAProxy, or an engine without VRRP). */
export function isUnknownCommand(answer: string): boolean {
  return /^Unknown command/.test(answer.trim())
}

/** Parses `show vrrp`; throws when the answer has no `# ` header naming at least `instance` and `state`. */
export function parseShowVrrp(text: string): VrrpRow[] {
  const lines = text.split('\n').map((line) => line.replace(/\r$/, ''))
  const headerAt = lines.findIndex((line) => line.startsWith('# '))
  if (headerAt < 0) throw new Error(`no "# instance,state,..." header in: ${text.trim().split('\n')[0] ?? ''}`)
  const columns = lines[headerAt]!.slice(2).split(',').map((c) => c.trim())
  const index = new Map(columns.map((name, i) => [name, i]))
  if (!index.has('instance') || !index.has('state')) throw new Error(`the header has no instance/state columns: ${lines[headerAt]}`)
  const rows: VrrpRow[] = []
  for (const line of lines.slice(headerAt + 1)) {
    if (line.trim() === '') continue
    const fields = line.split(',')
    const text = (name: string) => {
      const i = index.get(name)
      return i === undefined ? '' : (fields[i] ?? '').trim()
    }
    const number = (name: string) => {
      const value = text(name)
      if (value === '') return null
      const n = Number(value)
      return Number.isFinite(n) ? n : null
    }
    rows.push({
      instance: text('instance'),
      state: text('state'),
      priority: number('priority'),
      effectivePriority: number('effective_priority'),
      vrid: number('vrid'),
      version: number('version'),
      advertIntMs: number('advert_int_ms'),
      master: text('master'),
      vips: text('vips').split(/\s+/).filter(Boolean),
      lastAdvertMsAgo: number('last_advert_ms_ago'),
      reportedNode: text('node'),
    })
  }
  return rows
}

/** `a VI_1 BACKUP -> MASTER`: instances whose state differs from the previous poll of the same node. */
export function diffVrrp(node: string, at: number, previous: readonly VrrpRow[] | undefined, next: readonly VrrpRow[]): RoleChangeEvent[] {
  if (!previous) return []
  const before = new Map(previous.map((r) => [r.instance, r]))
  const events: RoleChangeEvent[] = []
  for (const row of next) {
    const old = before.get(row.instance)
    if (!old || old.state === row.state) continue
    const event: RoleChangeEvent = {kind: 'role', at, node, instance: row.instance, from: old.state, to: row.state, text: `${row.instance} ${old.state} -> ${row.state}`}
    if (row.vrid !== null) event.vrid = row.vrid
    events.push(event)
  }
  return events
}

export interface SplitBrain {
  vrid: number
  /** `node/instance` of each MASTER, in node order. */
  masters: {node: string; instance: string}[]
}

/** VRIDs that more than one node (or instance) claims as MASTER at once, from each node's latest rows. */
export function findSplitBrains(rowsByNode: ReadonlyArray<readonly [node: string, rows: readonly VrrpRow[]]>): SplitBrain[] {
  const masters = new Map<number, {node: string; instance: string}[]>()
  for (const [node, rows] of rowsByNode) {
    for (const row of rows) {
      if (row.state !== 'MASTER' || row.vrid === null) continue
      masters.set(row.vrid, [...(masters.get(row.vrid) ?? []), {node, instance: row.instance}])
    }
  }
  return [...masters]
    .filter(([, list]) => list.length > 1)
    .map(([vrid, list]) => ({vrid, masters: list}))
    .sort((a, b) => a.vrid - b.vrid)
}

export function splitBrainText(split: SplitBrain): string {
  return `two masters for VRID ${split.vrid}: ${split.masters.map((m) => `${m.node} ${m.instance}`).join(', ')}`
}

/** Events for split brains that began or ended since the previous round (keyed by VRID). */
export function diffSplitBrains(at: number, previous: readonly SplitBrain[], next: readonly SplitBrain[]): VrrpSplitEvent[] {
  const before = new Set(previous.map((s) => s.vrid))
  const after = new Set(next.map((s) => s.vrid))
  const events: VrrpSplitEvent[] = []
  for (const split of next) {
    if (before.has(split.vrid)) continue
    events.push({kind: 'vrrp-split', at, node: split.masters.map((m) => m.node).join(','), vrid: split.vrid, masters: split.masters, resolved: false, text: splitBrainText(split)})
  }
  for (const split of previous) {
    if (after.has(split.vrid)) continue
    events.push({kind: 'vrrp-split', at, node: split.masters.map((m) => m.node).join(','), vrid: split.vrid, masters: [], resolved: true, text: `VRID ${split.vrid} has one master again`})
  }
  return events
}
