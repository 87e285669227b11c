/**
 * Checks across the keepalived configs of the nodes of one cluster: the instances that must agree
 * (VRID, VIPs, advert_int, version, auth), the election (priorities, MASTER count, track_script
 * weights that really hand the VIP over), unicast peer lists, and VRID collisions.
 */
import {type Diagnostic, diagnostic, type Severity} from './diagnostics.js'
import type {KeepalivedConfigParse, SourceRef, VrrpInstance, VrrpScript} from './keepalived/index.js'

export interface PairOptions {
  /** Node names, in the order of `nodes` (default: the main file paths). */
  names?: string[]
}

interface Member {
  node: number
  name: string
  vi: VrrpInstance
  scripts: Map<string, VrrpScript>
}

export function checkPair(nodes: KeepalivedConfigParse[], options: PairOptions = {}): Diagnostic[] {
  const out: Diagnostic[] = []
  if (nodes.length < 2) return out
  const names = nodes.map((n, i) => options.names?.[i] ?? n.files[0]?.source.path ?? `node ${i + 1}`)
  const report = (code: string, severity: Severity, at: SourceRef, message: string, suggestions: string[] = []) =>
    out.push(diagnostic(code, severity, at.file, {line: at.line, column: at.column, endLine: at.line, endColumn: at.line === at.endLine ? at.endColumn : at.column + 1}, message, suggestions))

  const groups = groupInstances(nodes, names)
  for (const [key, members] of groups) {
    if (members.length < 2) continue
    checkAgreement(key, members, report)
    checkElection(key, members, report)
    checkUnicast(key, members, report)
  }
  checkVridCollisions(groups, report)
  return out
}

type Report = (code: string, severity: Severity, at: SourceRef, message: string, suggestions?: string[]) => void

/** Instances are matched by name; an instance whose name no other node has is matched by VRID. */
function groupInstances(nodes: KeepalivedConfigParse[], names: string[]): Map<string, Member[]> {
  const groups = new Map<string, Member[]>()
  const counts = new Map<string, number>()
  for (const node of nodes) for (const vi of uniqueInstances(node)) counts.set(vi.name, (counts.get(vi.name) ?? 0) + 1)
  nodes.forEach((node, i) => {
    const scripts = new Map(node.model.vrrpScripts.map((s) => [s.name, s]))
    for (const vi of uniqueInstances(node)) {
      const key = (counts.get(vi.name) ?? 0) > 1 || vi.virtualRouterId === undefined ? vi.name : `VRID ${vi.virtualRouterId}`
      const list = groups.get(key) ?? []
      list.push({node: i, name: names[i]!, vi, scripts})
      groups.set(key, list)
    }
  })
  return groups
}

function uniqueInstances(node: KeepalivedConfigParse): VrrpInstance[] {
  const seen = new Set<string>()
  return node.model.vrrpInstances.filter((vi) => !seen.has(vi.name) && seen.add(vi.name))
}

const at = (m: Member, keyword: string) => m.vi.lines[keyword] ?? m.vi.at
const ref = (m: Member, keyword: string) => `${m.name}:${at(m, keyword).line}`

