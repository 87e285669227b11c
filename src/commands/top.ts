import {existsSync} from 'node:fs'
import {basename} from 'node:path'
import {Flags} from '@oclif/core'
import {BaseCommand} from '../base-command.js'
import {ExitCode, UserError} from '../errors.js'
import {formatEventLine, summarizeSnapshot} from '../observe/events.js'
import {RuntimeApiClient} from '../observe/runtime-api.js'
import {buildTopSnapshot, type TopSnapshot} from '../observe/snapshot.js'
import {pollNode, startPoller, systemClock, type PollTarget} from '../observe/source.js'
import {renderPlainTable} from '../tui/top/columns.js'
import {topReducer, initialTopState, visibleRows} from '../tui/state/top-state.js'

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

export default class Top extends BaseCommand {
  static override summary = 'Live stats, health flaps and events of one or several HAProxy nodes in one screen'
  static override description = `Polls each node's stats socket (HAProxy's runtime API: the bundled engine's or a real HAProxy's) and shows frontends, backends and servers with their status, sessions, rates, last check and a health flap timeline, the VRRP role of each instance (from the bundled engine's \`show vrrp\`, with a warning when one VRID has two masters), plus a stream of health transitions and role changes. On a terminal it is an interactive screen (? for keys); otherwise it prints one line per event until interrupted. --once --json prints one snapshot and exits.`

  static override examples = [
    '<%= config.bin %> top --socket /run/haproxy/admin.sock',
    '<%= config.bin %> top --socket lb1=198.18.0.11:9999 --socket lb2=198.18.0.12:9999',
    '<%= config.bin %> top --socket /run/haproxy/admin.sock --once --json',
  ]

  static override flags = {
    socket: Flags.string({description: 'stats socket of a node: PATH, HOST:PORT or NAME=PATH (repeat for each node)', multiple: true}),
    interval: Flags.string({description: 'refresh interval (1s, 500ms, 2)', default: '1s'}),
    once: Flags.boolean({description: 'print one snapshot and exit'}),
    hosts: Flags.string({description: 'remote nodes reached over ssh (not available yet)', hidden: true}),
    sniff: Flags.string({description: 'interface to sniff VRRP adverts on (not available yet)', hidden: true}),
  }

  async run(): Promise<TopSnapshot | undefined> {
    const {flags} = await this.parse(Top)
    if (flags.hosts !== undefined) throw new UserError('top.unavailable', '--hosts is not available yet', {hint: 'forward the stats socket yourself (ssh -L 9999:/run/haproxy/admin.sock HOST) and use --socket 127.0.0.1:9999'})
    if (flags.sniff !== undefined) throw new UserError('top.unavailable', '--sniff is not available yet', {hint: 'watch adverts with tcpdump -i IFACE vrrp meanwhile'})
    const intervalMs = parseInterval(flags.interval)
    const socketValues = flags.socket ?? (existsSync(DEFAULT_SOCKET) ? [DEFAULT_SOCKET] : [])
    if (socketValues.length === 0) {
      throw new UserError('top.socket', `no stats socket given and ${DEFAULT_SOCKET} does not exist`, {
        hint: 'pass --socket PATH or --socket HOST:PORT (haproxy.cfg: "stats socket /run/haproxy/admin.sock level admin")',
      })
    }
    const specs = parseSocketFlags(socketValues)
    const clients = new Map(specs.map((s) => [s.node, RuntimeApiClient.connect(s.socket, {timeoutMs: Math.max(1000, intervalMs * 2)})]))
    const targets: PollTarget[] = specs.map((s) => ({node: s.node, client: clients.get(s.node)!}))
    const sockets = Object.fromEntries(specs.map((s) => [s.node, s.socket]))

    if (flags.once) {
      const polls = await Promise.all(targets.map((t) => pollNode(t, systemClock)))
      const snapshot = buildTopSnapshot(polls, sockets)
      if (polls.some((p) => p.error !== undefined)) process.exitCode = ExitCode.checkFailed
      if (!this.jsonEnabled()) {
        for (const p of polls) if (p.error !== undefined) this.logToStderr(`lbctl: ${p.node}: ${p.error}`)
        let state = initialTopState({nodes: specs.map((s) => s.node), now: Date.now()})
        for (const p of polls) if (p.snapshot) state = topReducer(state, {type: 'event', event: {kind: 'stats', at: p.snapshot.at, node: p.node, snapshot: p.snapshot, text: ''}})
        this.log(renderPlainTable(visibleRows(state), process.stdout.columns || 120, {multiNode: specs.length > 1}))
        for (const v of snapshot.vrrp) {
          this.log(`vrrp ${v.node} ${v.instance} vrid ${v.vrid ?? '-'} ${v.state} priority ${v.effectivePriority ?? '-'} master ${v.master ?? '-'} vips ${v.vips.join(' ') || '-'}`)
        }
        for (const e of snapshot.events) if (e.kind === 'vrrp-split') this.logToStderr(`lbctl: warning: ${String(e.text)}`)
      }
      return snapshot
    }
    if (this.jsonEnabled()) throw new UserError('top.json', '--json needs --once', {hint: 'use --once --json for a snapshot; without --once events print one per line'})

    if (process.stdout.isTTY && process.stdin.isTTY) {
      const {runTopScreen} = await import('../tui/top/run-top.js')
      await runTopScreen({targets, admin: (node) => clients.get(node), intervalMs})
      return undefined
    }

    // No terminal: a log of events, one line each, until SIGINT/SIGTERM; each node starts with a summary line.
    const greeted = new Set<string>()
    const poller = startPoller({
      targets,
      intervalMs,
      onEvent: (event) => {
        if (event.kind === 'stats' && !greeted.has(event.node)) {
          greeted.add(event.node)
          process.stdout.write(formatEventLine({...event, text: summarizeSnapshot(event.snapshot)}) + '\n')
        }
        if (event.kind !== 'stats') process.stdout.write(formatEventLine(event) + '\n')
      },
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
    await poller.stop()
    return undefined
  }
}
