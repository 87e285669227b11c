// The one event model: every source (stats poller, VRRP sniffer, the bundled engine's event stream) emits these,
// every consumer (top, dash, failover-test, deploy probes) reads them.
import type {ShowInfo} from './show-info.js'
import type {VrrpRow} from './show-vrrp.js'
import type {StatRow, StatusState} from './stat-csv.js'

export interface StatsSnapshot {
  node: string
  /** Epoch milliseconds when the answer arrived. */
  at: number
  rows: StatRow[]
  info?: ShowInfo
  /** `show vrrp` rows; absent when the node has no VRRP (a real HAProxy answers `Unknown command`). */
  vrrp?: VrrpRow[]
}

interface Base {
  /** Epoch milliseconds. */
  at: number
  /** The node (load balancer) the event is about or was seen on. */
  node: string
  /** One line, in the wording operators know from HAProxy's logs and tcpdump. */
  text: string
}

export type StatsEvent = Base & {kind: 'stats'; snapshot: StatsSnapshot}
export type HealthEvent = Base & {
  kind: 'health'
  proxy: string
  /** Server name, or `BACKEND` when a whole backend lost (or regained) its servers. */
  server: string
  from: StatusState
  to: StatusState
  /** The check that caused it, as `L7STS/404 in 2ms`; empty for admin changes. */
  check: string
  activeLeft?: number
  backupLeft?: number
}
/** A VRRP message captured on the wire (src/observe/vrrp-sniffer.ts); `node` is the interface it was seen on. */
export type VrrpAdvertEvent = Base & {
  kind: 'vrrp-advert'
  src: string
  dst: string
  family: 4 | 6
  version: number
  vrid: number
  priority: number
  /** `none`, `simple` (PASS) or `ah` for VRRPv2, as tcpdump words it; `none` for VRRPv3. */
  authType: string
  intervalMs: number
  addresses: string[]
  /** VRRP message length (tcpdump's `length`). */
  length: number
  ttl: number
  /** Sent to a unicast peer rather than the VRRP multicast group. */
  unicast: boolean
  sourceMac?: string
  /** Why a router would drop it (bad checksum, TTL, length); empty for a valid advert. */
  problems: string[]
}
/**
 * An announcement on the wire: `mac` claims `ip` (a new VRRP master announcing its VIPs). A gratuitous
 * ARP request or reply for IPv4; for IPv6 an unsolicited Neighbor Advertisement (`na`: `ip` its target,
 * `mac` its Target Link-Layer Address option, else the frame's sender).
 */
export type GarpEvent = Base & {kind: 'garp'; ip: string; mac: string; op: 'request' | 'reply' | 'na'}
export type RoleChangeEvent = Base & {kind: 'role'; instance: string; vrid?: number; from: string; to: string}
/** More than one MASTER for one VRID across the watched nodes (`resolved`: the condition ended). */
export type VrrpSplitEvent = Base & {kind: 'vrrp-split'; vrid: number; masters: {node: string; instance: string}[]; resolved: boolean}
export type ReloadEvent = Base & {kind: 'reload'; pid?: number}
export type RequestLogEvent = Base & {kind: 'request'}
/** A node's stats socket became unreachable, or reachable again. */
export type NodeEvent = Base & {kind: 'node'; reachable: boolean}

export type LbEvent = StatsEvent | HealthEvent | VrrpAdvertEvent | GarpEvent | RoleChangeEvent | VrrpSplitEvent | ReloadEvent | RequestLogEvent | NodeEvent

export function serverKey(node: string, proxy: string, name: string): string {
  return `${node}/${proxy}/${name}`
}

const usable = new Set<StatusState>(['UP', 'NOLB', 'DRAIN', 'no check'])

