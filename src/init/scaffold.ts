import {type Inventory, renderInventory} from '../deploy/inventory.js'
import {type ClusterPlan, planCluster} from './cluster.js'
import {type InitOptions, STATS_PORT} from './options.js'
import {renderTemplate} from './template.js'
import {loadTemplate, type TemplateLoader} from './templates.js'

export type ScaffoldFileKind = 'haproxy' | 'keepalived' | 'inventory'

export interface ScaffoldFile {
  /** File name inside the target directory. */
  name: string
  kind: ScaffoldFileKind
  /** The node a keepalived file belongs to. */
  node?: string
  content: string
  /** Files holding a secret (stats password, VRRP auth_pass) are private to their owner. */
  mode: number
}

export interface Scaffold {
  files: ScaffoldFile[]
  plan: ClusterPlan
  inventory: Inventory
}

export const remoteDefaults = {
  haproxyPath: '/etc/haproxy/haproxy.cfg',
  haproxyReload: 'systemctl reload haproxy',
  statsSocket: '/run/haproxy/admin.sock',
  keepalivedPath: '/etc/keepalived/keepalived.conf',
  keepalivedReload: 'systemctl reload keepalived',
} as const

export interface ScaffoldInputs {
  /** The VRRP PASS secret shared by every node (at most 8 characters). */
  authPass: string
  loadTemplate?: TemplateLoader
}

/** Renders every file of the scaffold. Pure apart from reading the templates. */
export function buildScaffold(options: InitOptions, inputs: ScaffoldInputs): Scaffold {
  const load = inputs.loadTemplate ?? loadTemplate
  const plan = planCluster(options.nodes)
  const master = plan.nodes[0]!
  const lowestBackup = Math.min(...plan.nodes.slice(1).map((n) => n.priority))
  const nodeList = plan.nodes.map((n) => n.name).join(', ')

  const haproxy = renderTemplate('haproxy.cfg.tmpl', load('haproxy.cfg.tmpl'), {
    nodeList,
    vip: options.vip,
    port: options.port,
    mode: options.mode,
    http: options.mode === 'http',
    servers: options.backends.map((b) => ({name: b.name, address: b.address})),
    statsPort: STATS_PORT,
    statsUser: options.statsUser,
    statsPassword: options.statsPassword,
  })

  const keepalivedTemplate = load('keepalived.conf.tmpl')
  const keepalivedFiles = plan.nodes.map((node): ScaffoldFile => ({
    name: keepalivedFileName(node.name),
    kind: 'keepalived',
    node: node.name,
    mode: 0o600,
    content: renderTemplate('keepalived.conf.tmpl', keepalivedTemplate, {
      nodeName: node.name,
      role: node.role,
      priority: node.priority,
      nodeSummary: plan.nodes.map((n) => `${n.name} ${n.role} ${n.priority}`).join(', '),
      weight: plan.weight,
      weightAbs: -plan.weight,
      masterPriority: master.priority,
      failedMasterPriority: master.priority + plan.weight,
      lowestBackupPriority: lowestBackup,
      vrid: options.vrid,
      interface: options.interface,
      authPass: inputs.authPass,
      vip: options.vip,
      vipPrefix: options.vipPrefix,
    }),
  }))

  const inventory: Inventory = {
    version: 1,
    vips: [{address: options.vip, prefix: options.vipPrefix, interface: options.interface, vrid: options.vrid}],
    haproxy: {
      config: 'haproxy.cfg',
      remotePath: remoteDefaults.haproxyPath,
      reload: remoteDefaults.haproxyReload,
      statsSocket: remoteDefaults.statsSocket,
    },
    keepalived: {remotePath: remoteDefaults.keepalivedPath, reload: remoteDefaults.keepalivedReload},
    nodes: plan.nodes.map((n) => ({
      name: n.name,
      ssh: n.ssh,
      role: n.role,
      priority: n.priority,
      interface: options.interface,
      keepalivedConfig: keepalivedFileName(n.name),
    })),
    // haproxy on a BACKUP binds the VIP before keepalived gives it the address.
    sysctl: {'net.ipv4.ip_nonlocal_bind': '1'},
  }
  const inventoryText = renderTemplate('lbctl.yaml.tmpl', load('lbctl.yaml.tmpl'), {inventory: renderInventory(inventory).trimEnd()})

  return {
    plan,
    inventory,
    files: [
      {name: 'haproxy.cfg', kind: 'haproxy', content: haproxy, mode: 0o600},
      ...keepalivedFiles,
      {name: 'lbctl.yaml', kind: 'inventory', content: inventoryText, mode: 0o644},
    ],
  }
}

export function keepalivedFileName(node: string): string {
  return `keepalived-${node}.conf`
}
