/**
 * The typed keepalived model: what a keepalived 2.2.7 daemon would run from the configuration,
 * with keepalived's defaults applied and invalid values dropped the way keepalived drops them.
 * The VRRP engine and LVS mode run from this; validate, diff and pair checks read it.
 * Every object keeps where it was declared (`at`) and where each keyword was written (`lines`).
 */
import type {Range} from '../diagnostics.js'
import type {KeepalivedFileCst, Statement} from './cst.js'
import {serverAddressProblem, virtualServerProblem} from './keywords/server-address.js'
import {isIp, isIpv4, numberProblem} from './keywords/spec.js'
import {blockStatements, topStatements} from './walk.js'

export interface SourceRef extends Range {
  file: string
}

export interface ScriptCommand {
  /** The command line as keepalived runs it (quotes removed). */
  command: string
  /** `user [group]` given after the command (notify_*) or with `user` (vrrp_script). */
  user?: string
  group?: string
  at: SourceRef
}

export interface GlobalDefs {
  routerId?: string
  notificationEmail: string[]
  notificationEmailFrom?: string
  smtpServer?: {address: string; port: number}
  /** Seconds; keepalived's default is 30. */
  smtpConnectTimeout: number
  vrrpMcastGroup4: string
  vrrpMcastGroup6: string
  scriptUser?: {user: string; group?: string}
  enableScriptSecurity: boolean
  /** Default VRRP version of every instance (2 unless set). */
  vrrpVersion: 2 | 3
  vrrpStrict: boolean
  /** `vrrp_garp_*` / `vrrp_gna_interval`: the defaults of every instance's gratuitous ARP (and unsolicited NA) bursts. */
  garp: GarpDefaults
  /** FIFO for state-change lines: `vrrp_notify_fifo`, or else the process-wide `notify_fifo`. */
  notifyFifo?: string
  /** Where each keyword was written. */
  lines: Record<string, SourceRef>
  at?: SourceRef
}

export interface GarpDefaults {
  /** Seconds after becoming MASTER before the second burst (default 5; 0: none). */
  masterDelay: number
  /** Packets per burst after becoming MASTER (default 5). */
  masterRepeat: number
  /** Seconds between refresh bursts while MASTER (default 0: none). */
  masterRefresh: number
  /** Packets per refresh burst (default 1). */
  masterRefreshRepeat: number
  /** Seconds between the gratuitous ARPs of one burst (default 0). */
  interval: number
  /** Seconds between the unsolicited NAs of one burst (default 0). */
  gnaInterval: number
}

export interface VrrpScript {
  name: string
  script?: string
  /** Seconds between runs (default 1). */
  interval: number
  /** Seconds before a run counts as failed; undefined means the interval. */
  timeout?: number
  /** Priority change: negative is subtracted while the script fails, positive added while it succeeds (default 0). */
  weight: number
  /** `weight N reverse`: the sense of the weight is inverted. */
  weightReverse: boolean
  rise: number
  fall: number
  user?: {user: string; group?: string}
  initFail: boolean
  /** Position among the top-level blocks: keepalived resolves track_script against scripts declared before the instance. */
  order: number
  at: SourceRef
  lines: Record<string, SourceRef>
}

export interface VirtualAddress {
  address: string
  family: 4 | 6
  /** Prefix length as written; keepalived uses /32 (/128) when absent. */
  prefix?: number
  dev?: string
  label?: string
  brd?: string
  scope?: string
  /** The line as written, for display. */
  text: string
  at: SourceRef
}

export interface TrackEntry {
  name: string
  /** Override of the tracked object's own weight (`chk weight -20`). */
  weight?: number
  reverse: boolean
  at: SourceRef
}

export interface ValueLine {
  words: string[]
  at: SourceRef
}

