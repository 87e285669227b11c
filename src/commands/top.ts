import {existsSync} from 'node:fs'
import {sshFlags} from '../deploy/cli.js'
import {openSsh, type SshOptions} from '../deploy/ssh.js'
import type {AdminClient} from '../observe/runtime-api.js'
import {connectRemoteNodes, DEFAULT_REMOTE_SOCKET, selectRemoteNodes} from '../observe/remote-nodes.js'
import {wireNewsFilter} from '../observe/wire-peers.js'
import {basename} from 'node:path'
import {Flags} from '@oclif/core'
import {BaseCommand} from '../base-command.js'
import {ExitCode, UserError} from '../errors.js'
import {formatEventLine, summarizeSnapshot, type LbEvent} from '../observe/events.js'
import {openLiveSource, type SniffTarget} from '../observe/live-source.js'
import {RuntimeApiClient} from '../observe/runtime-api.js'
import {buildTopSnapshot, type TopSnapshot} from '../observe/snapshot.js'
import {pollNode, systemClock, type PollTarget} from '../observe/source.js'
import {renderPlainTable} from '../tui/top/columns.js'
import {topReducer, initialTopState, visibleRows, type TopState} from '../tui/state/top-state.js'

const DEFAULT_SOCKET = '/run/haproxy/admin.sock'

/** `1s`, `500ms`, `2` (seconds), `0.5` → milliseconds. */
export function parseInterval(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(text.trim())
  if (!match) throw new UserError('top.interval', `--interval "${text}" is not a duration`, {hint: 'use e.g. 1s, 500ms or 2'})
  const ms = match[2] === 'ms' ? Number(match[1]) : Number(match[1]) * 1000
  if (ms < 100) throw new UserError('top.interval', `--interval ${text} is too short (minimum 100ms)`, {hint: 'HAProxy refreshes its rates once per second; 1s is the usual choice'})
  return ms
}

export interface SocketSpec {
  node: string
  socket: string
}

/** `/run/haproxy/admin.sock` → `admin.sock`; `198.18.0.11:9999` stays as is. */
function defaultNodeName(socket: string): string {
  return socket.includes('/') ? basename(socket) : socket
}

/** `PATH`, `HOST:PORT` or `NAME=PATH|HOST:PORT`; unnamed sockets are named after the socket itself. */
export function parseSocketFlags(values: string[]): SocketSpec[] {
  const specs = values.map((value) => {
    const eq = value.indexOf('=')
    if (eq > 0 && !value.slice(0, eq).includes('/')) return {node: value.slice(0, eq), socket: value.slice(eq + 1)}
    return {node: defaultNodeName(value), socket: value}
  })
  // Two unnamed sockets with the same file name (lb1/admin.sock, lb2/admin.sock) keep their whole path.
  for (const s of specs) if (specs.filter((o) => o.node === s.node).length > 1 && s.node !== s.socket && !values.some((v) => v.startsWith(`${s.node}=`))) s.node = s.socket
  const seen = new Set<string>()
  for (const s of specs) {
    if (!s.socket) throw new UserError('top.socket', `--socket ${s.node}= has no socket path`, {hint: 'use --socket NAME=/run/haproxy/admin.sock or --socket NAME=127.0.0.1:9999'})
    if (seen.has(s.node)) throw new UserError('top.socket', `node "${s.node}" is given twice`, {hint: 'name each node once: --socket lb1=PATH --socket lb2=PATH'})
    seen.add(s.node)
  }
  return specs
}

/** `--vrid 51 --vrid 52` or `--vrid 51,52` → [51, 52]. */
export function parseVrids(values: string[]): number[] {
  const vrids = values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean)
  return vrids.map((text) => {
    const n = Number(text)
    if (!Number.isInteger(n) || n < 1 || n > 255) throw new UserError('top.vrid', `--vrid ${text} is not a VRID`, {hint: 'a VRID (virtual_router_id) is an integer from 1 to 255'})
    return n
  })
}