function checkAgreement(key: string, members: Member[], report: Report): void {
  const [first, ...rest] = members as [Member, ...Member[]]
  const vips = (m: Member) => [...new Set(m.vi.virtualIpaddresses.map((a) => `${a.address}/${a.prefix ?? (a.family === 4 ? 32 : 128)}`))].sort()
  for (const m of rest) {
    if (m.vi.virtualRouterId !== first.vi.virtualRouterId && first.vi.virtualRouterId !== undefined)
      report('keepalived/pair-vrid-mismatch', 'error', at(m, 'virtual_router_id'), `${key}: virtual_router_id ${m.vi.virtualRouterId ?? '(none)'} here but ${first.vi.virtualRouterId} on ${ref(first, 'virtual_router_id')}: the nodes never see each other and both become MASTER`, [
        `write virtual_router_id ${first.vi.virtualRouterId}`,
      ])
    const a = vips(first).join(' ')
    const b = vips(m).join(' ')
    if (a !== b)
      report('keepalived/pair-vip-mismatch', 'error', at(m, 'virtual_ipaddress'), `${key}: virtual_ipaddress holds ${b || '(nothing)'} here but ${a || '(nothing)'} on ${ref(first, 'virtual_ipaddress')}`, [
        `list the same addresses on every node: ${a}`,
      ])
    if (m.vi.advertInt !== first.vi.advertInt)
      report('keepalived/pair-advert-int-mismatch', 'error', at(m, 'advert_int'), `${key}: advert_int ${m.vi.advertInt} here but ${first.vi.advertInt} on ${ref(first, 'advert_int')}: keepalived drops adverts with another interval`, [
        `write advert_int ${first.vi.advertInt}`,
      ])
    if (m.vi.version !== first.vi.version)
      report('keepalived/pair-version-mismatch', 'error', at(m, 'version'), `${key}: VRRP version ${m.vi.version} here but ${first.vi.version} on ${first.name}`, [`write version ${first.vi.version}`])
    const authA = first.vi.authentication
    const authB = m.vi.authentication
    if ((authA?.type ?? 'none') !== (authB?.type ?? 'none'))
      report('keepalived/pair-auth-mismatch', 'error', authB?.at ?? m.vi.at, `${key}: auth_type ${authB?.type ?? '(none)'} here but ${authA?.type ?? '(none)'} on ${first.name}: adverts are rejected`, [
        authA?.type ? `write auth_type ${authA.type}` : 'remove the authentication block, as on the other node',
      ])
    else if (authA && authB && authA.pass !== authB.pass)
      report('keepalived/pair-auth-mismatch', 'error', authB.at, `${key}: auth_pass differs from ${first.name} (compared on the 8 characters keepalived sends): adverts are rejected`, [
        'write the same auth_pass (at most 8 characters) on every node',
      ])
  }
}

/** The priority keepalived advertises given which tracked scripts succeed (vrrp_track.c). */
function effectivePriority(m: Member, healthy: boolean): number {
  if (m.vi.priority === 255) return 255
  let p = m.vi.priority
  for (const t of m.vi.trackScripts) {
    const script = m.scripts.get(t.name)
    if (!script) continue
    const weight = t.weight ?? script.weight
    const reverse = t.reverse || script.weightReverse
    const up = reverse ? !healthy : healthy
    if (weight > 0 && up) p += weight
    if (weight < 0 && !up) p += weight
  }
  return Math.min(254, Math.max(1, p))
}

function hasWeights(m: Member): boolean {
  return m.vi.trackScripts.some((t) => (t.weight ?? m.scripts.get(t.name)?.weight ?? 0) !== 0)
}

function checkElection(key: string, members: Member[], report: Report): void {
  const masters = members.filter((m) => m.vi.state === 'MASTER')
  if (masters.length > 1)
    for (const m of masters.slice(1))
      report('keepalived/pair-multiple-masters', 'error', at(m, 'state'), `${key}: ${masters.map((x) => x.name).join(' and ')} all start as MASTER`, [
        'write state BACKUP on every node but one (the priorities still decide who keeps the VIP)',
      ])
  const allNopreempt = members.every((m) => m.vi.nopreempt)
  if (masters.length === 0 && !allNopreempt)
    report('keepalived/pair-no-master', 'info', members[0]!.vi.at, `${key}: no node has state MASTER; the highest priority takes the VIP after about 3 advert intervals`, [
      'write state MASTER on the node with the highest priority',
    ])
  const byPriority = new Map<number, Member>()
  for (const m of members) {
    const other = byPriority.get(m.vi.priority)
    if (other)
      report('keepalived/pair-equal-priority', 'warning', at(m, 'priority'), `${key}: priority ${m.vi.priority} here and on ${ref(other, 'priority')}: the election falls to the higher IP address`, [
        `write a different priority, e.g. ${m.vi.priority - 10}`,
      ])
    else byPriority.set(m.vi.priority, m)
  }
  if (allNopreempt) return
  const master = masters[0] ?? [...members].sort((a, b) => b.vi.priority - a.vi.priority)[0]!
  const backups = members.filter((m) => m !== master)
  const top = [...backups].sort((a, b) => b.vi.priority - a.vi.priority)[0]!
  if (masters.length === 1 && top.vi.priority > master.vi.priority)
    report('keepalived/pair-master-priority', 'error', at(master, 'priority'), `${key}: ${master.name} starts as MASTER with priority ${master.vi.priority} but ${top.name} has ${top.vi.priority}: the BACKUP takes the VIP as soon as it runs`, [
      `give the MASTER the highest priority, e.g. ${Math.min(254, top.vi.priority + 1)}`,
    ])
  if (!members.some(hasWeights)) return

  // Every node healthy: the master must keep the VIP.
  const pm = effectivePriority(master, true)
  for (const b of backups) {
    const pb = effectivePriority(b, true)
    if (pb >= pm)
      report('keepalived/pair-healthy-master-loses', 'error', at(b, 'track_script'), `${key}: with every check passing ${b.name} advertises ${pb} and ${master.name} ${pm}: the healthy master loses the VIP`, [
        `lower ${b.name}'s priority below ${pm - (pb - b.vi.priority)}, or its script weight`,
      ])
  }
  // The master's check fails, the others pass: the VIP must move.
  const down = effectivePriority(master, false)
  const best = Math.max(...backups.map((b) => effectivePriority(b, true)))
  const trackLine = at(master, 'track_script')
  // A tracked script with weight 0 puts the instance in FAULT when it fails: that always hands over.
  const faultsOnFailure = master.vi.trackScripts.some((t) => (t.weight ?? master.scripts.get(t.name)?.weight ?? 0) === 0)
  if (master.vi.trackScripts.length > 0 && !faultsOnFailure && down >= best) {
    const needed = master.vi.priority - Math.max(...backups.map((b) => b.vi.priority)) + 1
    report(
      'keepalived/pair-no-failover',
      'error',
      trackLine,
      `${key}: when the check fails on ${master.name} it still advertises ${down}, not below ${best} on the backup: the VIP stays on the node whose service is down`,
      [`use weight -${needed} or lower on the script (${master.vi.priority} - ${needed} = ${master.vi.priority - needed} < ${master.vi.priority - needed + 1})`],
    )
  }
  // Positive weights: a backup whose check passes first outbids a master whose check has not passed yet.
  for (const b of backups) {
    const pb = effectivePriority(b, true)
    if (pb > down && pb < pm && pb > b.vi.priority && down === master.vi.priority)
      report(
        'keepalived/pair-startup-takeover',
        'warning',
        at(b, 'track_script'),
        `${key}: ${b.name} (${b.vi.priority} + weight = ${pb}) outbids ${master.name} (${master.vi.priority}) until ${master.name}'s own check has passed: if ${b.name} starts first it takes the VIP, then loses it again`,
        [`use a negative weight instead: weight -${master.vi.priority - b.vi.priority + 1} on both nodes, so only a failing check moves the VIP`],
      )
  }
}

