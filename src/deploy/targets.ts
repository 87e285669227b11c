/**
 * Which hosts get which files, resolved from lbctl.yaml and/or --hosts: everything a rollout needs to
 * know about one host, with the inventory's shared settings and the node's own overrides merged.
 */
import {dirname, resolve} from 'node:path'
import {UserError} from '../errors.js'
import type {TemplateContext} from '../init/template.js'
import type {Inventory, InventoryNode} from './inventory.js'

export type FileKind = 'haproxy' | 'keepalived'

export interface ManagedFile {
  kind: FileKind
  /** The local file it comes from (for messages and local validation). */
  localPath: string
  remotePath: string
  /** Command that checks a candidate on the host; `{file}` becomes its path. */
  check: string
  reload: string
  /** Set when localPath is a template: the values it is rendered with for this host. */
  template?: TemplateContext
}

export interface DeployTarget {
  /** Inventory node name, or the destination when there is no inventory. */
  name: string
  /** ssh destination. */
  dest: string
  role?: 'MASTER' | 'BACKUP'
  priority?: number
  files: ManagedFile[]
  /** haproxy's runtime-API socket on the host: verify asks it after a reload. */
  statsSocket?: string
  /** keepalived's pid file on the host: verify checks the process behind it. */
  keepalivedPidFile?: string
  /** VIPs (address without prefix) with the interface they live on: exactly one host must hold each. */
  vips: {address: string; interface: string}[]
  sysctl: Record<string, string>
  sysctlFile: string
}

export const DEFAULT_HAPROXY_CHECK = 'haproxy -c -f {file}'
export const DEFAULT_KEEPALIVED_CHECK = 'keepalived -t -f {file}'
export const DEFAULT_KEEPALIVED_PID_FILE = '/run/keepalived.pid'
export const DEFAULT_SYSCTL_FILE = '/etc/sysctl.d/90-lbctl.conf'

export interface TargetOptions {
  inventory?: {path: string; inventory: Inventory}
  /** --hosts: node names or ssh destinations; without an inventory, the destinations themselves. */
  hosts?: string[]
  /** Without an inventory: the files every host gets and how. */
  haproxyConfig?: string
  keepalivedConfig?: string
}

/** Inventory nodes (filtered by --hosts), or ad-hoc hosts with default paths and systemd reloads. */
export function resolveTargets(options: TargetOptions): DeployTarget[] {
  if (options.inventory) return fromInventory(options.inventory.path, options.inventory.inventory, options.hosts)
  if (!options.hosts || options.hosts.length === 0) {
    throw new UserError('deploy/no-hosts', 'no hosts to deploy to: there is no lbctl.yaml here and --hosts is empty', {
      hint: 'pass --inventory lbctl.yaml (written by `lbctl init`) or --hosts a,b with --haproxy-config FILE',
    })
  }
  if (!options.haproxyConfig && !options.keepalivedConfig) {
    throw new UserError('deploy/no-files', 'nothing to deploy: without an inventory, name the files', {
      hint: 'pass --haproxy-config haproxy.cfg and/or --keepalived-config keepalived.conf, or use an lbctl.yaml',
    })
  }
  return options.hosts.map((dest) => ({
    name: dest,
    dest,
    files: [
      ...(options.haproxyConfig
        ? [{kind: 'haproxy' as const, localPath: options.haproxyConfig, remotePath: '/etc/haproxy/haproxy.cfg', check: DEFAULT_HAPROXY_CHECK, reload: 'systemctl reload haproxy'}]
        : []),
      ...(options.keepalivedConfig
        ? [{kind: 'keepalived' as const, localPath: options.keepalivedConfig, remotePath: '/etc/keepalived/keepalived.conf', check: DEFAULT_KEEPALIVED_CHECK, reload: 'systemctl reload keepalived'}]
        : []),
    ],
    ...(options.haproxyConfig ? {statsSocket: '/run/haproxy/admin.sock'} : {}),
    ...(options.keepalivedConfig ? {keepalivedPidFile: DEFAULT_KEEPALIVED_PID_FILE} : {}),
    vips: [],
    sysctl: {},
    sysctlFile: DEFAULT_SYSCTL_FILE,
  }))
}

