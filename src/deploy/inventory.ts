import {basename} from 'node:path'
import {isMap, isScalar, isSeq, LineCounter, type Node as YamlNode, parseDocument, stringify, type YAMLMap} from 'yaml'
import {readSourceFile} from '../config/source.js'
import {UserError} from '../errors.js'

/**
 * lbctl.yaml: the nodes of one load-balancer cluster and how configuration reaches them.
 * Written by `lbctl init`, read by `lbctl deploy`. Local file names are relative to lbctl.yaml.
 */
export interface Inventory {
  /** Format version; bump when a field changes meaning. */
  version: 1
  /** Virtual IPs keepalived moves between the nodes. */
  vips: InventoryVip[]
  haproxy: {
    /** Local file, the same for every node. */
    config: string
    /** Where it goes on a node. */
    remotePath: string
    /** Run on a node after the file is in place (haproxy -c runs first). */
    reload: string
    /** The runtime-API socket on a node (`show stat`, `enable server`, ...). */
    statsSocket: string
    /** Checks a candidate file on the node; `{file}` is its path. Default `haproxy -c -f {file}`. */
    check?: string
  }
  keepalived: {
    remotePath: string
    reload: string
    /** Default `keepalived -t -f {file}`. */
    check?: string
    /** keepalived's pid file on a node, to tell that it still runs after a reload. Default /run/keepalived.pid. */
    pidFile?: string
  }
  nodes: InventoryNode[]
  /**
   * Kernel settings every node needs, applied by deploy (sysctl -w, persisted in /etc/sysctl.d/).
   * init sets net.ipv4.ip_nonlocal_bind=1 so haproxy on a BACKUP can bind the VIP it does not hold;
   * validate, given this file, knows that VIP binds are covered. Empty when the file has none.
   */
  sysctl: Record<string, string>
}

export interface InventoryVip {
  address: string
  /** Prefix length in keepalived's virtual_ipaddress (32 for a single address). */
  prefix: number
  interface: string
  /** VRRP virtual_router_id, 1-255, the same on every node. */
  vrid: number
}

export interface InventoryNode {
  name: string
  /** Destination for `ssh`: host, user@host or an ~/.ssh/config alias. */
  ssh: string
  /** The VRRP state the node starts in: the MASTER holds the VIP while healthy. */
  role: 'MASTER' | 'BACKUP'
  /** VRRP priority, 1-255; distinct per node. */
  priority: number
  /** Interface carrying VRRP and the VIP on this node. */
  interface: string
  /**
   * This node's local keepalived.conf; a name ending in .tmpl is a template deploy renders for the node
   * ({{nodeName}}, {{state}}, {{priority}}, {{interface}}, {{address}}, {{#peers}}{{address}}{{/peers}}, {{vip}}, {{vrid}}...).
   */
  keepalivedConfig: string
  /** The node's own address on the VRRP network: unicast_src_ip, and a unicast peer of the others (templates). */
  address?: string
  /** Per-node settings that differ from the shared ones (e.g. hosts without systemd reload differently). The haproxy.cfg itself is shared. */
  haproxy?: Partial<Omit<Inventory['haproxy'], 'config'>>
  keepalived?: Partial<Inventory['keepalived']>
  /** Where deploy persists the sysctl settings on this node. Default /etc/sysctl.d/90-lbctl.conf. */
  sysctlFile?: string
}

/** Renders an inventory as YAML (keys in the order of the Inventory type). */
export function renderInventory(inventory: Inventory): string {
  return stringify(inventory, {lineWidth: 0})
}

/** Reads lbctl.yaml; every problem is a UserError naming path:line:column. */
export function readInventory(path: string): Inventory {
  return parseInventory(readSourceFile(path).text, path)
}