function checkUnicast(key: string, members: Member[], report: Report): void {
  const unicast = members.filter((m) => m.vi.unicastPeers.length > 0)
  if (unicast.length === 0) return
  for (const m of members) {
    if (m.vi.unicastPeers.length === 0) {
      report('keepalived/pair-unicast-mismatch', 'error', m.vi.at, `${key}: ${m.name} uses multicast while ${unicast[0]!.name} sends unicast adverts`, [
        'add unicast_src_ip and unicast_peer to every node, or to none',
      ])
      continue
    }
    const peers = new Set(m.vi.unicastPeers.map((p) => p.address))
    for (const other of members) {
      if (other === m || other.vi.unicastSrcIp === undefined) continue
      if (!peers.has(other.vi.unicastSrcIp))
        report('keepalived/pair-unicast-peer', 'error', at(m, 'unicast_peer'), `${key}: ${other.name}'s unicast_src_ip ${other.vi.unicastSrcIp} is not in this unicast_peer list: adverts from it are ignored`, [
          `add ${other.vi.unicastSrcIp} to unicast_peer`,
        ])
    }
    if (m.vi.unicastSrcIp && peers.has(m.vi.unicastSrcIp))
      report('keepalived/pair-unicast-peer', 'warning', at(m, 'unicast_peer'), `${key}: unicast_peer lists this node's own address ${m.vi.unicastSrcIp}`, ['list only the other nodes'])
  }
}

function checkVridCollisions(groups: Map<string, Member[]>, report: Report): void {
  const seen = new Map<string, {key: string; m: Member}>()
  for (const [key, members] of groups) {
    for (const m of members) {
      if (m.vi.virtualRouterId === undefined) continue
      const vrid = `${m.vi.virtualRouterId}/${m.vi.interface ?? ''}/${m.vi.unicastPeers.length > 0 ? 'unicast' : (m.vi.virtualIpaddresses[0]?.family ?? 4)}`
      const first = seen.get(vrid)
      if (!first) seen.set(vrid, {key, m})
      else if (first.key !== key)
        report('keepalived/pair-vrid-collision', 'error', at(m, 'virtual_router_id'), `${key} uses VRID ${m.vi.virtualRouterId}, like ${first.key} on ${ref(first.m, 'virtual_router_id')}: their adverts collide on the LAN`, [
          'give each VRRP instance of the cluster its own virtual_router_id',
        ])
    }
  }
}