/** An UP→DOWN transition: the thing the flap counter counts. */
export function isFlap(event: LbEvent): boolean {
  return event.kind === 'health' && event.server !== 'BACKEND' && usable.has(event.from) && event.to === 'DOWN'
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

function healthText(row: StatRow, backend: StatRow | undefined): {text: string; activeLeft?: number; backupLeft?: number} {
  const parts = [`${row.proxy}/${row.name} ${row.status.raw}`]
  const checked = row.status.state === 'UP' || row.status.state === 'DOWN' || row.status.state === 'NOLB'
  if (checked && row.checkText) parts.push(row.checkText.replace(/^\* /, ''))
  if (!backend) return {text: parts.join(', ')}
  const activeLeft = backend.act ?? 0
  const backupLeft = backend.bck ?? 0
  parts.push(`${plural(activeLeft, 'active server')}${backupLeft > 0 ? ` and ${backupLeft} backup` : ''} left`)
  return {text: parts.join(', '), activeLeft, backupLeft}
}

/**
 * Events between two successive snapshots of one node: servers whose state changed (transitional
 * `UP 1/3` counts as UP until HAProxy flips it), backends that lost or regained every server, and reloads.
 */
export function diffSnapshots(previous: StatsSnapshot | undefined, next: StatsSnapshot): LbEvent[] {
  if (!previous) return []
  const events: LbEvent[] = []
  const before = new Map(previous.rows.map((r) => [`${r.type}/${r.proxy}/${r.name}`, r]))
  const backends = new Map(next.rows.filter((r) => r.type === 'backend').map((r) => [r.proxy, r]))
  for (const row of next.rows) {
    if (row.type !== 'server' && row.type !== 'backend') continue
    const old = before.get(`${row.type}/${row.proxy}/${row.name}`)
    if (!old || old.status.state === row.status.state) continue
    const base = {at: next.at, node: next.node, proxy: row.proxy, server: row.name, from: old.status.state, to: row.status.state, check: row.checkText.replace(/^\* /, '')}
    if (row.type === 'backend') {
      const text = row.status.state === 'DOWN' ? `backend ${row.proxy} has no server available!` : `backend ${row.proxy} ${row.status.raw}`
      events.push({kind: 'health', ...base, check: '', text})
      continue
    }
    events.push({kind: 'health', ...base, ...healthText(row, backends.get(row.proxy))})
  }
  const oldPid = previous.info?.pid
  const newPid = next.info?.pid
  const oldUptime = previous.info?.uptimeSec
  const newUptime = next.info?.uptimeSec
  if ((oldPid !== undefined && newPid !== undefined && oldPid !== newPid) || (oldUptime !== undefined && newUptime !== undefined && newUptime < oldUptime)) {
    const event: ReloadEvent = {kind: 'reload', at: next.at, node: next.node, text: `haproxy reloaded${newPid !== undefined ? ` (pid ${newPid})` : ''}`}
    if (newPid !== undefined) event.pid = newPid
    events.push(event)
  }
  return events
}

/** Adds this batch's UP→DOWN transitions to the per-server counts (keys from serverKey). */
export function countFlaps(counts: Readonly<Record<string, number>>, events: readonly LbEvent[]): Record<string, number> {
  const next = {...counts}
  for (const e of events) {
    if (e.kind !== 'health' || !isFlap(e)) continue
    const key = serverKey(e.node, e.proxy, e.server)
    next[key] = (next[key] ?? 0) + 1
  }
  return next
}

/** `12:00:01.234` in local time, as tcpdump prints it. */
export function clockTime(at: number): string {
  const d = new Date(at)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`
}

/**
 * One line for a log: `12:00:01.234 lb1 app/web1 DOWN, L4CON in 0ms, 1 active server left`. Packets seen on
 * the wire read as tcpdump prints them: `12:00:01.234 198.18.0.1 > 224.0.0.18: VRRPv2, Advertisement, ...`.
 */
export function formatEventLine(event: LbEvent): string {
  if (event.kind === 'vrrp-advert' || event.kind === 'garp') return `${clockTime(event.at)} ${event.text}`
  return `${clockTime(event.at)} ${event.node} ${event.text}`
}

/** `HAProxy 2.6.12, servers: 2 UP, 1 DOWN` — the first line a log of events prints for a node. */
export function summarizeSnapshot(snapshot: StatsSnapshot): string {
  const counts = new Map<string, number>()
  for (const row of snapshot.rows) if (row.type === 'server') counts.set(row.status.state, (counts.get(row.status.state) ?? 0) + 1)
  const servers = [...counts].map(([state, n]) => `${n} ${state}`).join(', ') || 'none'
  const version = snapshot.info?.version?.split('-')[0]
  return `${version ? `HAProxy ${version}, ` : ''}servers: ${servers}`
}

/** An event without its bulky snapshot, for JSON output. */
export function eventForJson(event: LbEvent): Record<string, unknown> {
  if (event.kind !== 'stats') return {...event}
  return {kind: event.kind, at: event.at, node: event.node, text: event.text, rows: event.snapshot.rows.length}
}

const STATES = new Set<string>(['UP', 'DOWN', 'NOLB', 'MAINT', 'DRAIN', 'no check', 'OPEN', 'FULL', 'STOP', 'WAITING'])
const toState = (value: unknown): StatusState => (typeof value === 'string' && STATES.has(value) ? (value as StatusState) : 'unknown')
const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined)
const str = (value: unknown): string => (typeof value === 'string' ? value : '')

/**
 * One line of the bundled engine's `show events` stream (a JSON object: health, request or role) as an
 * event of `node`; undefined for a line that is not one (blank, a prompt, an unknown kind).
 */
export function parseEventLine(line: string, node: string): LbEvent | undefined {
  let data: Record<string, unknown>
  try {
    const parsed: unknown = JSON.parse(line)
    if (typeof parsed !== 'object' || parsed === null) return undefined
    data = parsed as Record<string, unknown>
  } catch {
    return undefined
  }
  const at = num(data.at)
  if (at === undefined) return undefined
  const base = {at, node, text: str(data.text)}
  switch (data.kind) {
    case 'health': {
      const event: HealthEvent = {...base, kind: 'health', proxy: str(data.proxy), server: str(data.server), from: toState(data.from), to: toState(data.to), check: str(data.check)}
      const active = num(data.activeLeft)
      const backup = num(data.backupLeft)
      if (active !== undefined) event.activeLeft = active
      if (backup !== undefined) event.backupLeft = backup
      return event
    }
    case 'request':
      return {...base, kind: 'request'}
    case 'role': {
      const event: RoleChangeEvent = {...base, kind: 'role', instance: str(data.instance), from: str(data.from), to: str(data.to)}
      const vrid = num(data.vrid)
      if (vrid !== undefined) event.vrid = vrid
      return event
    }
    default:
      return undefined
  }
}