export interface VrrpInstance {
  name: string
  /** Initial state (default BACKUP). */
  state: 'MASTER' | 'BACKUP'
  interface?: string
  virtualRouterId?: number
  /** 1..255, default 100. */
  priority: number
  /** Seconds between adverts (default 1; VRRPv2 rounds to whole seconds, VRRPv3 to 10 ms). */
  advertInt: number
  /** advert_int as written, before keepalived's rounding. */
  advertIntWritten?: number
  version: 2 | 3
  /** vrrp_strict (global_defs) or the instance's own strict_mode. */
  strictMode: boolean
  authentication?: {type?: 'PASS' | 'AH'; /** What keepalived sends: the first 8 characters. */ pass?: string; passAsWritten?: string; at: SourceRef}
  virtualIpaddresses: VirtualAddress[]
  virtualIpaddressesExcluded: VirtualAddress[]
  virtualRoutes: ValueLine[]
  virtualRules: ValueLine[]
  /** keepalived clears nopreempt when the state is MASTER. */
  nopreempt: boolean
  /** Seconds (0..1000), default 0. */
  preemptDelay: number
  trackScripts: TrackEntry[]
  trackInterfaces: TrackEntry[]
  trackFiles: TrackEntry[]
  unicastSrcIp?: string
  unicastPeers: {address: string; at: SourceRef}[]
  notify: {master?: ScriptCommand; backup?: ScriptCommand; fault?: ScriptCommand; stop?: ScriptCommand; any?: ScriptCommand}
  smtpAlert: boolean
  /** Seconds; default vrrp_garp_master_delay (5). */
  garpMasterDelay: number
  garpMasterRepeat: number
  /** Seconds; default vrrp_garp_master_refresh (0: no refresh). */
  garpMasterRefresh: number
  garpMasterRefreshRepeat: number
  useVmac: boolean
  order: number
  at: SourceRef
  lines: Record<string, SourceRef>
}

export interface SyncGroup {
  name: string
  instances: {name: string; at: SourceRef}[]
  notify: {master?: ScriptCommand; backup?: ScriptCommand; fault?: ScriptCommand; stop?: ScriptCommand; any?: ScriptCommand}
  at: SourceRef
}

export type CheckerType = 'TCP_CHECK' | 'HTTP_GET' | 'SSL_GET' | 'MISC_CHECK' | 'SMTP_CHECK' | 'DNS_CHECK' | 'BFD_CHECK' | 'UDP_CHECK' | 'PING_CHECK' | 'FILE_CHECK'

export interface Checker {
  type: CheckerType
  connectIp?: string
  connectPort?: number
  /** Seconds; default 5. */
  connectTimeout: number
  /** Attempts before the server is marked down; default 1. */
  retry: number
  /** Seconds; default 1. */
  delayBeforeRetry: number
  urls: {path?: string; digest?: string; statusCode?: string; at: SourceRef}[]
  miscPath?: string
  miscTimeout?: number
  /** Every other keyword, as written. */
  options: Record<string, string[]>
  at: SourceRef
}

export interface RealServer {
  address: string
  port?: number
  /** Default 1. */
  weight: number
  inhibitOnFailure: boolean
  /** Connection thresholds (IPVS u_threshold/l_threshold): 0 = none. */
  uthreshold: number
  lthreshold: number
  notifyUp?: ScriptCommand
  notifyDown?: ScriptCommand
  checkers: Checker[]
  at: SourceRef
}

export interface VirtualServer {
  /** `198.18.0.100 80`, `fwmark 1` or `group NAME`. */
  kind: 'address' | 'fwmark' | 'group'
  address: string
  port?: number
  /** Seconds between checks; default 60. */
  delayLoop: number
  lbAlgo?: string
  lbKind?: 'NAT' | 'DR' | 'TUN'
  protocol?: 'TCP' | 'UDP' | 'SCTP'
  persistenceTimeout?: number
  quorum: number
  sorryServer?: {address: string; port?: number}
  realServers: RealServer[]
  options: Record<string, string[]>
  at: SourceRef
  lines: Record<string, SourceRef>
}