/** The source flags `lbctl top` and `lbctl dash` share. */
export const sourceFlags = {
  socket: Flags.string({description: 'stats socket of a node: PATH, HOST:PORT or NAME=PATH (repeat for each node)', multiple: true}),
  hosts: Flags.string({description: 'nodes reached over ssh: lbctl.yaml node names or ssh destinations, comma-separated (the stats socket is forwarded over ssh)'}),
  inventory: Flags.string({description: 'lbctl.yaml with the nodes and their stats socket (default ./lbctl.yaml); alone, watches every node'}),
  'remote-socket': Flags.string({description: `stats socket on the hosts when lbctl.yaml does not say (default ${DEFAULT_REMOTE_SOCKET})`}),
  ...sshFlags,
  sniff: Flags.string({description: 'interface to capture VRRP adverts, gratuitous ARPs and IPv6 NAs on (root; `any` for all)'}),
  vrid: Flags.string({description: 'VRIDs expected on the wire (with --sniff); any other one is flagged rogue', multiple: true}),
  interval: Flags.string({description: 'refresh interval (1s, 500ms, 2)', default: '1s'}),
}

export interface ResolvedSources {
  targets: PollTarget[]
  sockets: Record<string, string>
  admin: (node: string) => AdminClient | undefined
  sniff?: SniffTarget
  expectedVrids: number[]
  intervalMs: number
  /** Closes the ssh connections of --hosts. */
  close(): Promise<void>
}

export interface SourceFlagValues {
  socket?: string[]
  hosts?: string
  inventory?: string
  'remote-socket'?: string
  sniff?: string
  vrid?: string[]
  interval: string
  'ssh-config'?: string
  'ssh-key'?: string
  'known-hosts'?: string
  'ssh-option'?: string[]
}

/** Flags → stats targets (local sockets and ssh-forwarded ones), sniffer and expected VRIDs; refuses a run with nothing to watch. */
export async function resolveSources(flags: SourceFlagValues): Promise<ResolvedSources> {
  const intervalMs = parseInterval(flags.interval)
  const remote = flags.hosts !== undefined || flags.inventory !== undefined ? selectRemoteNodes({hosts: flags.hosts?.split(',').map((h) => h.trim()), ...(flags.inventory !== undefined ? {inventoryPath: flags.inventory} : {}), ...(flags['remote-socket'] !== undefined ? {remoteSocket: flags['remote-socket']} : {})}) : undefined
  const expectedVrids = [...new Set([...parseVrids(flags.vrid ?? []), ...(remote?.vrids ?? [])])]
  const sniff: SniffTarget | undefined = flags.sniff === undefined ? undefined : {iface: flags.sniff}
  if (flags.sniff === '') throw new UserError('top.sniff', '--sniff needs an interface name', {hint: 'e.g. --sniff eth0 (the interface keepalived uses), or --sniff any'})
  const socketValues = flags.socket ?? (existsSync(DEFAULT_SOCKET) && !remote ? [DEFAULT_SOCKET] : [])
  if (socketValues.length === 0 && !sniff && !remote) {
    throw new UserError('top.socket', `no stats socket given and ${DEFAULT_SOCKET} does not exist`, {
      hint: 'pass --socket PATH or --socket HOST:PORT (haproxy.cfg: "stats socket /run/haproxy/admin.sock level admin"), or --sniff IFACE for VRRP only',
    })
  }
  const specs = parseSocketFlags(socketValues)
  const timeoutMs = Math.max(1000, intervalMs * 2)
  const clients = new Map<string, RuntimeApiClient>(specs.map((s) => [s.node, RuntimeApiClient.connect(s.socket, {timeoutMs})]))
  const targets: PollTarget[] = specs.map((s) => ({node: s.node, client: clients.get(s.node)!}))
  const sockets: Record<string, string> = Object.fromEntries(specs.map((s) => [s.node, s.socket]))
  let close: () => Promise<void> = async () => undefined
  if (remote) {
    for (const node of remote.nodes) {
      if (sockets[node.name] !== undefined) throw new UserError('top.hosts', `node "${node.name}" is given twice`, {hint: 'name each node once, in --socket or --hosts'})
    }
    const connected = await connectRemoteNodes(remote.nodes, {ssh: sshOptions(flags), openSsh, timeoutMs})
    for (const t of connected.targets) {
      targets.push({node: t.node.name, client: t.client})
      clients.set(t.node.name, t.admin)
      sockets[t.node.name] = `${t.node.dest}:${t.node.statsSocket}`
    }
    close = connected.close
  }
  const resolved: ResolvedSources = {targets, sockets, admin: (node) => clients.get(node), expectedVrids, intervalMs, close}
  if (sniff) resolved.sniff = sniff
  return resolved
}

