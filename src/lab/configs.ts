/**
 * The lab's configs: the `lbctl init` scaffold (haproxy.cfg, keepalived-lba.conf, keepalived-lbb.conf)
 * rendered for the lab's addresses, with the few edits a lab needs and each one said here:
 * - haproxy names the node that forwarded each answer (`X-Lb-Node`), so the report can tell who served;
 * - the track script checks this node's haproxy by pid (`pidof haproxy` would see the other lab
 *   node's haproxy too: namespaces share the pid space), every `scriptIntervalS`, fall/rise 1;
 * - VRRPv3 with a sub-second advert_int when asked (v3 has no PASS authentication, so it goes);
 * - a notify script appends `<ms> <state> <priority>` to a per-node file: the lab's role timeline.
 */
import {buildScaffold} from '../init/scaffold.js'
import {resolveInitOptions} from '../init/options.js'
import {LAB_ADDRESSES, LAB_IFNAME, LAB_VIP} from './topology.js'

export const LAB_NODES = ['lba', 'lbb'] as const
export type LabNode = (typeof LAB_NODES)[number]
export const LAB_PORT = 80
export const BACKEND_PORT = 8080
export const LAB_VRID = 51

export interface LabVrrp {
  version: 2 | 3
  /** advert_int in ms: v2 whole seconds only. */
  advertIntMs: number
  /** vrrp_script interval, whole seconds. */
  scriptIntervalS: number
}

export const FAST_VRRP: LabVrrp = {version: 3, advertIntMs: 100, scriptIntervalS: 1}

export interface NodeFiles {
  /** Where the node writes its haproxy pid (read by its track script). */
  haproxyPidFile: string
  notifyScript: string
  stateLog: string
}

export interface LabConfigs {
  haproxy: Record<LabNode, string>
  keepalived: Record<LabNode, string>
  notifyScript: string
  priorities: Record<LabNode, number>
  weight: number
}

export function labConfigs(vrrp: LabVrrp, files: Record<LabNode, NodeFiles>): LabConfigs {
  if (vrrp.version === 2 && vrrp.advertIntMs % 1000 !== 0) throw new Error('VRRPv2 advert_int is whole seconds')
  const options = resolveInitOptions(
    {
      vip: `${LAB_VIP}/24`,
      interface: LAB_IFNAME,
      nodes: LAB_NODES.join(','),
      backends: `${LAB_ADDRESSES.app1}:${BACKEND_PORT},${LAB_ADDRESSES.app2}:${BACKEND_PORT}`,
      mode: 'http',
      port: String(LAB_PORT),
      vrid: String(LAB_VRID),
      statsUser: 'admin',
      statsPassword: 'lab-stats-only',
    },
    () => 'lab-stats-only',
  )
  const scaffold = buildScaffold(options, {authPass: 'labpass1'})
  const file = (kind: string, node?: string) => scaffold.files.find((f) => f.kind === kind && (node === undefined || f.node === node))!.content
  const haproxyShared = file('haproxy')
  const haproxy = {} as Record<LabNode, string>
  const keepalived = {} as Record<LabNode, string>
  for (const node of LAB_NODES) {
    haproxy[node] = replaceOnce(haproxyShared, /^(\s*)default_backend be_app$/m, `$1http-response set-header X-Lb-Node ${node}\n$1default_backend be_app`)
    keepalived[node] = keepalivedForLab(file('keepalived', node), vrrp, files[node])
  }
  const priorities = Object.fromEntries(scaffold.plan.nodes.map((n) => [n.name, n.priority])) as Record<LabNode, number>
  return {haproxy, keepalived, notifyScript: NOTIFY_SCRIPT, priorities, weight: scaffold.plan.weight}
}

/** Called by keepalived as `notify SCRIPT LOG`: "INSTANCE" NAME STATE PRIORITY appended after the log path. */
const NOTIFY_SCRIPT = `#!/bin/sh
# $1 = the state log; then keepalived's: $2 INSTANCE|GROUP, $3 name, $4 state, $5 priority
echo "$(date +%s%3N) $4 $5" >> "$1"
`

function keepalivedForLab(text: string, vrrp: LabVrrp, files: NodeFiles): string {
  let out = text
  if (vrrp.version === 3) {
    out = replaceOnce(out, /^(\s*)router_id (.*)$/m, `$1router_id $2\n$1vrrp_version 3`)
    out = replaceOnce(out, /^\s*authentication \{\n[^}]*\}\n/m, '')
  }
  out = replaceOnce(out, /^(\s*)advert_int 1$/m, `$1advert_int ${vrrp.advertIntMs / 1000}`)
  out = replaceOnce(out, /^(\s*)script "\/bin\/sh -c 'pidof haproxy'"$/m, `$1script "/bin/sh -c 'kill -0 $(cat ${files.haproxyPidFile})'"`)
  out = replaceOnce(out, /^(\s*)interval 2$/m, `$1interval ${vrrp.scriptIntervalS}`)
  out = replaceOnce(out, /^(\s*)fall 2$/m, '$1fall 1')
  out = replaceOnce(out, /^(\s*)rise 2$/m, '$1rise 1')
  out = replaceOnce(out, /^(\s*)track_script \{$/m, `$1notify "/bin/sh ${files.notifyScript} ${files.stateLog}"\n$1track_script {`)
  return out
}

/** Replaces exactly one match; the scaffold changing shape is a bug the lab must not paper over. */
function replaceOnce(text: string, pattern: RegExp, replacement: string): string {
  if (!pattern.test(text)) throw new Error(`lab config: the init scaffold has no line matching ${pattern}`)
  return text.replace(pattern, replacement)
}