export function parseInventory(text: string, path: string): Inventory {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, {lineCounter, prettyErrors: true, uniqueKeys: true})
  const firstError = doc.errors[0]
  if (firstError) {
    const pos = firstError.linePos?.[0] ?? {line: 1, col: 1}
    const message = firstError.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')
    throw new UserError('inventory/yaml', `${path}:${pos.line}:${pos.col}: ${message}`, {hint: 'fix the YAML syntax; `lbctl init` writes a valid lbctl.yaml to compare with'})
  }
  const reader = new Reader(path, lineCounter)
  const root = doc.contents
  if (!isMap(root)) throw reader.error(root, root === null ? 'the inventory is empty' : 'the inventory must be a mapping (key: value lines)')

  const version = reader.integer(root, 'version', 1, 1)
  const vips = reader.list(root, 'vips').map((node, i): InventoryVip => {
    const vip = reader.asMap(node, `vips[${i}]`)
    return {
      address: reader.text(vip, 'address', `vips[${i}]`),
      prefix: reader.integer(vip, 'prefix', 1, 32, `vips[${i}]`),
      interface: reader.text(vip, 'interface', `vips[${i}]`),
      vrid: reader.integer(vip, 'vrid', 1, 255, `vips[${i}]`),
    }
  })
  const haproxy = reader.map(root, 'haproxy')
  const keepalived = reader.map(root, 'keepalived')
  const nodes = reader.list(root, 'nodes').map((node, i): InventoryNode => {
    const at = `nodes[${i}]`
    const map = reader.asMap(node, at)
    const role = reader.text(map, 'role', at)
    if (role !== 'MASTER' && role !== 'BACKUP') throw reader.error(map.get('role', true), `${at}.role must be MASTER or BACKUP (got "${role}")`)
    return {
      name: reader.text(map, 'name', at),
      ssh: reader.text(map, 'ssh', at),
      role,
      priority: reader.integer(map, 'priority', 1, 255, at),
      interface: reader.text(map, 'interface', at),
      keepalivedConfig: reader.text(map, 'keepalivedConfig', at),
      ...optional('address', reader.optionalText(map, 'address', at)),
      ...optional('haproxy', reader.optionalTexts(map, 'haproxy', ['remotePath', 'reload', 'statsSocket', 'check'], at)),
      ...optional('keepalived', reader.optionalTexts(map, 'keepalived', ['remotePath', 'reload', 'check', 'pidFile'], at)),
      ...optional('sysctlFile', reader.optionalText(map, 'sysctlFile', at)),
    }
  })
  if (nodes.length === 0) throw reader.error(root.get('nodes', true), 'nodes is empty: list at least one node')
  const sysctl = reader.optionalStringMap(root, 'sysctl')
  return {
    version: version as 1,
    vips,
    haproxy: {
      config: reader.text(haproxy, 'config', 'haproxy'),
      remotePath: reader.text(haproxy, 'remotePath', 'haproxy'),
      reload: reader.text(haproxy, 'reload', 'haproxy'),
      statsSocket: reader.text(haproxy, 'statsSocket', 'haproxy'),
      ...optional('check', reader.optionalText(haproxy, 'check', 'haproxy')),
    },
    keepalived: {
      remotePath: reader.text(keepalived, 'remotePath', 'keepalived'),
      reload: reader.text(keepalived, 'reload', 'keepalived'),
      ...optional('check', reader.optionalText(keepalived, 'check', 'keepalived')),
      ...optional('pidFile', reader.optionalText(keepalived, 'pidFile', 'keepalived')),
    },
    nodes,
    sysctl,
  }
}

/** Typed access to the YAML tree that reports the position of whatever is wrong. */
class Reader {
  constructor(
    private readonly path: string,
    private readonly lines: LineCounter,
  ) {}

  error(node: unknown, message: string): UserError {
    const offset = (node as YamlNode | undefined)?.range?.[0] ?? 0
    const {line, col} = this.lines.linePos(offset)
    return new UserError('inventory/invalid', `${this.path}:${Math.max(line, 1)}:${Math.max(col, 1)}: ${message}`, {
      hint: `fix ${basename(this.path)} (see \`lbctl init --help\` for the fields it writes)`,
    })
  }