/** One line of a virtual_server_group: `IP[-LAST] PORT` or `fwmark N`. */
export interface VirtualServerGroupEntry {
  kind: 'address' | 'fwmark'
  /** As keepalived prints it: `198.18.0.150-198.18.0.155` for `198.18.0.150-155`. */
  address: string
  port?: number
  at: SourceRef
}

export interface VirtualServerGroup {
  name: string
  entries: VirtualServerGroupEntry[]
  at: SourceRef
}

export interface TrackFile {
  name: string
  file?: string
  weight: number
  /** `init_file [VALUE] [overwrite]`: keepalived creates or rewrites the file at start. */
  initFile?: {value: number; overwrite: boolean; at: SourceRef}
  at: SourceRef
}

export interface KeepalivedModel {
  globalDefs: GlobalDefs
  vrrpScripts: VrrpScript[]
  vrrpInstances: VrrpInstance[]
  syncGroups: SyncGroup[]
  virtualServers: VirtualServer[]
  virtualServerGroups: VirtualServerGroup[]
  trackFiles: TrackFile[]
  staticIpaddresses: VirtualAddress[]
  staticRoutes: ValueLine[]
  staticRules: ValueLine[]
}

export function emptyModel(): KeepalivedModel {
  return {
    globalDefs: {
      notificationEmail: [],
      smtpConnectTimeout: 30,
      vrrpMcastGroup4: '224.0.0.18',
      vrrpMcastGroup6: 'ff02::12',
      enableScriptSecurity: false,
      vrrpVersion: 2,
      vrrpStrict: false,
      garp: {masterDelay: 5, masterRepeat: 5, masterRefresh: 0, masterRefreshRepeat: 1, interval: 0, gnaInterval: 0},
      lines: {},
    },
    vrrpScripts: [],
    vrrpInstances: [],
    syncGroups: [],
    virtualServers: [],
    virtualServerGroups: [],
    trackFiles: [],
    staticIpaddresses: [],
    staticRoutes: [],
    staticRules: [],
  }
}

export function refOf(s: Statement): SourceRef {
  const w = s.words[s.keywordIndex] ?? s.words[0]!
  return {file: s.file, line: w.line, column: w.column, endLine: s.endLine, endColumn: s.endColumn}
}

/** A decimal number of seconds with keepalived's microsecond resolution (vrrp_garp_interval, vrrp_gna_interval). */
const seconds = (text: string | undefined): number | undefined =>
  text !== undefined && numberProblem(text, {min: 0, max: 1000, integer: false}) === undefined ? Math.round(Number(text) * 1e6) / 1e6 : undefined

const int = (text: string | undefined, min: number, max: number): number | undefined =>
  text !== undefined && numberProblem(text, {min, max, integer: true}) === undefined ? Number(text) : undefined
const float = (text: string | undefined, min: number, max: number): number | undefined =>
  text !== undefined && numberProblem(text, {min, max}) === undefined ? Number(text) : undefined

export function buildModel(main: KeepalivedFileCst): KeepalivedModel {
  const model = emptyModel()
  const instanceBlocks: [Statement, number][] = []
  for (const [order, s] of topStatements(main).entries()) {
    switch (s.keyword) {
      case 'global_defs':
        readGlobalDefs(s, model.globalDefs)
        break
      case 'vrrp_script':
        model.vrrpScripts.push(readScript(s, order))
        break
      case 'vrrp_instance':
        instanceBlocks.push([s, order])
        break
      case 'vrrp_sync_group':
        model.syncGroups.push(readSyncGroup(s))
        break
      case 'virtual_server': {
        // keepalived skips a virtual server whose address or port it cannot read.
        if (virtualServerProblem(s.args) === undefined) model.virtualServers.push(readVirtualServer(s))
        break
      }
      case 'virtual_server_group':
        model.virtualServerGroups.push(readVirtualServerGroup(s))
        break
      case 'vrrp_track_file':
      case 'track_file':
        model.trackFiles.push(readTrackFile(s))
        break
      case 'static_ipaddress':
        model.staticIpaddresses.push(...addresses(s))
        break
      case 'static_routes':
        model.staticRoutes.push(...valueLines(s))
        break
      case 'static_rules':
        model.staticRules.push(...valueLines(s))
        break
    }
  }
  // Instances read after global_defs, wherever it is, since vrrp_version sets their default version.
  for (const [s, order] of instanceBlocks) model.vrrpInstances.push(readInstance(s, order, model.globalDefs))
  return model
}

