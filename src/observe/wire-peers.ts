// What the wire says about VRRP: every sender of adverts per VRID, its inferred role, two senders
// at once (split brain) and VRIDs nobody configured (rogue). Pure: time comes in as `now`.
import type {GarpEvent, VrrpAdvertEvent, VrrpSplitEvent} from './events.js'
import {diffSplitBrains, type SplitBrain} from './show-vrrp.js'

/** One sender of adverts for one VRID. */
export interface WirePeer {
  vrid: number
  src: string
  version: number
  priority: number
  intervalMs: number
  addresses: string[]
  authType: string
  unicast: boolean
  sourceMac?: string
  /** Start of the current run of adverts (reset when the sender was silent before). */
  firstAt: number
  lastAt: number
  /** Adverts in the current run. */
  count: number
  /** Problems of the last advert (bad checksum, TTL, length). */
  problems: string[]
}

/** The latest announcement (gratuitous ARP, or unsolicited NA for IPv6) per address: who claimed it last. */
export interface WireGarpClaim {
  ip: string
  mac: string
  at: number
}

export type WirePeers = Readonly<Record<string, WirePeer>>

export function peerKey(vrid: number, src: string): string {
  return `${vrid}|${src}`
}

/**
 * A sender is still master until a backup would declare it dead: Master_Down_Interval is
 * 3 × Advertisement_Interval + Skew_Time (RFC 5798 §6.1), and Skew_Time is below one interval.
 */
export function silentAfterMs(peer: Pick<WirePeer, 'intervalMs'>): number {
  return 4 * Math.max(peer.intervalMs, 10)
}

/** MASTER while it advertises, RESIGNED after a priority-0 advert (it stopped), SILENT once the adverts stopped. */
export type WireRole = 'MASTER' | 'RESIGNED' | 'SILENT'

export function wireRole(peer: WirePeer, now: number): WireRole {
  if (now - peer.lastAt > silentAfterMs(peer)) return 'SILENT'
  return peer.priority === 0 ? 'RESIGNED' : 'MASTER'
}

/**
 * Adds one advert. `news` says whether an operator would want a log line for it: a new sender,
 * a sender back after silence, or a change of priority, interval, version, addresses or problems.
 */
export function recordAdvert(peers: WirePeers, advert: VrrpAdvertEvent): {peers: Record<string, WirePeer>; news: boolean} {
  const key = peerKey(advert.vrid, advert.src)
  const old = peers[key]
  const resumed = !old || advert.at - old.lastAt > silentAfterMs(old)
  const peer: WirePeer = {
    vrid: advert.vrid,
    src: advert.src,
    version: advert.version,
    priority: advert.priority,
    intervalMs: advert.intervalMs,
    addresses: advert.addresses,
    authType: advert.authType,
    unicast: advert.unicast,
    firstAt: resumed ? advert.at : old.firstAt,
    lastAt: Math.max(advert.at, old?.lastAt ?? 0),
    count: resumed ? 1 : old.count + 1,
    problems: advert.problems,
  }
  if (advert.sourceMac !== undefined) peer.sourceMac = advert.sourceMac
  const news =
    resumed ||
    old.priority !== peer.priority ||
    old.intervalMs !== peer.intervalMs ||
    old.version !== peer.version ||
    old.addresses.join(' ') !== peer.addresses.join(' ') ||
    old.problems.join(';') !== peer.problems.join(';')
  return {peers: {...peers, [key]: peer}, news}
}

/** keepalived repeats its gratuitous ARPs and NAs (vrrp_garp_master_repeat): a claim is news once, or when it changes hands. */
export function isGarpNews(old: WireGarpClaim | undefined, garp: GarpEvent): boolean {
  return !old || old.mac !== garp.mac || garp.at - old.at > 10_000
}

/** For a log of events: keeps the adverts and announcements (GARPs, NAs) that say something new (see recordAdvert, isGarpNews). */
export function wireNewsFilter(): (event: VrrpAdvertEvent | GarpEvent) => boolean {
  let peers: WirePeers = {}
  let claims: Readonly<Record<string, WireGarpClaim>> = {}
  return (event) => {
    if (event.kind === 'garp') {
      const news = isGarpNews(claims[event.ip], event)
      claims = recordGarp(claims, event)
      return news
    }
    const recorded = recordAdvert(peers, event)
    peers = recorded.peers
    return recorded.news
  }
}

export function recordGarp(claims: Readonly<Record<string, WireGarpClaim>>, garp: GarpEvent): Record<string, WireGarpClaim> {
  return {...claims, [garp.ip]: {ip: garp.ip, mac: garp.mac, at: garp.at}}
}

/** Senders, sorted by VRID then address. */
export function sortedPeers(peers: WirePeers): WirePeer[] {
  return Object.values(peers).sort((a, b) => a.vrid - b.vrid || a.src.localeCompare(b.src, 'en', {numeric: true}))
}

/**
 * VRIDs with two senders advertising at once. A takeover does not count: the old master's last
 * advert comes before the new one's first. Two masters each keep sending after the other started.
 */
export function wireSplitBrains(peers: WirePeers, now: number): SplitBrain[] {
  const masters = new Map<number, WirePeer[]>()
  for (const peer of sortedPeers(peers)) {
    if (wireRole(peer, now) !== 'MASTER') continue
    masters.set(peer.vrid, [...(masters.get(peer.vrid) ?? []), peer])
  }
  const splits: SplitBrain[] = []
  for (const [vrid, list] of masters) {
    const overlapping = list.filter((p) => list.some((q) => q !== p && p.lastAt > q.firstAt && q.lastAt > p.firstAt))
    if (overlapping.length > 1) splits.push({vrid, masters: overlapping.map((p) => ({node: p.src, instance: 'wire'}))})
  }
  return splits
}

/** VRIDs on the wire outside the expected set (empty set: nothing is expected, so nothing is rogue). */
export function rogueVrids(peers: WirePeers, expected: ReadonlySet<number>): number[] {
  if (expected.size === 0) return []
  return [...new Set(Object.values(peers).map((p) => p.vrid))].filter((v) => !expected.has(v)).sort((a, b) => a - b)
}

/**
 * Follows the senders heard by a sniffer and says when a split brain on the wire begins or ends, as
 * `vrrp-split` events (the same the poller emits for `show vrrp`), so logs and scripts see it too.
 */
export class WireSplitTracker {
  private peers: Record<string, WirePeer> = {}
  private splits: SplitBrain[] = []

  /** Records an advert; returns the split events its arrival causes. */
  advert(event: VrrpAdvertEvent): VrrpSplitEvent[] {
    this.peers = recordAdvert(this.peers, event).peers
    return this.check(event.at)
  }

  /** Splits that ended because a sender fell silent by `now`. */
  tick(now: number): VrrpSplitEvent[] {
    return this.check(now)
  }

  private check(now: number): VrrpSplitEvent[] {
    const next = wireSplitBrains(this.peers, now)
    const events = diffSplitBrains(now, this.splits, next)
    this.splits = next
    return events
  }
}
