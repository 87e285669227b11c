/**
 * `failover-test --local`: the target is the bundled pair `lbctl up` starts (built-in demo or an init
 * DIR), fresh for each run. Roles come from each node's `show vrrp`; the faults are signals to the
 * node process: kill = SIGKILL, stop = SIGTERM. Recovery restarts the node.
 */
import {startUp} from '../engine/demo/up.js'
import {RuntimeApiClient} from '../observe/runtime-api.js'
import {UserError} from '../errors.js'
import {injectFault, type SignalFault} from './faults.js'
import type {FaultKind} from './records.js'
import type {FailoverTestResult} from './report.js'
import {runScenario, type TargetSession} from './scenario.js'
import {startTraffic} from './traffic.js'

export interface LocalFailoverOptions {
  /** An `lbctl init` directory; undefined: the built-in demo. */
  dir?: string
  lbctl: {command: string; args: string[]}
  fault: FaultKind
  rate: number
  keepalive: boolean
  durationBeforeMs: number
  maxGapMs?: number
  recover: boolean
  repeat: number
  requestTimeoutMs?: number
  pollIntervalMs?: number
  onProgress?: (text: string) => void
  signal?: AbortSignal
}

/** The faults the bundled node can take: it is one process (proxy + VRRP) on loopback. */
export const LOCAL_FAULTS: readonly FaultKind[] = ['kill', 'stop']

export async function openLocal(options: Pick<LocalFailoverOptions, 'dir' | 'lbctl'>, progress: (text: string) => void): Promise<TargetSession> {
  progress(`starting the ${options.dir === undefined ? 'built-in demo pair' : `pair from ${options.dir}`}`)
  const session = await startUp({...(options.dir === undefined ? {} : {dir: options.dir}), lbctl: options.lbctl})
  const close = async () => {
    progress('stopping the pair')
    await session.stop()
  }
  const endpoints = session.endpoints()
  if (!endpoints.vipAnswering) {
    await close()
    throw new UserError('failover.no-vip', `nothing answers on ${endpoints.url}`, {hint: 'see the node logs: ' + endpoints.nodes.map((n) => n.log).join(', '), exitCode: 1})
  }
  return {
    url: endpoints.url,
    source: endpoints.source,
    sources: endpoints.nodes.map((n) => {
      const client = RuntimeApiClient.connect(n.statsSocket, {timeoutMs: 250})
      return {node: n.name, showVrrp: () => client.showVrrp()}
    }),
    nodes: () => session.endpoints().nodes.map((n) => ({name: n.name, pid: n.pid})),
    startTraffic: (traffic) => startTraffic({...traffic, url: endpoints.url}),
    async inject(kind, node) {
      const target = session.endpoints().nodes.find((n) => n.name === node)
      if (!target) throw new Error(`no node ${node}`)
      const fault = injectFault(kind as SignalFault, {name: node, pid: target.pid})
      return {...fault, action: `${fault.signal} to node ${node} (pid ${target.pid})`}
    },
    async recover(fault) {
      const restarted = await session.cluster.restartNode(fault.node)
      return {pid: restarted.pid, action: `node ${fault.node} restarted`}
    },
    notes: endpoints.notes,
    close,
  }
}

export async function runLocalFailover(options: LocalFailoverOptions): Promise<FailoverTestResult> {
  if (!LOCAL_FAULTS.includes(options.fault)) {
    throw new UserError('failover.local-fault', `--fault ${options.fault} is not available with --local: a bundled node is one process on loopback (proxy and VRRP together, no interface of its own)`, {
      hint: `use --fault ${LOCAL_FAULTS.join(' or ')} with --local, or --lab (real haproxy + keepalived in namespaces) for every fault`,
    })
  }
  return runScenario({...options, target: 'local', open: (progress) => openLocal(options, progress)})
}