function sshOptions(flags: SourceFlagValues): SshOptions {
  return {
    ...(flags['ssh-config'] ? {configFile: flags['ssh-config']} : {}),
    ...(flags['ssh-key'] ? {identityFile: flags['ssh-key']} : {}),
    ...(flags['known-hosts'] ? {knownHostsFile: flags['known-hosts']} : {}),
    ...(flags['ssh-option'] ? {options: flags['ssh-option']} : {}),
  }
}

/** Everything heard and polled, folded by the same reducer the screen uses. */
function foldEvents(nodes: string[], events: LbEvent[], now: number, expectedVrids: number[]): TopState {
  const state = events.reduce((s, event) => topReducer(s, {type: 'event', event}), initialTopState({nodes, now: 0, expectedVrids}))
  return topReducer(state, {type: 'tick', now})
}

export default class Top extends BaseCommand {
  static override summary = 'Live stats, health flaps, VRRP roles and adverts of one or several HAProxy nodes in one screen'
  static override description = `Polls each node's stats socket (HAProxy's runtime API: the bundled engine's or a real HAProxy's) and shows frontends, backends and servers with their status, sessions, rates, last check and a health flap timeline, the VRRP role of each instance (from the bundled engine's \`show vrrp\`, with a warning when one VRID has two masters), plus a stream of health transitions and role changes.

With --sniff IFACE (root) it also captures VRRP adverts, gratuitous ARPs and IPv6 unsolicited NAs on the wire with tcpdump, from any keepalived or lbctl node: every sender shows in the VRRP panel as MASTER of its VRID (silent backups are inferred by their absence), two senders for one VRID raise the split-brain banner, VRIDs outside --vrid and the nodes' own instances are flagged rogue, and adverts print as tcpdump does.

With --hosts a,b (node names of lbctl.yaml, or ssh destinations) each node's stats socket is forwarded over your OpenSSH (~/.ssh/config, agent, strict host keys): nothing is installed on the hosts; a host that cannot be reached shows as unreachable.

On a terminal it is an interactive screen (? for keys); otherwise it prints one line per event until interrupted. --once --json prints one snapshot and exits (with --sniff, after listening for --sniff-for).`

  static override examples = [
    '<%= config.bin %> top --socket /run/haproxy/admin.sock',
    '<%= config.bin %> top --socket lb1=198.18.0.11:9999 --socket lb2=198.18.0.12:9999',
    '<%= config.bin %> top --socket /run/haproxy/admin.sock --once --json',
    'sudo <%= config.bin %> top --socket /run/haproxy/admin.sock --sniff eth0 --vrid 51',
    'sudo <%= config.bin %> top --sniff eth0 --once --json --sniff-for 3s',
    '<%= config.bin %> top --hosts lb1,lb2',
    '<%= config.bin %> top --hosts root@198.18.0.11,root@198.18.0.12 --remote-socket /var/run/haproxy.sock --once --json',
  ]

  static override flags = {
    ...sourceFlags,
    once: Flags.boolean({description: 'print one snapshot and exit'}),
    'sniff-for': Flags.string({description: 'with --once and --sniff: how long to listen before the snapshot', default: '3s'}),
  }

  async run(): Promise<TopSnapshot | undefined> {
    const {flags} = await this.parse(Top)
    const sources = await resolveSources(flags)
    try {
      return await this.watch(flags, sources)
    } finally {
      await sources.close()
    }
  }

