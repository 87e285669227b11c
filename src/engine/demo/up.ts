/**
 * `lbctl up`: a whole local HA pair. The built-in demo (three HTTP backends started here, nodes a
 * and b) or the files of an `lbctl init` directory, each node a child `lbctl run ... --local`.
 */
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {type DemoBackend, startDemoBackend, startDemoBackends} from './backends.js'
import {type ClusterNode, LocalCluster, type NodeLaunch} from './cluster.js'
import {DEMO_PORT, DEMO_VIP, demoHaproxyCfg, demoKeepalivedConf, demoNodes, type DemoSpec} from './config.js'
import {prepareInitDir} from './init-dir.js'

export interface UpOptions {
  /** An `lbctl init` directory; undefined runs the built-in demo. */
  dir?: string
  lbctl: {command: string; args: string[]}
  /** How long to wait for the VIP to answer before reporting (it keeps running either way). */
  readyTimeoutMs?: number
  /** Lines from the nodes (transitions, binds, proxy events) from the moment they start. */
  onLine?: (node: string, text: string) => void
  onExit?: (node: string, code: number | null, signal: NodeJS.Signals | null) => void
}

export interface UpNode {
  name: string
  pid: number
  state: string
  statsSocket: string
  files: string[]
  log: string
}

/** What `lbctl up --json` prints first (one line), while everything runs. */
export interface UpEndpoints {
  type: 'ready'
  source: 'demo' | 'dir'
  /** Where the generated files, stats sockets and logs are (removed on stop for the demo). */
  dir: string
  vip: string
  port: number
  url: string
  /** Whether the VIP answered before the report. */
  vipAnswering: boolean
  pid: number
  nodes: UpNode[]
  backends: {name: string; url: string; port: number}[]
  top: string
  notes: string[]
}

export interface UpSession {
  endpoints(): UpEndpoints
  cluster: LocalCluster
  stop(): Promise<void>
}

export function topCommand(nodes: {name: string; statsSocket: string}[]): string {
  return `lbctl top ${nodes.map((n) => `--socket ${n.name}=${n.statsSocket}`).join(' ')}`
}

function demoLaunches(dir: string, backends: DemoBackend[]): {launches: NodeLaunch[]; spec: DemoSpec} {
  const spec: DemoSpec = {vip: DEMO_VIP, port: DEMO_PORT, vrid: 51, nodes: demoNodes, backends: backends.map((b) => ({name: b.name, port: b.port}))}
  const launches = spec.nodes.map((node): NodeLaunch => {
    const nodeDir = join(dir, node.name)
    mkdirSync(nodeDir, {recursive: true})
    const statsSocket = join(nodeDir, 'admin.sock')
    const haproxy = join(nodeDir, 'haproxy.cfg')
    const keepalived = join(nodeDir, 'keepalived.conf')
    writeFileSync(haproxy, demoHaproxyCfg(spec, node, statsSocket))
    writeFileSync(keepalived, demoKeepalivedConf(spec, node))
    return {name: node.name, files: [keepalived, haproxy], address: node.address, statsSocket, logFile: join(nodeDir, 'node.log')}
  })
  return {launches, spec}
}

/** Starts everything; throws a UserError (from init-dir.ts) when a directory cannot run. */
export async function startUp(options: UpOptions): Promise<UpSession> {
  const temp = mkdtempSync(join(tmpdir(), 'lbctl-up-'))
  let backends: DemoBackend[] = []
  let launches: NodeLaunch[]
  let vip = DEMO_VIP
  let port = DEMO_PORT
  const notes: string[] = []
  try {
    if (options.dir === undefined) {
      backends = await startDemoBackends(3)
      launches = demoLaunches(temp, backends).launches
    } else {
      const prepared = prepareInitDir(options.dir, temp)
      launches = prepared.launches
      vip = prepared.vip
      port = prepared.port
      notes.push(...prepared.notes)
      for (const server of prepared.loopbackServers) {
        const backend = await startDemoBackend(server.name, server.port)
        if (backend.port === server.port) {
          backends.push(backend)
          notes.push(`nothing served ${server.name} on 127.0.0.1:${server.port}: a demo backend answers there`)
        } else await backend.close()
      }
    }
  } catch (error) {
    await Promise.all(backends.map((b) => b.close()))
    rmSync(temp, {recursive: true, force: true})
    throw error
  }
  const cluster = await LocalCluster.start({nodes: launches, vip, port, lbctl: options.lbctl, removeDir: temp})
  if (options.onLine) cluster.on('line', options.onLine)
  if (options.onExit) cluster.on('exit', options.onExit)
  const vipAnswering = await cluster.waitForVip(options.readyTimeoutMs ?? 10_000)
  if (!vipAnswering) notes.push(`nothing answers on ${vip}:${port} yet: see the node logs`)
  let stopping: Promise<void> | undefined
  return {
    cluster,
    endpoints: () => ({
      type: 'ready',
      source: options.dir === undefined ? 'demo' : 'dir',
      dir: temp,
      vip,
      port,
      url: `http://${vip}:${port}/`,
      vipAnswering,
      pid: process.pid,
      nodes: cluster.nodes.map((n: ClusterNode) => ({name: n.name, pid: n.pid, state: n.state, statsSocket: n.statsSocket, files: n.files, log: n.logFile})),
      backends: backends.map((b) => ({name: b.name, url: b.url, port: b.port})),
      top: topCommand(cluster.nodes),
      notes,
    }),
    stop: () =>
      (stopping ??= (async () => {
        await cluster.stop()
        await Promise.all(backends.map((b) => b.close()))
      })()),
  }
}