function readGlobalDefs(block: Statement, g: GlobalDefs): void {
  g.at = refOf(block)
  for (const s of blockStatements(block.block)) {
    g.lines[s.keyword] = refOf(s)
    const [a, b] = s.args
    switch (s.keyword) {
      case 'router_id':
        g.routerId = a
        break
      case 'notification_email':
        g.notificationEmail.push(...blockStatements(s.block).flatMap((l) => [l.keyword, ...l.args]))
        break
      case 'notification_email_from':
        g.notificationEmailFrom = a
        break
      case 'smtp_server':
        if (a) g.smtpServer = {address: a, port: int(b, 1, 65535) ?? 25}
        break
      case 'smtp_connect_timeout':
        g.smtpConnectTimeout = int(a, 1, 2147483647) ?? g.smtpConnectTimeout
        break
      case 'vrrp_mcast_group4':
        if (a && isIpv4(a)) g.vrrpMcastGroup4 = a
        break
      case 'vrrp_mcast_group6':
        if (a && isIp(a)) g.vrrpMcastGroup6 = a
        break
      case 'script_user':
        if (a) g.scriptUser = b === undefined ? {user: a} : {user: a, group: b}
        break
      case 'enable_script_security':
        g.enableScriptSecurity = true
        break
      case 'vrrp_version': {
        const v = int(a, 2, 3)
        if (v === 2 || v === 3) g.vrrpVersion = v
        break
      }
      case 'vrrp_strict':
        g.vrrpStrict = true
        break
      case 'vrrp_garp_master_delay':
        g.garp.masterDelay = int(a, 0, 255) ?? g.garp.masterDelay
        break
      case 'vrrp_garp_master_repeat':
        g.garp.masterRepeat = int(a, 1, 255) ?? g.garp.masterRepeat
        break
      case 'vrrp_garp_master_refresh':
        g.garp.masterRefresh = int(a, 0, 2147483647) ?? g.garp.masterRefresh
        break
      case 'vrrp_garp_master_refresh_repeat':
        g.garp.masterRefreshRepeat = int(a, 1, 255) ?? g.garp.masterRefreshRepeat
        break
      case 'vrrp_garp_interval':
        g.garp.interval = seconds(a) ?? g.garp.interval
        break
      case 'vrrp_gna_interval':
        g.garp.gnaInterval = seconds(a) ?? g.garp.gnaInterval
        break
      case 'vrrp_notify_fifo':
        if (a) g.notifyFifo = a
        break
      case 'notify_fifo':
        if (a && !g.lines.vrrp_notify_fifo) g.notifyFifo = a
        break
    }
  }
}

