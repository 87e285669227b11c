/**
 * The timeline as the wire saw it: VRRP adverts and VIP announcements (gratuitous ARPs, and unsolicited
 * Neighbor Advertisements for IPv6 VIPs) captured by the sniffer (src/observe/vrrp-sniffer.ts), folded
 * into the figures the polls cannot give — the old master's last advert, the new master's first, the
 * first announcement, and the time two routers advertised for one VRID at once. The fold is pure; the
 * capture is the target's (see TargetSession.watchWire).
 */
import type {GarpEvent, VrrpAdvertEvent} from '../observe/events.js'

export type WireEvent = VrrpAdvertEvent | GarpEvent

export interface WireWatch {
  /** Stops the capture and returns every event it saw. */
  stop(): Promise<WireEvent[]>
}

export interface WireReport {
  adverts: number
  /** Announcements: gratuitous ARPs and unsolicited Neighbor Advertisements. */
  garps: number
  /** Sender address → node name, for the adverts seen. */
  senders: {address: string; node: string}[]
  /** All times are ms relative to the fault (negative: before it). */
  lastAdvertOfOldMasterMs: number | null
  /** The first advert (priority > 0) from another router after the fault. */
  newMasterFirstAdvertMs: number | null
  newMasterAddress: string | null
  /** The first announcement (gratuitous ARP or, for an IPv6 VIP, unsolicited NA) after the fault, and who sent it. */
  firstGarpMs: number | null
  firstGarpMac: string | null
  /** What it was: `request`/`reply` (ARP) or `na`. */
  firstGarpOp: GarpEvent['op'] | null
  /** Total time two or more routers advertised for the VRID at once (each counted active for 1.5 adverts after an advert). */
  dualMasterMs: number
  dualMaster: {startMs: number; endMs: number; nodes: string[]}[]
}

/** The VRID's adverts a router would accept (a bad checksum or TTL does not keep a backup quiet). */
const advertsOf = (events: readonly WireEvent[], vrid: number) =>
  events.filter((e): e is VrrpAdvertEvent => e.kind === 'vrrp-advert' && e.vrid === vrid && e.problems.length === 0).sort((x, y) => x.at - y.at)

/** The old master's last advert (priority > 0) at or before `at`, epoch ms. */
export function lastAdvertBefore(events: readonly WireEvent[], vrid: number, address: string, at: number): number | undefined {
  return advertsOf(events, vrid).filter((e) => e.src === address && e.priority > 0 && e.at <= at).at(-1)?.at
}

export function foldWire(events: readonly WireEvent[], options: {vrid: number; faultAt: number; oldMasterAddress: string | undefined; nodeOf: (address: string) => string}): WireReport {
  const t = (at: number) => Math.round(at - options.faultAt)
  const adverts = advertsOf(events, options.vrid)
  const garps = events.filter((e): e is GarpEvent => e.kind === 'garp').sort((x, y) => x.at - y.at)
  const last = options.oldMasterAddress === undefined ? undefined : lastAdvertBefore(events, options.vrid, options.oldMasterAddress, options.faultAt)
  const first = adverts.find((e) => e.at >= options.faultAt && e.src !== options.oldMasterAddress && e.priority > 0)
  const garp = garps.find((e) => e.at >= options.faultAt)
  const windows = dualWindows(adverts)
  return {
    adverts: adverts.length,
    garps: garps.length,
    senders: [...new Set(adverts.map((e) => e.src))].map((address) => ({address, node: options.nodeOf(address)})),
    lastAdvertOfOldMasterMs: last === undefined ? null : t(last),
    newMasterFirstAdvertMs: first ? t(first.at) : null,
    newMasterAddress: first?.src ?? null,
    firstGarpMs: garp ? t(garp.at) : null,
    firstGarpMac: garp?.mac ?? null,
    firstGarpOp: garp?.op ?? null,
    dualMasterMs: Math.round(windows.reduce((sum, w) => sum + (w.end - w.start), 0)),
    dualMaster: windows.map((w) => ({startMs: t(w.start), endMs: t(w.end), nodes: w.senders.map(options.nodeOf)})),
  }
}

/**
 * Each sender is active from each advert (priority > 0) for 1.5 of its advert intervals, and stops at
 * a priority-0 advert; the windows are where two or more senders are active at once.
 */
export function dualWindows(adverts: readonly VrrpAdvertEvent[]): {start: number; end: number; senders: string[]}[] {
  const active = new Map<string, {start: number; end: number}[]>()
  for (const e of adverts) {
    const spans = active.get(e.src) ?? []
    active.set(e.src, spans)
    const open = spans.at(-1)
    if (e.priority === 0) {
      if (open && open.end > e.at) open.end = e.at
      continue
    }
    const end = e.at + 1.5 * e.intervalMs
    if (open && open.end >= e.at) open.end = Math.max(open.end, end)
    else spans.push({start: e.at, end})
  }
  // Sweep over every span edge, counting active senders.
  const edges = [...active].flatMap(([sender, spans]) => spans.flatMap((s) => [{at: s.start, sender, delta: 1}, {at: s.end, sender, delta: -1}]))
  edges.sort((x, y) => x.at - y.at || x.delta - y.delta)
  const now = new Map<string, number>()
  const windows: {start: number; end: number; senders: string[]}[] = []
  let open: {start: number; senders: Set<string>} | undefined
  for (const edge of edges) {
    now.set(edge.sender, (now.get(edge.sender) ?? 0) + edge.delta)
    const senders = [...now].filter(([, n]) => n > 0).map(([s]) => s)
    if (senders.length >= 2) {
      if (!open) open = {start: edge.at, senders: new Set(senders)}
      else for (const s of senders) open.senders.add(s)
    } else if (open) {
      if (edge.at > open.start) windows.push({start: open.start, end: edge.at, senders: [...open.senders].sort()})
      open = undefined
    }
  }
  // A late advert (scheduling jitter) splits one split brain in two: join windows closer than one advert interval.
  const interval = Math.min(...adverts.map((e) => e.intervalMs))
  const joined: typeof windows = []
  for (const w of windows) {
    const last = joined.at(-1)
    if (last && w.start - last.end < interval) {
      last.end = w.end
      last.senders = [...new Set([...last.senders, ...w.senders])].sort()
    } else joined.push({...w})
  }
  return joined
}