  private field(map: YAMLMap, key: string, at: string): unknown {
    const value = map.get(key, true)
    if (value === undefined || value === null) throw this.error(map, `${at || 'the inventory'} has no "${key}"`)
    return value
  }

  text(map: YAMLMap, key: string, at = ''): string {
    const node = this.field(map, key, at)
    const value = isScalar(node) ? node.value : undefined
    if (typeof value !== 'string' || value.trim() === '') throw this.error(node, `${name(at, key)} must be a non-empty string`)
    return value
  }

  integer(map: YAMLMap, key: string, min: number, max: number, at = ''): number {
    const node = this.field(map, key, at)
    const value = isScalar(node) ? node.value : undefined
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw this.error(node, `${name(at, key)} must be an integer ${min === max ? `equal to ${min}` : `${min}-${max}`} (got ${describe(node)})`)
    }
    return value
  }

  optionalText(map: YAMLMap, key: string, at = ''): string | undefined {
    const node = map.get(key, true)
    if (node === undefined || node === null) return undefined
    return this.text(map, key, at)
  }

  /** An optional mapping of the given string keys; unknown keys are errors (a typo must not be ignored). */
  optionalTexts(map: YAMLMap, key: string, keys: string[], at = ''): Record<string, string> | undefined {
    const node = map.get(key, true)
    if (node === undefined || node === null) return undefined
    const inner = this.asMap(node, name(at, key))
    const out: Record<string, string> = {}
    for (const pair of inner.items) {
      const k = isScalar(pair.key) ? String(pair.key.value) : ''
      if (!keys.includes(k)) throw this.error(pair.key, `${name(at, key)}.${k} is not a setting here (known: ${keys.join(', ')})`)
      out[k] = this.text(inner, k, name(at, key))
    }
    return out
  }

  map(map: YAMLMap, key: string, at = ''): YAMLMap {
    return this.asMap(this.field(map, key, at), name(at, key))
  }

  asMap(node: unknown, at: string): YAMLMap {
    if (!isMap(node)) throw this.error(node, `${at} must be a mapping`)
    return node
  }

  /** A mapping of names to scalar values (numbers kept as written), or {} when the key is absent. */
  optionalStringMap(map: YAMLMap, key: string): Record<string, string> {
    const node = map.get(key, true)
    if (node === undefined || node === null) return {}
    const out: Record<string, string> = {}
    for (const pair of this.asMap(node, key).items) {
      const name = isScalar(pair.key) ? pair.key.value : undefined
      const value = isScalar(pair.value) ? pair.value : undefined
      if (typeof name !== 'string' || value === undefined || value.value === null || typeof value.value === 'object') {
        throw this.error(pair.value ?? pair.key ?? node, `${key} entries must be name: value (e.g. net.ipv4.ip_nonlocal_bind: 1)`)
      }
      out[name] = String(value.value)
    }
    return out
  }

  list(map: YAMLMap, key: string, at = ''): unknown[] {
    const node = this.field(map, key, at)
    if (!isSeq(node)) throw this.error(node, `${name(at, key)} must be a list`)
    return node.items
  }
}

/** `{key: value}` when there is a value, `{}` otherwise: optional fields stay absent rather than undefined. */
function optional<K extends string, V>(key: K, value: V | undefined): {[P in K]?: V} {
  return (value === undefined ? {} : {[key]: value}) as {[P in K]?: V}
}

function name(at: string, key: string): string {
  return at ? `${at}.${key}` : key
}

function describe(node: unknown): string {
  const value = isScalar(node) ? node.value : node
  return typeof value === 'string' ? `"${value}"` : isMap(node) ? 'a mapping' : isSeq(node) ? 'a list' : String(value)
}