function readScript(block: Statement, order: number): VrrpScript {
  const script: VrrpScript = {name: block.args[0] ?? '', interval: 1, weight: 0, weightReverse: false, rise: 1, fall: 1, initFail: false, order, at: refOf(block), lines: {}}
  for (const s of blockStatements(block.block)) {
    script.lines[s.keyword] = refOf(s)
    const [a, b] = s.args
    switch (s.keyword) {
      case 'script':
        script.script = s.args.join(' ')
        break
      case 'interval':
        script.interval = a !== undefined && /^0+$/.test(a) ? 1 : (int(a, 1, 4294) ?? script.interval)
        break
      case 'timeout':
        script.timeout = a !== undefined && /^0+$/.test(a) ? 1 : (int(a, 1, 4294) ?? script.timeout)
        break
      case 'weight':
        script.weight = int(a, -253, 253) ?? script.weight
        script.weightReverse = b === 'reverse'
        break
      case 'rise':
        script.rise = int(a, 1, 2147483647) ?? 1
        break
      case 'fall':
        script.fall = int(a, 1, 2147483647) ?? 1
        break
      case 'user':
        if (a) script.user = b === undefined ? {user: a} : {user: a, group: b}
        break
      case 'init_fail':
        script.initFail = true
        break
    }
  }
  return script
}

function addresses(block: Statement): VirtualAddress[] {
  const out: VirtualAddress[] = []
  for (const line of blockStatements(block.block)) {
    const [ip, prefixText] = line.keyword.split('/')
    if (!ip || !isIp(ip)) continue
    const family = isIpv4(ip) ? 4 : 6
    const max = family === 4 ? 32 : 128
    const address: VirtualAddress = {address: ip, family, text: [line.keyword, ...line.args].join(' '), at: refOf(line)}
    if (prefixText !== undefined) address.prefix = int(prefixText, 0, max) ?? max
    for (let i = 0; i < line.args.length; i++) {
      const option = line.args[i]!
      const value = line.args[i + 1]
      if (value === undefined) break
      if (option === 'dev') address.dev = value
      else if (option === 'label') address.label = value
      else if (option === 'brd' || option === 'broadcast') address.brd = value
      else if (option === 'scope') address.scope = value
      else continue
      i++
    }
    out.push(address)
  }
  return out
}

function trackEntries(block: Statement): TrackEntry[] {
  return blockStatements(block.block).map((line) => {
    const entry: TrackEntry = {name: line.keyword, reverse: line.args.includes('reverse'), at: refOf(line)}
    const w = line.args.indexOf('weight')
    const weight = w === -1 ? undefined : int(line.args[w + 1], -254, 254)
    if (weight !== undefined) entry.weight = weight
    return entry
  })
}

function command(s: Statement): ScriptCommand | undefined {
  const [cmd, user, group] = s.args
  if (cmd === undefined) return undefined
  const out: ScriptCommand = {command: cmd, at: refOf(s)}
  if (user !== undefined) out.user = user
  if (group !== undefined) out.group = group
  return out
}

const notifyKey = {notify_master: 'master', notify_backup: 'backup', notify_fault: 'fault', notify_stop: 'stop', notify: 'any'} as const

