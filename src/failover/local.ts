/**
 * `failover-test --local`: the target is the bundled pair `lbctl up` starts (built-in demo or an init
 * DIR), fresh for each run. Roles come from each node's `show vrrp`; the faults (local-faults.ts) are
 * signals to the node process (kill, stop, proxy) or runtime API commands (link, block-vrrp).
 */
import {existsSync, readdirSync} from 'node:fs'
import {join} from 'node:path'
import {parseKeepalived} from '../config/keepalived/index.js'
import {readSourceFile} from '../config/source.js'
import {startUp} from '../engine/demo/up.js'
import {localEnvironment} from '../config/keepalived/env.js'
import {RuntimeApiClient} from '../observe/runtime-api.js'
import type {VrrpRow} from '../observe/show-vrrp.js'
import {startVrrpSniffer} from '../observe/vrrp-sniffer.js'
import {UserError} from '../errors.js'
import {injectLocalFault, type LocalFaultDeps, recoverLocalFault} from './local-faults.js'
import type {FaultKind} from './records.js'
import type {FailoverTestResult} from './report.js'
import {type ExperimentOptions, runScenario, type TargetSession} from './scenario.js'
import {startTraffic} from './traffic.js'
import type {WireEvent} from './wire.js'

export interface LocalFailoverOptions extends ExperimentOptions {
  /** An `lbctl init` directory; undefined: the built-in demo. */
  dir?: string
  /** Capture the adverts on `lo` (tcpdump, root); default: when root and tcpdump is on PATH. */
  sniff?: boolean
  lbctl: {command: string; args: string[]}
}

/** The faults the bundled node can take (local-faults.ts says how). */
export const LOCAL_FAULTS: readonly FaultKind[] = ['kill', 'stop', 'proxy', 'link', 'block-vrrp']

/**
 * The longest a dead proxy can go unnoticed on a node: interval × fall of the slowest track script of
 * its first instance (0 without one, or when the file cannot be read).
 */
export function trackDetectMsOf(keepalivedFile: string | undefined): number {
  if (keepalivedFile === undefined) return 0
  try {
    const model = parseKeepalived(readSourceFile(keepalivedFile)).model
    const instance = model.vrrpInstances[0]
    const detect = (instance?.trackScripts ?? []).map((t) => model.vrrpScripts.find((s) => s.name === t.name)).filter((s) => s !== undefined).map((s) => s.interval * s.fall * 1000)
    return Math.max(0, ...detect)
  } catch {
    return 0
  }
}

export async function openLocal(options: Pick<LocalFailoverOptions, 'dir' | 'lbctl' | 'sniff'>, progress: (text: string) => void): Promise<TargetSession> {
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
  const faults: LocalFaultDeps = {
    nodes: () =>
      session.endpoints().nodes.map((n) => {
        const client = RuntimeApiClient.connect(n.statsSocket, {timeoutMs: 1000})
        return {name: n.name, pid: n.pid, command: (line: string) => client.command(line)}
      }),
    restart: async (node) => (await session.cluster.restartNode(node)).pid,
  }
  const trackDetectMs = Math.max(0, ...endpoints.nodes.map((n) => trackDetectMsOf(n.files[0])))
  // A soft-stopped proxy takes the node's runtime API with it (as HAProxy's stats socket), while its VRRP runs on:
  // until the recovery, the node's role comes from the transitions it prints (LocalCluster follows them).
  const softStopped = new Set<string>()
  const notes = [...endpoints.notes]
  const lastRows = new Map<string, VrrpRow[]>()
  const roleFromEvents = (name: string, last: VrrpRow[] | undefined): VrrpRow[] | undefined => {
    const node = session.cluster.nodes.find((c) => c.name === name)
    if (!node || node.exited || last?.length !== 1 || !['MASTER', 'BACKUP', 'FAULT', 'INIT'].includes(node.state)) return undefined
    return [{...last[0]!, state: node.state, effectivePriority: null, lastAdvertMsAgo: null}]
  }
  // Each node's advert source address, learnt from its own `show vrrp` while MASTER: it names the wire's senders.
  const wire = {vrid: 0, addresses: {} as Record<string, string>}
  // Other local pairs on this host advertise on lo too (the demo's VRID and addresses are always the same): only this pair's UDP port counts.
  const advertPort = session.cluster.advertPort
  const sniff = (options.sniff ?? (process.getuid?.() === 0 && localEnvironment.commandExists('tcpdump') === true))
  return {
    url: endpoints.url,
    source: endpoints.source,
    sources: endpoints.nodes.map((n) => {
      const client = RuntimeApiClient.connect(n.statsSocket, {timeoutMs: 250})
      return {
        node: n.name,
        async showVrrp() {
          let rows: VrrpRow[] | undefined
          try {
            rows = await client.showVrrp()
          } catch (error) {
            const standIn = softStopped.has(n.name) ? roleFromEvents(n.name, lastRows.get(n.name)) : undefined
            if (standIn) return standIn
            throw error
          }
          if (rows) lastRows.set(n.name, rows)
          const master = rows?.find((r) => r.state === 'MASTER' && r.master !== '')
          if (master && master.vrid !== null) {
            wire.vrid = master.vrid
            wire.addresses[n.name] = master.master
          }
          return rows
        },
      }
    }),
    ...(sniff
      ? {
          wireInfo: wire,
          async watchWire() {
            const events: WireEvent[] = []
            const sniffer = await startVrrpSniffer({iface: 'lo', node: 'lo', onEvent: (event) => events.push(event)})
            return {
              async stop() {
                await sniffer.stop()
                return events.filter((event) => event.kind !== 'vrrp-advert' || event.text.startsWith(`${event.src}.${advertPort} > `))
              },
            }
          },
        }
      : {}),
    nodes: () => session.endpoints().nodes.map((n) => ({name: n.name, pid: n.pid})),
    startTraffic: (traffic) => startTraffic({...traffic, url: endpoints.url}),
    timing: (timing) => ({...timing, trackDetectMs}),
    async inject(kind, node) {
      const fault = await injectLocalFault(kind, node, faults)
      if (kind === 'proxy') {
        softStopped.add(node)
        notes.push(`${node}'s runtime API went with its soft-stopped proxy: until its restart, its role is the one it printed (its transition events)`)
      }
      return fault
    },
    async recover(fault) {
      softStopped.delete(fault.node)
      return recoverLocalFault(fault, faults)
    },
    notes,
    close,
  }
}

/** The proxy fault moves the VIP only through a track script whose weight drops the MASTER below the backup. */
function requireTrackScript(dir: string | undefined): void {
  const files = dir === undefined || !existsSync(dir) ? [] : readdirSync(dir).filter((name) => /^keepalived-.+\.conf$/.test(name)).sort()
  if (dir !== undefined && files.length === 0) return // startUp says what the directory lacks
  if (dir === undefined || trackDetectMsOf(join(dir, files[0]!)) === 0) {
    const what = dir === undefined ? 'the built-in demo pair has' : `${join(dir, files[0]!)} has`
    throw new UserError('failover.local-proxy', `--fault proxy needs a vrrp_script tracking the proxy, and ${what} none: the VIP would never move`, {
      hint: 'use a directory made by lbctl init (its chk_haproxy script with weight -20): lbctl init ./pair --yes && lbctl failover-test --local ./pair --fault proxy',
    })
  }
}

export async function runLocalFailover(options: LocalFailoverOptions): Promise<FailoverTestResult> {
  if (options.fault === 'proxy') requireTrackScript(options.dir)
  return runScenario({...options, target: 'local', open: (progress) => openLocal(options, progress)})
}