  private async watch(flags: {once: boolean; 'sniff-for': string}, sources: ResolvedSources): Promise<TopSnapshot | undefined> {
    const {targets, sockets, intervalMs, expectedVrids} = sources
    const nodes = targets.map((t) => t.node)

    if (flags.once) {
      const sniffForMs = sources.sniff ? parseInterval(flags['sniff-for']) : 0
      const heard: LbEvent[] = []
      const live = sources.sniff ? await openLiveSource({targets: [], intervalMs, sniff: sources.sniff, wireSplits: false}) : undefined
      live?.subscribe((event) => heard.push(event))
      if (live) {
        if (!this.jsonEnabled()) this.logToStderr(`lbctl: listening on ${sources.sniff?.iface} for ${flags['sniff-for']}…`)
        await new Promise((resolve) => setTimeout(resolve, sniffForMs))
      }
      const polls = await Promise.all(targets.map((t) => pollNode(t, systemClock)))
      await live?.stop()
      const now = Date.now()
      const state = foldEvents(nodes, [...polls.flatMap((p) => (p.snapshot ? [{kind: 'stats' as const, at: p.snapshot.at, node: p.node, snapshot: p.snapshot, text: ''}] : [])), ...heard], now, expectedVrids)
      const snapshot = buildTopSnapshot(polls, sockets, heard, sources.sniff ? {peers: state.live.wire, now, expectedVrids} : undefined)
      if (polls.some((p) => p.error !== undefined)) process.exitCode = ExitCode.checkFailed
      if (!this.jsonEnabled()) {
        for (const p of polls) if (p.error !== undefined) this.logToStderr(`lbctl: ${p.node}: ${p.error}`)
        if (targets.length > 0) this.log(renderPlainTable(visibleRows(state), process.stdout.columns || 120, {multiNode: targets.length > 1}))
        // What a log would show: a new sender, a change, a GARP claim (--json has every advert heard).
        for (const e of state.live.events) this.log(formatEventLine(e))
        for (const v of snapshot.vrrp) {
          const age = v.source === 'wire' && v.lastAdvertMsAgo !== null ? ` last advert ${(v.lastAdvertMsAgo / 1000).toFixed(1)}s ago` : ''
          this.log(`vrrp ${v.node} ${v.instance} vrid ${v.vrid ?? '-'}${v.rogue ? ' (rogue)' : ''} ${v.state} priority ${v.effectivePriority ?? '-'} master ${v.master ?? '-'} vips ${v.vips.join(' ') || '-'}${age}`)
        }
        for (const e of snapshot.events) if (e.kind === 'vrrp-split') this.logToStderr(`lbctl: warning: ${String(e.text)}`)
        const rogue = [...new Set(snapshot.vrrp.filter((v) => v.rogue).map((v) => v.vrid))]
        if (rogue.length > 0) this.logToStderr(`lbctl: warning: rogue VRID${rogue.length > 1 ? 's' : ''} on the wire: ${rogue.join(', ')}`)
      }
      return snapshot
    }
    if (this.jsonEnabled()) throw new UserError('top.json', '--json needs --once', {hint: 'use --once --json for a snapshot; without --once events print one per line'})

    const live = await openLiveSource({targets, intervalMs, ...(sources.sniff ? {sniff: sources.sniff} : {})})
    if (process.stdout.isTTY && process.stdin.isTTY) {
      const {runTopScreen} = await import('../tui/top/run-top.js')
      await runTopScreen({nodes, source: live, admin: sources.admin, expectedVrids})
      return undefined
    }

    // No terminal: a log of events, one line each, until SIGINT/SIGTERM; each node starts with a summary line.
    const greeted = new Set<string>()
    const news = wireNewsFilter()
    live.subscribe((event) => {
      // Adverts repeat every interval: the log keeps what is new (a sender, a change, a GARP or NA claim).
      if ((event.kind === 'vrrp-advert' || event.kind === 'garp') && !news(event)) return
      if (event.kind === 'stats' && !greeted.has(event.node)) {
        greeted.add(event.node)
        process.stdout.write(formatEventLine({...event, text: summarizeSnapshot(event.snapshot)}) + '\n')
      }
      if (event.kind !== 'stats') process.stdout.write(formatEventLine(event) + '\n')
    })
    await new Promise<void>((resolve) => {
      const done = () => {
        process.off('SIGINT', done)
        process.off('SIGTERM', done)
        resolve()
      }
      process.on('SIGINT', done)
      process.on('SIGTERM', done)
    })
    await live.stop()
    return undefined
  }
}