function readInstance(block: Statement, order: number, globals: GlobalDefs): VrrpInstance {
  const vi: VrrpInstance = {
    name: block.args[0] ?? '',
    state: 'BACKUP',
    priority: 100,
    advertInt: 1,
    version: globals.vrrpVersion,
    strictMode: globals.vrrpStrict,
    virtualIpaddresses: [],
    virtualIpaddressesExcluded: [],
    virtualRoutes: [],
    virtualRules: [],
    nopreempt: false,
    preemptDelay: 0,
    trackScripts: [],
    trackInterfaces: [],
    trackFiles: [],
    unicastPeers: [],
    notify: {},
    smtpAlert: false,
    garpMasterDelay: globals.garp.masterDelay,
    garpMasterRepeat: globals.garp.masterRepeat,
    garpMasterRefresh: globals.garp.masterRefresh,
    garpMasterRefreshRepeat: globals.garp.masterRefreshRepeat,
    useVmac: false,
    order,
    at: refOf(block),
    lines: {},
  }
  for (const s of blockStatements(block.block)) {
    vi.lines[s.keyword] = refOf(s)
    const a = s.args[0]
    switch (s.keyword) {
      case 'state':
        vi.state = a === 'MASTER' ? 'MASTER' : 'BACKUP'
        break
      case 'interface':
        vi.interface = a
        break
      case 'virtual_router_id':
        vi.virtualRouterId = int(a, 1, 255) ?? vi.virtualRouterId
        break
      case 'priority':
        vi.priority = int(a, 1, 255) ?? 100
        break
      case 'advert_int':
        vi.advertIntWritten = float(a, 0.01, 255) ?? vi.advertIntWritten
        vi.advertInt = vi.advertIntWritten ?? vi.advertInt
        break
      case 'version': {
        const v = int(a, 2, 3)
        if (v === 2 || v === 3) vi.version = v
        break
      }
      case 'authentication': {
        const auth: NonNullable<VrrpInstance['authentication']> = {at: refOf(s)}
        for (const line of blockStatements(s.block)) {
          const v = line.args[0]
          if (line.keyword === 'auth_type' && (v === 'PASS' || v === 'AH')) auth.type = v
          if (line.keyword === 'auth_pass' && v !== undefined) {
            auth.passAsWritten = v
            auth.pass = v.slice(0, 8)
          }
        }
        vi.authentication = auth
        break
      }
      case 'virtual_ipaddress':
        vi.virtualIpaddresses.push(...addresses(s))
        break
      case 'virtual_ipaddress_excluded':
        vi.virtualIpaddressesExcluded.push(...addresses(s))
        break
      case 'virtual_routes':
      case 'virtual_rules':
        ;(s.keyword === 'virtual_routes' ? vi.virtualRoutes : vi.virtualRules).push(...valueLines(s))
        break
      case 'strict_mode':
        vi.strictMode = a === undefined || ['on', 'true', 'yes'].includes(a.toLowerCase())
        break
      case 'nopreempt':
        vi.nopreempt = true
        break
      case 'preempt':
        vi.nopreempt = false
        break
      case 'preempt_delay':
        vi.preemptDelay = float(a, 0, 1000) ?? vi.preemptDelay
        break
      case 'track_script':
        vi.trackScripts.push(...trackEntries(s))
        break
      case 'track_interface':
        vi.trackInterfaces.push(...trackEntries(s))
        break
      case 'track_file':
        vi.trackFiles.push(...trackEntries(s))
        break
      case 'unicast_src_ip':
        if (a && isIp(a)) vi.unicastSrcIp = a
        break
      case 'unicast_peer':
        for (const line of blockStatements(s.block)) if (isIp(line.keyword)) vi.unicastPeers.push({address: line.keyword, at: refOf(line)})
        break
      case 'notify_master':
      case 'notify_backup':
      case 'notify_fault':
      case 'notify_stop':
      case 'notify': {
        const c = command(s)
        if (c) vi.notify[notifyKey[s.keyword]] = c
        break
      }
      case 'smtp_alert':
        vi.smtpAlert = true
        break
      case 'garp_master_delay':
        vi.garpMasterDelay = int(a, 0, 255) ?? vi.garpMasterDelay
        break
      case 'garp_master_repeat':
        vi.garpMasterRepeat = int(a, 1, 255) ?? vi.garpMasterRepeat
        break
      case 'garp_master_refresh':
        vi.garpMasterRefresh = int(a, 0, 2147483647) ?? vi.garpMasterRefresh
        break
      case 'garp_master_refresh_repeat':
        vi.garpMasterRefreshRepeat = int(a, 1, 255) ?? vi.garpMasterRefreshRepeat
        break
      case 'use_vmac':
        vi.useVmac = true
        break
    }
  }
  // keepalived: "nopreempt will not work with initial state MASTER - clearing".
  if (vi.state === 'MASTER') {
    vi.nopreempt = false
    vi.preemptDelay = 0
  }
  if (vi.nopreempt) vi.preemptDelay = 0
  // VRRPv2 adverts carry whole seconds; VRRPv3 centiseconds (vrrp.c rounds, and says so).
  vi.advertInt = vi.version === 2 ? Math.max(1, Math.round(vi.advertInt)) : Math.max(0.01, Math.round(vi.advertInt * 100) / 100)
  return vi
}

