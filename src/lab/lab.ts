/**
 * `startLab()`: a whole failover lab as root — the topology (topology.ts), two backends, and on each of
 * lba/lbb a real haproxy and a real keepalived from the lab's scaffold configs (configs.ts). Everything
 * made is tracked; destroy() (also run synchronously at process exit as a last resort) kills every
 * process and deletes every namespace and the temp directory.
 */
import {appendFileSync, chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {UserError} from '../errors.js'
import {BACKEND_PORT, FAST_VRRP, labConfigs, type LabConfigs, type LabNode, LAB_NODES, LAB_PORT, LAB_VRID, type LabVrrp, type NodeFiles} from './configs.js'
import {run} from './ip.js'
import {newLabId} from './names.js'
import {atMost, nodeScript, siblingModule, spawnIn, waitFor, type LabProcess} from './spawn.js'
import {createTopology, destroyNamespaces, LAB_ADDRESSES, LAB_IFNAME, LAB_VIP, sweepLeftovers, type Topology} from './topology.js'

export interface LabOptions {
  vrrp?: LabVrrp
  onProgress?: (text: string) => void
  /** How long the lab may take to elect a MASTER. */
  readyTimeoutMs?: number
}

export interface LabStateLine {
  at: number
  state: string
  priority: number
}

export interface LabNodeHandle {
  name: LabNode
  ns: string
  address: string
  /** Configured priority. */
  priority: number
  files: NodeFiles & {haproxyCfg: string; keepalivedConf: string; runDir: string; vrrpPidFile: string}
  haproxy: LabProcess | undefined
  keepalived: LabProcess | undefined
}

export interface Lab {
  id: string
  dir: string
  vip: string
  url: string
  vrrp: LabVrrp
  configs: LabConfigs
  topology: Topology
  nodes: Record<LabNode, LabNodeHandle>
  clientNs: string
  backends: LabProcess[]
  startHaproxy(node: LabNode): LabProcess
  startKeepalived(node: LabNode): LabProcess
  /** keepalived's VRRP child (from its --vrrp_pid file), if running. */
  vrrpPid(node: LabNode): number | undefined
  /** The notify script's lines: every state keepalived entered. */
  states(node: LabNode): LabStateLine[]
  /** Removes everything; safe to call twice. */
  destroy(): Promise<void>
}

export function requireLabPrivileges(): void {
  if (process.getuid?.() !== 0) throw new UserError('failover.lab-root', '--lab builds network namespaces and needs root', {hint: 'run it as root (sudo lbctl failover-test --lab ...)'})
  for (const binary of ['haproxy', 'keepalived', 'ip', 'tc']) {
    try {
      run('sh', ['-c', `command -v ${binary}`])
    } catch {
      throw new UserError('failover.lab-binary', `--lab needs ${binary}, which is not installed`, {hint: `install ${binary} (apt-get install haproxy keepalived iproute2)`})
    }
  }
}

export async function startLab(options: LabOptions = {}): Promise<Lab> {
  const progress = options.onProgress ?? (() => {})
  const vrrp = options.vrrp ?? FAST_VRRP
  const swept = sweepLeftovers()
  if (swept.length > 0) progress(`removed ${swept.length} namespaces left by a crashed lab: ${swept.join(', ')}`)
  const id = newLabId()
  const dir = mkdtempSync(join(tmpdir(), `lbctl-lab-${id}-`))
  const processes: LabProcess[] = []
  let topology: Topology | undefined
  let destroyed = false
  const destroySync = () => {
    if (destroyed) return
    destroyed = true
    for (const proc of processes) proc.signal('SIGKILL', true)
    if (topology) destroyNamespaces(Object.values(topology.ns))
    rmSync(dir, {recursive: true, force: true})
  }
  process.once('exit', destroySync)
  const destroy = async () => {
    if (destroyed) return
    for (const proc of processes) proc.signal('SIGKILL', true)
    await Promise.all(processes.map((p) => atMost(p.exited, 2000)))
    destroySync()
    process.off('exit', destroySync)
  }
  try {
    progress(`building lab ${id}: namespaces, bridge, veths on 198.18.0.0/24`)
    topology = createTopology(id)
    const ns = topology.ns
    const notifyScript = join(dir, 'notify.sh')
    const nodeFiles = Object.fromEntries(
      LAB_NODES.map((node) => {
        const runDir = join(dir, node)
        return [node, {runDir, haproxyPidFile: join(dir, `haproxy-${node}.pid`), notifyScript, stateLog: join(dir, `state-${node}.log`), haproxyCfg: join(dir, `haproxy-${node}.cfg`), keepalivedConf: join(dir, `keepalived-${node}.conf`), vrrpPidFile: join(dir, `vrrp-${node}.pid`)}]
      }),
    ) as Record<LabNode, LabNodeHandle['files']>
    const configs = labConfigs(vrrp, nodeFiles)
    writeFileSync(notifyScript, configs.notifyScript, {mode: 0o700})
    for (const node of LAB_NODES) {
      const files = nodeFiles[node]
      run('mkdir', ['-p', files.runDir])
      writeFileSync(files.haproxyCfg, configs.haproxy[node], {mode: 0o600})
      writeFileSync(files.keepalivedConf, configs.keepalived[node], {mode: 0o600})
      writeFileSync(files.stateLog, '')
      chmodSync(files.stateLog, 0o600)
    }

    const backendScript = nodeScript(siblingModule(import.meta.url, 'backend-server'))
    const backends = (['app1', 'app2'] as const).map((name) => {
      const proc = spawnIn(ns[name], name, backendScript.command, [...backendScript.args, name, String(BACKEND_PORT)])
      processes.push(proc)
      return proc
    })
    await Promise.all(backends.map((b) => waitFor(`backend ${b.name} listening`, 10_000, () => b.output().includes('listening') || !b.alive())))
    for (const b of backends) if (!b.alive()) throw new Error(`backend ${b.name} exited: ${b.output()}`)

    const nodes = Object.fromEntries(
      LAB_NODES.map((node) => [node, {name: node, ns: ns[node], address: LAB_ADDRESSES[node], priority: configs.priorities[node], files: nodeFiles[node], haproxy: undefined, keepalived: undefined}]),
    ) as Record<LabNode, LabNodeHandle>

    const startHaproxy = (node: LabNode): LabProcess => {
      const handle = nodes[node]
      const proc = spawnIn(handle.ns, `haproxy-${node}`, 'haproxy', ['-db', '-f', handle.files.haproxyCfg], {env: {LBCTL_RUN_DIR: handle.files.runDir}})
      writeFileSync(handle.files.haproxyPidFile, `${proc.pid}\n`)
      processes.push(proc)
      handle.haproxy = proc
      return proc
    }
    const startKeepalived = (node: LabNode): LabProcess => {
      const handle = nodes[node]
      const f = handle.files
      const pids = ['--pid', join(dir, `keepalived-${node}.pid`), '--vrrp_pid', f.vrrpPidFile, '--checkers_pid', join(dir, `checkers-${node}.pid`)]
      rmSync(f.vrrpPidFile, {force: true})
      // States before this start belong to the previous process (written first: keepalived's own notify must come after).
      appendFileSync(f.stateLog, `${Date.now()} INIT ${handle.priority}\n`)
      const proc = spawnIn(handle.ns, `keepalived-${node}`, 'keepalived', ['--dont-fork', '--log-console', '--no-syslog', '--vrrp', '-f', f.keepalivedConf, ...pids])
      processes.push(proc)
      handle.keepalived = proc
      return proc
    }
    const states = (node: LabNode): LabStateLine[] => parseStateLog(readFileSync(nodes[node].files.stateLog, 'utf8'))

    progress(`starting haproxy and keepalived on ${LAB_NODES.join(', ')} (VRRPv${vrrp.version}, advert ${vrrp.advertIntMs} ms)`)
    for (const node of LAB_NODES) startHaproxy(node)
    for (const node of LAB_NODES) startKeepalived(node)
    const readyMs = options.readyTimeoutMs ?? 15_000
    try {
      // Ready: the highest priority is MASTER and every other node has said BACKUP (notify scripts run
      // asynchronously, so a node's BACKUP can come well after the MASTER's line on a loaded machine).
      const top = LAB_NODES.reduce((best, node) => (nodes[node].priority > nodes[best].priority ? node : best))
      await waitFor('one MASTER elected', readyMs, () => LAB_NODES.every((node) => states(node).at(-1)?.state === (node === top ? 'MASTER' : 'BACKUP')) && LAB_NODES.every((node) => nodes[node].haproxy?.alive() && nodes[node].keepalived?.alive()))
    } catch {
      const logs = LAB_NODES.flatMap((node) => [nodes[node].haproxy, nodes[node].keepalived]).map((p) => `--- ${p?.name}\n${p?.output() ?? ''}`)
      throw new UserError('failover.lab-unready', `the lab elected no MASTER within ${readyMs} ms`, {hint: `the daemons said:\n${logs.join('\n')}`, exitCode: 1})
    }
    return {
      id,
      dir,
      vip: LAB_VIP,
      url: `http://${LAB_VIP}:${LAB_PORT}/`,
      vrrp,
      configs,
      topology,
      nodes,
      clientNs: ns.client,
      backends,
      startHaproxy,
      startKeepalived,
      vrrpPid(node) {
        try {
          const pid = Number(readFileSync(nodes[node].files.vrrpPidFile, 'utf8').trim())
          return Number.isInteger(pid) && pid > 0 ? pid : undefined
        } catch {
          return undefined
        }
      },
      states,
      destroy,
    }
  } catch (error) {
    await destroy()
    throw error
  }
}

/**
 * The state log in time order. keepalived forks one notify script per transition; on a loaded machine
 * a quick MASTER → BACKUP pair can append out of order, but each line's time was taken when its script
 * started, so sorting by it restores the order (stable for equal times).
 */
export function parseStateLog(text: string): LabStateLine[] {
  const lines: LabStateLine[] = []
  for (const line of text.split('\n')) {
    const [at, state, priority] = line.trim().split(/\s+/)
    if (at === undefined || state === undefined || !/^\d+$/.test(at)) continue
    lines.push({at: Number(at), state, priority: Number(priority ?? 0)})
  }
  return lines.sort((x, y) => x.at - y.at)
}

export {LAB_IFNAME, LAB_VRID}
