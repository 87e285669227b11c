/**
 * A local HA pair as child processes: one `lbctl run -f keepalived.conf -f haproxy.cfg --local`
 * per node (so killing one is a real node failure), their output relayed as lines, and a stop that
 * leaves nothing running.
 */
import {type ChildProcess, spawn} from 'node:child_process'
import {createSocket} from 'node:dgram'
import {EventEmitter} from 'node:events'
import {createWriteStream, rmSync, type WriteStream} from 'node:fs'
import {connect} from 'node:net'
import {formatEvent, type VrrpEvent} from '../vrrp/events.js'

export interface NodeLaunch {
  name: string
  /** keepalived.conf then haproxy.cfg. */
  files: string[]
  /** Loopback address the node sends its adverts from. */
  address: string
  statsSocket: string
  logFile: string
  env?: Record<string, string>
}

export interface ClusterOptions {
  nodes: NodeLaunch[]
  vip: string
  port: number
  /** How to start lbctl itself: [node, ...execArgv, bin/run.js]. */
  lbctl: {command: string; args: string[]}
  /** Removed by stop() (the demo's temp dir); undefined keeps everything. */
  removeDir?: string
  /** UDP port the nodes' adverts share (default: a free one, so two demos do not hear each other). */
  udpPort?: number
}

export interface ClusterNode {
  name: string
  pid: number
  state: string
  statsSocket: string
  files: string[]
  logFile: string
  exited: boolean
}

interface ClusterEvents {
  /** A human line from a node (proxy events, VRRP transitions). */
  line: [node: string, text: string]
  state: [node: string, state: string]
  exit: [node: string, code: number | null, signal: NodeJS.Signals | null]
}

interface LiveNode {
  info: ClusterNode
  child: ChildProcess
  log: WriteStream
  exit: Promise<void>
}

const QUIET = new Set(['advert_sent', 'advert_received'])

export async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4')
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject)
    socket.bind(0, '127.0.0.1', () => resolve())
  })
  const {port} = socket.address()
  await new Promise<void>((resolve) => socket.close(() => resolve()))
  return port
}

export class LocalCluster extends EventEmitter<ClusterEvents> {
  private readonly live: LiveNode[] = []
  private stopping: Promise<void> | undefined
  /** Set by start(): the advert port every node (and every restarted node) shares. */
  private udpPort = 0

  private constructor(private readonly options: ClusterOptions) {
    super()
  }

  static async start(options: ClusterOptions): Promise<LocalCluster> {
    const cluster = new LocalCluster(options)
    cluster.udpPort = options.udpPort ?? (await freeUdpPort())
    for (const node of options.nodes) cluster.live.push(cluster.spawnNode(node))
    return cluster
  }

  get nodes(): ClusterNode[] {
    return this.live.map((n) => n.info)
  }

  /** The UDP port the pair's adverts use on loopback (what a sniffer on lo filters by). */
  get advertPort(): number {
    return this.udpPort
  }

  /**
   * Starts node `name` again with the same files, address, advert port and log (appended). A node
   * still running is stopped first (SIGTERM, SIGKILL after `graceMs`). Resolves to the new process's
   * entry, which `nodes` returns from then on. Throws for an unknown node or once stop() has begun.
   */
  async restartNode(name: string, graceMs = 5000): Promise<ClusterNode> {
    const index = this.live.findIndex((n) => n.info.name === name)
    const old = this.live[index]
    const launch = this.options.nodes.find((n) => n.name === name)
    if (!old || !launch) throw new Error(`no node ${name} in this cluster`)
    if (this.stopping) throw new Error(`cannot restart node ${name}: the cluster is stopping`)
    await this.stopNode(old, graceMs)
    // stop() may have begun while the old process was going: it must not miss a new one.
    if (this.stopping) throw new Error(`cannot restart node ${name}: the cluster is stopping`)
    const fresh = this.spawnNode(launch, old.log)
    this.live[index] = fresh
    return fresh.info
  }

  private async stopNode(node: LiveNode, graceMs: number): Promise<void> {
    if (!node.info.exited) node.child.kill('SIGTERM')
    if (!(await within(node.exit, graceMs)) && !node.info.exited) {
      node.child.kill('SIGKILL')
      await within(node.exit, 2000)
    }
  }

  /** `log`: the node's open log when it is restarted (one stream per node, ended by stop()). */
  private spawnNode(node: NodeLaunch, log: WriteStream = createWriteStream(node.logFile, {flags: 'a'})): LiveNode {
    const udpPort = this.udpPort
    const args = [...this.options.lbctl.args, 'run', ...node.files.flatMap((f) => ['-f', f]), '--local', '--node', node.name, '--address', node.address]
    args.push('--local-port', String(udpPort), '--json', '--stop-with-parent')
    // Own process group: a Ctrl-C in the terminal reaches `lbctl up` only, which stops the nodes in order.
    const child = spawn(this.options.lbctl.command, args, {stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: {...process.env, NO_COLOR: '1', ...node.env}})
    const info: ClusterNode = {name: node.name, pid: child.pid ?? -1, state: 'starting', statsSocket: node.statsSocket, files: node.files, logFile: node.logFile, exited: false}
    const exit = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        info.exited = true
        info.state = 'exited'
        this.emit('exit', node.name, code, signal)
        resolve()
      })
      child.once('error', () => resolve())
    })
    let buffered = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      log.write(chunk)
      buffered += chunk.toString()
      const lines = buffered.split('\n')
      buffered = lines.pop() ?? ''
      for (const line of lines) if (line.trim()) this.onJsonLine(info, line)
    })
    child.stderr?.on('data', (chunk: Buffer) => {
      log.write(chunk)
      for (const line of chunk.toString().split('\n')) if (line.trim()) this.emit('line', node.name, line)
    })
    return {info, child, log, exit}
  }

  private onJsonLine(info: ClusterNode, line: string): void {
    let event: Record<string, unknown>
    try {
      event = JSON.parse(line) as Record<string, unknown>
    } catch {
      this.emit('line', info.name, line)
      return
    }
    if (event.type === 'transition' && typeof event.to === 'string') {
      info.state = event.to
      this.emit('state', info.name, event.to)
    }
    if (typeof event.type !== 'string' || QUIET.has(event.type)) return
    if (event.type === 'log' && event.time === undefined) this.emit('line', info.name, String(event.message))
    else if (typeof event.time === 'number') this.emit('line', info.name, formatEvent(event as unknown as VrrpEvent))
  }

  /** Resolves true once something accepts connections on the VIP (bounded by `timeoutMs`). */
  async waitForVip(timeoutMs: number): Promise<boolean> {
    const end = Date.now() + timeoutMs
    while (Date.now() < end) {
      if (this.live.every((n) => n.info.exited)) return false
      if (await canConnect(this.options.vip, this.options.port, 500)) return true
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    return false
  }

  /** SIGTERM every node (graceful VRRP stop), SIGKILL what is still there after `graceMs`; removes the temp dir. */
  stop(graceMs = 5000): Promise<void> {
    this.stopping ??= (async () => {
      await Promise.all(
        this.live.map(async (node) => {
          await this.stopNode(node, graceMs)
          await new Promise<void>((resolve) => node.log.end(() => resolve()))
        }),
      )
      if (this.options.removeDir) rmSync(this.options.removeDir, {recursive: true, force: true})
    })()
    return this.stopping
  }
}

async function within(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const done = await Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)))])
  clearTimeout(timer)
  return done
}

export function canConnect(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({host, port})
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}