function readSyncGroup(block: Statement): SyncGroup {
  const group: SyncGroup = {name: block.args[0] ?? '', instances: [], notify: {}, at: refOf(block)}
  for (const s of blockStatements(block.block)) {
    if (s.keyword === 'group') for (const line of blockStatements(s.block)) group.instances.push({name: line.keyword, at: refOf(line)})
    if (s.keyword in notifyKey) {
      const c = command(s)
      if (c) group.notify[notifyKey[s.keyword as keyof typeof notifyKey]] = c
    }
  }
  return group
}

const lbAlgos = new Set(['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh'])

function readVirtualServer(block: Statement): VirtualServer {
  const [first, second] = block.args
  const kind = first === 'fwmark' ? 'fwmark' : first === 'group' ? 'group' : 'address'
  const vs: VirtualServer = {
    kind,
    address: kind === 'address' ? (first ?? '') : (second ?? ''),
    delayLoop: 60,
    quorum: 1,
    realServers: [],
    options: {},
    at: refOf(block),
    lines: {},
  }
  const port = kind === 'address' ? int(second, 0, 65535) : undefined
  if (port !== undefined) vs.port = port
  for (const s of blockStatements(block.block)) {
    vs.lines[s.keyword] = refOf(s)
    const a = s.args[0]
    switch (s.keyword) {
      case 'delay_loop':
        vs.delayLoop = float(a, 0.000001, 18446744073709) ?? vs.delayLoop
        break
      case 'lb_algo':
      case 'lvs_sched':
        if (a && lbAlgos.has(a)) vs.lbAlgo = a
        break
      case 'lb_kind':
      case 'lvs_method':
        if (a === 'NAT' || a === 'DR' || a === 'TUN') vs.lbKind = a
        break
      case 'protocol':
        if (a === 'TCP' || a === 'UDP' || a === 'SCTP') vs.protocol = a
        break
      case 'persistence_timeout':
        vs.persistenceTimeout = a === undefined ? 360 : (int(a, 1, 2678400) ?? vs.persistenceTimeout)
        break
      case 'quorum':
        vs.quorum = int(a, 1, 4294967295) ?? 1
        break
      case 'sorry_server':
        if (a && serverAddressProblem(s.args, 'sorry') === undefined) vs.sorryServer = s.args[1] === undefined ? {address: a} : {address: a, port: Number(s.args[1])}
        break
      case 'real_server':
        if (serverAddressProblem(s.args, 'real') === undefined) vs.realServers.push(readRealServer(s))
        break
      default:
        vs.options[s.keyword] = s.args
    }
  }
  return vs
}

const checkerTypes = new Set(['TCP_CHECK', 'HTTP_GET', 'SSL_GET', 'MISC_CHECK', 'SMTP_CHECK', 'DNS_CHECK', 'BFD_CHECK', 'UDP_CHECK', 'PING_CHECK', 'FILE_CHECK'])

function readRealServer(block: Statement): RealServer {
  const rs: RealServer = {address: block.args[0] ?? '', weight: 1, inhibitOnFailure: false, uthreshold: 0, lthreshold: 0, checkers: [], at: refOf(block)}
  const port = int(block.args[1], 0, 65535)
  if (port !== undefined) rs.port = port
  for (const s of blockStatements(block.block)) {
    const a = s.args[0]
    if (checkerTypes.has(s.keyword)) rs.checkers.push(readChecker(s))
    else if (s.keyword === 'weight') rs.weight = int(a, 0, 2147483647) ?? rs.weight
    else if (s.keyword === 'inhibit_on_failure') rs.inhibitOnFailure = true
    else if (s.keyword === 'uthreshold') rs.uthreshold = int(a, 0, 4294967295) ?? 0
    else if (s.keyword === 'lthreshold') rs.lthreshold = int(a, 0, 4294967295) ?? 0
    else if (s.keyword === 'notify_up') rs.notifyUp = command(s)
    else if (s.keyword === 'notify_down') rs.notifyDown = command(s)
  }
  return rs
}

