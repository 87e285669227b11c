import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../base-command.js'
import {startUp, type UpEndpoints, type UpSession} from '../engine/demo/up.js'

export type {UpEndpoints} from '../engine/demo/up.js'

export interface UpResult {
  type: 'stopped'
  signal: string
  /** The node processes that ran (all gone now). */
  nodes: {name: string; pid: number}[]
  /** The demo's temp dir, removed. */
  dir: string
}

export default class Up extends BaseCommand {
  static override summary = 'Start a whole local HA pair: two load-balancer nodes sharing a VIP, plus demo backends'
  static override description = `With no DIR: the built-in demo. Three HTTP backends on 127.0.0.1 (9001-9003 when free), and two nodes a (MASTER, priority 110) and b (BACKUP, priority 100), each its own process running \`lbctl run --local\` with a mode http haproxy.cfg and a keepalived.conf (VRID 51, VIP 127.0.0.100) written to a temp dir. The frontend on 127.0.0.100:8080 is bound only by the node that holds the VIP, so killing the master moves the traffic to the other node within about 4 seconds.

With DIR (made by \`lbctl init\`): runs those files locally the same way, the VIP mapped to a loopback address.

Prints where to look (VIP URL, stats sockets, the lbctl top command), opens lbctl top on a terminal, and on Ctrl-C or SIGTERM stops every node (gracefully), the backends, and removes the temp dir. --json prints the endpoints as one JSON line (with the node pids) and runs until a signal.`

  static override examples = [
    '<%= config.bin %> up',
    '<%= config.bin %> up --no-top',
    '<%= config.bin %> up --json',
    '<%= config.bin %> up ./demo',
  ]

  static override args = {
    dir: Args.string({description: 'a directory made by lbctl init (default: the built-in demo)'}),
  }

  static override flags = {
    'no-top': Flags.boolean({description: 'do not open the lbctl top screen'}),
  }

  protected override logJson(json: unknown): void {
    process.stdout.write(JSON.stringify(json) + '\n')
  }

  async run(): Promise<UpResult> {
    const {args, flags} = await this.parse(Up)
    const json = this.jsonEnabled()
    const signals = waitForSignal()
    const useTop = !json && !flags['no-top'] && Boolean(process.stdout.isTTY && process.stdin.isTTY)
    // Node lines go to stderr, except while the top screen owns the terminal.
    let relay = true
    let session: UpSession
    try {
      session = await startUp({
        ...(args.dir === undefined ? {} : {dir: args.dir}),
        lbctl: {command: process.execPath, args: [...process.execArgv, process.argv[1]!]},
        onLine: (node, text) => relay && process.stderr.write(`${node} | ${text}\n`),
        onExit: (node, code, signal) => relay && process.stderr.write(`${node} | process exited (${signal ?? `code ${code}`})\n`),
      })
    } catch (error) {
      signals.dispose()
      throw error
    }
    const endpoints = session.endpoints()

    if (json) this.logJson(endpoints)
    else this.log(describe(endpoints))

    let signal: string
    if (signals.received !== undefined) signal = signals.received
    else if (useTop) {
      relay = false
      signal = await runTop(endpoints, signals.next())
      relay = true
    } else signal = await signals.next()

    if (!json) this.logToStderr(`lbctl up: ${signal}: stopping the nodes and backends`)
    await session.stop()
    signals.dispose()
    if (!json) this.logToStderr(`lbctl up: stopped; ${endpoints.dir} removed`)
    return {type: 'stopped', signal, nodes: endpoints.nodes.map((n) => ({name: n.name, pid: n.pid})), dir: endpoints.dir}
  }
}

function describe(e: UpEndpoints): string {
  const lines = [
    `lbctl up: ${e.source === 'demo' ? 'built-in demo' : 'local pair'} running (files in ${e.dir})`,
    '',
    `  VIP        ${e.url}${e.vipAnswering ? '' : '   (not answering yet)'}`,
    `             try: curl -i ${e.url}`,
    ...e.nodes.map((n) => `  node ${n.name.padEnd(6)} pid ${n.pid}, ${n.state}, stats socket ${n.statsSocket}, log ${n.log}`),
    ...e.backends.map((b) => `  backend    ${b.name} ${b.url}`),
    '',
    `  watch:     ${e.top}`,
    `  failover:  kill ${e.nodes[0]?.pid ?? 'PID'}   (node ${e.nodes[0]?.name ?? 'a'}; the VIP moves to the other node in ~4 s)`,
    ...e.notes.map((note) => `  note:      ${note}`),
    '',
    'Ctrl-C stops everything.',
  ]
  return lines.join('\n')
}

/** The lbctl top screen on the nodes' stats sockets until `q`/Ctrl-C or a signal; returns why it ended. */
async function runTop(e: UpEndpoints, signal: Promise<string>): Promise<string> {
  const [{render}, {createElement}, {TopApp}, {RuntimeApiClient}, {startPoller, systemClock}] = await Promise.all([
    import('ink'),
    import('react'),
    import('../tui/top/top-app.js'),
    import('../observe/runtime-api.js'),
    import('../observe/source.js'),
  ])
  const clients = new Map(e.nodes.map((n) => [n.name, RuntimeApiClient.connect(n.statsSocket, {timeoutMs: 2000})]))
  const targets = e.nodes.map((n) => ({node: n.name, client: clients.get(n.name)!}))
  let poller: ReturnType<typeof startPoller> | undefined
  const subscribe = (onEvent: Parameters<typeof startPoller>[0]['onEvent']) => {
    poller = startPoller({targets, intervalMs: 1000, onEvent})
    const running = poller
    return () => running.stop()
  }
  const app = render(
    createElement(TopApp, {nodes: targets.map((t) => t.node), subscribe, admin: (node: string) => clients.get(node), refresh: () => void poller?.pollNow(), clock: systemClock}),
    {exitOnCtrlC: true, patchConsole: false},
  )
  const why = await Promise.race([app.waitUntilExit().then(() => 'quit'), signal])
  app.unmount()
  await poller?.stop()
  return why
}

/** SIGINT/SIGTERM while starting are remembered; afterwards `next()` resolves on the next one. A third one exits at once. */
function waitForSignal(): {received: string | undefined; next(): Promise<string>; dispose(): void} {
  let count = 0
  let waiting: ((signal: string) => void) | undefined
  const state = {
    received: undefined as string | undefined,
    next: () => new Promise<string>((resolve) => (state.received === undefined ? (waiting = resolve) : resolve(state.received))),
    dispose() {
      process.off('SIGINT', handler)
      process.off('SIGTERM', handler)
    },
  }
  const handler = (signal: NodeJS.Signals) => {
    count++
    if (count >= 3) process.exit(130)
    state.received ??= signal
    waiting?.(signal)
  }
  process.on('SIGINT', handler)
  process.on('SIGTERM', handler)
  return state
}
