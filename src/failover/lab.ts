/**
 * `failover-test --lab`: the target is a lab (src/lab/) built fresh for each run — real haproxy and
 * keepalived on lba/lbb from the init scaffold, two backends, a client namespace the traffic comes
 * from. Roles come from keepalived's notify script (and whether the process lives); the wire
 * timeline from a VRRP sniffer on the lab's switch.
 */
import {UserError} from '../errors.js'
import {startVrrpSniffer} from '../observe/vrrp-sniffer.js'
import type {VrrpRow} from '../observe/show-vrrp.js'
import {FAST_VRRP, LAB_NODES, LAB_VRID, type LabNode, type LabVrrp} from '../lab/configs.js'
import {injectLabFault, recoverLabFault} from '../lab/faults.js'
import {type Lab, requireLabPrivileges, startLab} from '../lab/lab.js'
import {startTrafficIn} from '../lab/remote-traffic.js'
import {watchVip} from '../lab/vip-watch.js'
import {LAB_ADDRESSES} from '../lab/topology.js'
import type {FailoverTestResult} from './report.js'
import {type ExperimentOptions, runScenario, type TargetSession} from './scenario.js'
import type {WireEvent} from './wire.js'

export interface LabFailoverOptions extends ExperimentOptions {
  vrrp?: LabVrrp
  /** Capture VRRP adverts and GARPs on the lab's switch (needs tcpdump). */
  sniff?: boolean
}

/** A lab node's VRRP state as `show vrrp` rows: the last state keepalived notified, while it runs. */
export function labVrrpRows(lab: Lab, node: LabNode): VrrpRow[] | undefined {
  const keepalived = lab.nodes[node].keepalived
  if (!keepalived?.alive()) throw new Error(`keepalived on ${node} is not running`)
  const last = lab.states(node).at(-1)
  return [
    {
      instance: `VI_${LAB_VRID}`,
      state: last?.state ?? 'INIT',
      priority: lab.nodes[node].priority,
      effectivePriority: last?.priority ?? lab.nodes[node].priority,
      vrid: LAB_VRID,
      version: lab.vrrp.version,
      advertIntMs: lab.vrrp.advertIntMs,
      master: '',
      vips: [],
      lastAdvertMsAgo: null,
      reportedNode: node,
    },
  ]
}

function isLabNode(node: string): node is LabNode {
  return (LAB_NODES as readonly string[]).includes(node)
}

export async function openLab(options: Pick<LabFailoverOptions, 'vrrp' | 'sniff'>, progress: (text: string) => void): Promise<TargetSession> {
  const lab = await startLab({...(options.vrrp ? {vrrp: options.vrrp} : {}), onProgress: progress})
  const vrrp = lab.vrrp
  const vipWatches = LAB_NODES.map((node) => watchVip(lab.nodes[node].ns, node, lab.vip))
  return {
    url: lab.url,
    source: 'scaffold',
    sources: LAB_NODES.map((node) => ({node, showVrrp: async () => labVrrpRows(lab, node)})),
    nodes: () => LAB_NODES.map((node) => ({name: node, pid: lab.nodes[node].keepalived?.pid ?? 0})),
    startTraffic: (traffic) => startTrafficIn(lab.clientNs, {...traffic, url: lab.url}),
    timing: (timing) => ({...timing, trackDetectMs: vrrp.scriptIntervalS * 1000}),
    async inject(kind, node) {
      if (!isLabNode(node)) throw new Error(`no lab node ${node}`)
      const at = Date.now()
      const {at: tookEffect, ...fault} = injectLabFault(lab, kind, node)
      return {kind, node, at: tookEffect ?? at, ...fault}
    },
    async recover(fault) {
      if (!isLabNode(fault.node)) throw new Error(`no lab node ${fault.node}`)
      return recoverLabFault(lab, fault.kind, fault.node)
    },
    ...(options.sniff === false
      ? {}
      : {
          async watchWire() {
            const events: WireEvent[] = []
            const sniffer = await startVrrpSniffer({iface: 'br0', netns: lab.topology.ns.sw, node: 'switch', onEvent: (event) => events.push(event)})
            return {
              async stop() {
                await sniffer.stop()
                return events
              },
            }
          },
        }),
    vipChanges: () => vipWatches.flatMap((w) => w.changes).sort((x, y) => x.at - y.at),
    wireInfo: {vrid: LAB_VRID, addresses: {lba: LAB_ADDRESSES.lba, lbb: LAB_ADDRESSES.lbb}},
    notes: [`the lab: haproxy and keepalived from the init scaffold (VRRPv${vrrp.version}, advert_int ${vrrp.advertIntMs / 1000} s, track script every ${vrrp.scriptIntervalS} s)`],
    async close() {
      progress(`removing lab ${lab.id}`)
      await Promise.all(vipWatches.map((w) => w.stop()))
      await lab.destroy()
    },
  }
}

export async function runLabFailover(options: LabFailoverOptions): Promise<FailoverTestResult> {
  requireLabPrivileges()
  if (options.vrrp && options.vrrp.version === 2 && options.vrrp.advertIntMs % 1000 !== 0) {
    throw new UserError('failover.lab-advert', 'VRRPv2 sends adverts in whole seconds', {hint: 'use --advert-int 1s (or more) with --vrrp-version 2, or version 3 for sub-second adverts'})
  }
  return runScenario({...options, target: 'lab', open: (progress) => openLab({vrrp: options.vrrp ?? FAST_VRRP, ...(options.sniff === undefined ? {} : {sniff: options.sniff})}, progress)})
}