function readChecker(block: Statement): Checker {
  const c: Checker = {type: block.keyword as CheckerType, connectTimeout: 5, retry: 1, delayBeforeRetry: 1, urls: [], options: {}, at: refOf(block)}
  for (const s of blockStatements(block.block)) {
    const a = s.args[0]
    switch (s.keyword) {
      case 'connect_ip':
        c.connectIp = a
        break
      case 'connect_port':
        c.connectPort = int(a, 1, 65535) ?? c.connectPort
        break
      case 'connect_timeout':
        c.connectTimeout = float(a, 0, 1e9) ?? c.connectTimeout
        break
      case 'retry':
        c.retry = int(a, 0, 2147483647) ?? c.retry
        break
      case 'delay_before_retry':
        c.delayBeforeRetry = float(a, 0, 1e9) ?? c.delayBeforeRetry
        break
      case 'url': {
        const url: Checker['urls'][number] = {at: refOf(s)}
        for (const line of blockStatements(s.block)) {
          if (line.keyword === 'path') url.path = line.args[0]
          if (line.keyword === 'digest') url.digest = line.args[0]
          if (line.keyword === 'status_code') url.statusCode = line.args.join(' ')
        }
        c.urls.push(url)
        break
      }
      case 'misc_path':
        c.miscPath = s.args.join(' ')
        break
      case 'misc_timeout':
        c.miscTimeout = int(a, 0, 2147483647) ?? c.miscTimeout
        break
      default:
        c.options[s.keyword] = s.args
    }
  }
  return c
}

function valueLines(block: Statement): ValueLine[] {
  return blockStatements(block.block).map((l) => ({words: [l.keyword, ...l.args], at: refOf(l)}))
}

function readVirtualServerGroup(block: Statement): VirtualServerGroup {
  const group: VirtualServerGroup = {name: block.args[0] ?? '', entries: [], at: refOf(block)}
  for (const line of blockStatements(block.block)) {
    const at = refOf(line)
    if (line.keyword === 'fwmark') {
      group.entries.push({kind: 'fwmark', address: line.args[0] ?? '', at})
      continue
    }
    const address = expandRange(line.keyword)
    const port = int(line.args[0], 0, 65535)
    group.entries.push(port === undefined ? {kind: 'address', address, at} : {kind: 'address', address, port, at})
  }
  return group
}

/** `198.18.0.150-155` → `198.18.0.150-198.18.0.155`, as keepalived prints a range. */
function expandRange(text: string): string {
  const dash = text.lastIndexOf('-')
  if (dash === -1) return text
  const first = text.slice(0, dash)
  const last = text.slice(dash + 1)
  const sep = first.includes(':') ? ':' : '.'
  const head = first.slice(0, first.lastIndexOf(sep) + 1)
  return `${first}-${head}${last}`
}

function readTrackFile(block: Statement): TrackFile {
  const track: TrackFile = {name: block.args[0] ?? '', weight: 1, at: refOf(block)}
  for (const s of blockStatements(block.block)) {
    const [a, b] = s.args
    if (s.keyword === 'file' && a !== undefined) track.file = a
    else if (s.keyword === 'weight') track.weight = int(a, -254, 254) ?? track.weight
    else if (s.keyword === 'init_file') {
      const value = a !== undefined && a !== 'overwrite' ? int(a, -254, 254) : undefined
      track.initFile = {value: value ?? 0, overwrite: a === 'overwrite' || b === 'overwrite', at: refOf(s)}
    }
  }
  return track
}
