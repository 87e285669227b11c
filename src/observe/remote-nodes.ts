// `--hosts`: load balancers reached over the user's OpenSSH. Each node's stats socket (from lbctl.yaml,
// or --remote-socket) is forwarded to a local Unix socket over the ssh connection, so nothing has to
// be installed or opened on the hosts; the runtime-API client then talks to it as to a local socket.
import {existsSync} from 'node:fs'
import {UserError} from '../errors.js'
import {readInventory, type Inventory} from '../deploy/inventory.js'
import type {SshHost, SshOptions} from '../deploy/ssh.js'
import {RuntimeApiClient, type StatsClient} from './runtime-api.js'

export const DEFAULT_REMOTE_SOCKET = '/run/haproxy/admin.sock'

export interface RemoteNode {
  /** Inventory node name, or the destination as given. */
  name: string
  /** ssh destination. */
  dest: string
  /** The stats socket on the host. */
  statsSocket: string
}

export interface RemoteSelection {
  nodes: RemoteNode[]
  /** VRIDs of the inventory's VIPs: what the sniffer should expect. */
  vrids: number[]
}

/**
 * Nodes of lbctl.yaml (all, or those --hosts names), or ad-hoc ssh destinations when there is no
 * inventory. The socket is the node's own `haproxy.statsSocket`, else the inventory's, else --remote-socket.
 */
export function selectRemoteNodes(options: {hosts?: string[]; inventoryPath?: string; remoteSocket?: string; defaultInventory?: string}): RemoteSelection {
  const hosts = options.hosts?.filter(Boolean) ?? []
  const fallback = options.defaultInventory ?? 'lbctl.yaml'
  const path = options.inventoryPath ?? (existsSync(fallback) ? fallback : undefined)
  if (options.inventoryPath !== undefined && !existsSync(options.inventoryPath)) {
    throw new UserError('top.inventory', `${options.inventoryPath}: no such file`, {hint: 'run `lbctl init DIR` to write one, or name ssh destinations with --hosts user@host'})
  }
  if (!path) {
    if (hosts.length === 0) throw new UserError('top.hosts', '--hosts is empty', {hint: 'name ssh destinations: --hosts root@198.18.0.11,root@198.18.0.12'})
    return {nodes: hosts.map((dest) => ({name: dest, dest, statsSocket: options.remoteSocket ?? DEFAULT_REMOTE_SOCKET})), vrids: []}
  }
  const inventory: Inventory = readInventory(path)
  const chosen =
    hosts.length === 0
      ? inventory.nodes
      : hosts.map((wanted) => {
          const node = inventory.nodes.find((n) => n.name === wanted || n.ssh === wanted)
          if (!node) throw new UserError('top.hosts', `${wanted} is not a node of ${path} (nodes: ${inventory.nodes.map((n) => n.name).join(', ')})`, {hint: 'name nodes by their name or ssh destination in lbctl.yaml'})
          return node
        })
  return {
    nodes: chosen.map((node) => ({name: node.name, dest: node.ssh, statsSocket: options.remoteSocket ?? node.haproxy?.statsSocket ?? inventory.haproxy.statsSocket})),
    vrids: [...new Set(inventory.vips.map((v) => v.vrid))],
  }
}

/** A client whose every call fails with the reason the node could not be reached (it shows as unreachable). */
function unreachableClient(label: string, reason: string): StatsClient {
  const fail = () => Promise.reject(new Error(reason))
  return {label, showStat: fail, showInfo: fail}
}

export interface RemoteTarget {
  node: RemoteNode
  client: StatsClient
  /** Admin commands (e/d/D/w) go through the same forwarded socket; absent when the node is unreachable. */
  admin?: RuntimeApiClient
  /** The local end of the forward, for messages and --json. */
  localSocket?: string
}

export type OpenSsh = (dest: string, options: SshOptions) => Promise<SshHost>

/**
 * Opens one ssh connection per node (in parallel) and forwards its stats socket. A node that cannot be
 * reached stays in the list with a client that reports why, so the others are still watched.
 */
export async function connectRemoteNodes(nodes: RemoteNode[], options: {ssh: SshOptions; openSsh: OpenSsh; timeoutMs: number}): Promise<{targets: RemoteTarget[]; close: () => Promise<void>}> {
  const hosts: SshHost[] = []
  const targets = await Promise.all(
    nodes.map(async (node): Promise<RemoteTarget> => {
      try {
        const host = await options.openSsh(node.dest, options.ssh)
        hosts.push(host)
        const localSocket = await host.forwardUnixSocket(node.statsSocket)
        const client = RuntimeApiClient.connect(localSocket, {timeoutMs: options.timeoutMs})
        return {node, client, admin: client, localSocket}
      } catch (error) {
        const reason = `${node.dest}: ${(error as Error).message}${error instanceof UserError && error.hint ? ` (${error.hint})` : ''}`
        return {node, client: unreachableClient(node.dest, reason)}
      }
    }),
  )
  return {targets, close: async () => void (await Promise.all(hosts.map((h) => h.close().catch(() => undefined))))}
}