function fromInventory(path: string, inventory: Inventory, hosts: string[] | undefined): DeployTarget[] {
  const base = dirname(resolve(path))
  let nodes = inventory.nodes
  if (hosts && hosts.length > 0) {
    nodes = hosts.map((wanted) => {
      const node = inventory.nodes.find((n) => n.name === wanted || n.ssh === wanted)
      if (!node) {
        throw new UserError('deploy/unknown-host', `${wanted} is not a node of ${path} (nodes: ${inventory.nodes.map((n) => n.name).join(', ')})`, {
          hint: 'name nodes by their name or ssh destination in lbctl.yaml, or add the host there',
        })
      }
      return node
    })
  }
  return nodes.map((node) => nodeTarget(base, inventory, node))
}

function nodeTarget(base: string, inventory: Inventory, node: InventoryNode): DeployTarget {
  const haproxy = {...inventory.haproxy, ...node.haproxy}
  const keepalived = {...inventory.keepalived, ...node.keepalived}
  return {
    name: node.name,
    dest: node.ssh,
    role: node.role,
    priority: node.priority,
    files: [
      {kind: 'haproxy', localPath: resolve(base, haproxy.config), remotePath: haproxy.remotePath, check: haproxy.check ?? DEFAULT_HAPROXY_CHECK, reload: haproxy.reload},
      {
        kind: 'keepalived',
        localPath: resolve(base, node.keepalivedConfig),
        remotePath: keepalived.remotePath,
        check: keepalived.check ?? DEFAULT_KEEPALIVED_CHECK,
        reload: keepalived.reload,
        ...(node.keepalivedConfig.endsWith('.tmpl') ? {template: nodeTemplateContext(inventory, node)} : {}),
      },
    ],
    statsSocket: haproxy.statsSocket,
    keepalivedPidFile: keepalived.pidFile ?? DEFAULT_KEEPALIVED_PID_FILE,
    vips: inventory.vips.map((v) => ({address: v.address, interface: node.interface})),
    sysctl: inventory.sysctl,
    sysctlFile: node.sysctlFile ?? DEFAULT_SYSCTL_FILE,
  }
}

/** What a per-node keepalived template sees: the node, its peers and the cluster's VIPs. */
export function nodeTemplateContext(inventory: Inventory, node: InventoryNode): TemplateContext {
  const first = inventory.vips[0]
  const peers = inventory.nodes.filter((n) => n !== node && n.address !== undefined).map((n) => ({name: n.name, address: n.address!}))
  return {
    nodeName: node.name,
    role: node.role,
    state: node.role,
    priority: node.priority,
    interface: node.interface,
    address: node.address ?? '',
    peers,
    unicast: peers.length > 0,
    vip: first?.address ?? '',
    vipPrefix: first?.prefix ?? 32,
    vrid: first?.vrid ?? 0,
    vips: inventory.vips.map((v) => ({address: v.address, prefix: v.prefix, vrid: v.vrid, vipInterface: v.interface})),
  }
}

/**
 * Rollout order: BACKUP nodes first (lowest priority first, so the likeliest next MASTER is changed last
 * among them), MASTER last; hosts without a role keep the order given. Returns waves: a wave runs after the
 * previous one has finished, so no MASTER is touched while a BACKUP is still changing.
 */
export function rolloutWaves<T>(items: T[], roleOf: (item: T) => {role?: 'MASTER' | 'BACKUP'; priority?: number} = (item) => item as {role?: 'MASTER' | 'BACKUP'; priority?: number}): T[][] {
  const rank = (t: T) => {
    const role = roleOf(t).role
    return role === 'BACKUP' ? 0 : role === undefined ? 1 : 2
  }
  const priority = (t: T) => (roleOf(t).role === 'BACKUP' ? (roleOf(t).priority ?? 0) : 0)
  const sorted = items.map((t, i) => ({t, i})).sort((a, b) => rank(a.t) - rank(b.t) || priority(a.t) - priority(b.t) || a.i - b.i)
  const waves: T[][] = []
  for (const {t} of sorted) {
    const last = waves.at(-1)
    if (last && rank(last[0]!) === rank(t)) last.push(t)
    else waves.push([t])
  }
  return waves
}
