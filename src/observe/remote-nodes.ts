// `--hosts`: load balancers reached over the user's OpenSSH. Each node's stats socket (from lbctl.yaml,
// or --remote-socket) is forwarded to a local Unix socket over the ssh connection, so nothing has to
// be installed or opened on the hosts; the runtime-API client then talks to it as to a local socket.
import {existsSync} from 'node:fs'
import {UserError} from '../errors.js'
import {readInventory, type Inventory} from '../deploy/inventory.js'
import type {SshHost, SshOptions} from '../deploy/ssh.js'
import {ReconnectingTransport, type Connection, type LinkStatus} from './reconnecting-transport.js'
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

export interface RemoteTarget {
  node: RemoteNode
  client: StatsClient
  /** Admin commands (e/d/D/w) go through the same forwarded socket, reconnected like the stats. */
  admin: RuntimeApiClient
  /** The local end of the first forward (absent when the node was unreachable at start), for messages and --json. */
  localSocket?: string
  /** Whether the node is connected, or when it tries again. */
  link: () => LinkStatus
}

export type OpenSsh = (dest: string, options: SshOptions) => Promise<SshHost>

/** Why a node could not be reached, with the hint of a UserError (what to do about it). */
function unreachableReason(node: RemoteNode, error: unknown): string {
  const message = (error as Error).message
  // ssh's own errors already start with the destination.
  return `${message.startsWith(`${node.dest}: `) ? '' : `${node.dest}: `}${message}${error instanceof UserError && error.hint ? ` (${error.hint})` : ''}`
}

/** One ssh master connection to the node and the forward of its stats socket over it. */
async function openForward(node: RemoteNode, options: {ssh: SshOptions; openSsh: OpenSsh}): Promise<Connection> {
  let host: SshHost | undefined
  try {
    host = await options.openSsh(node.dest, options.ssh)
    const opened = host
    return {localSocket: await opened.forwardUnixSocket(node.statsSocket), close: () => opened.close()}
  } catch (error) {
    await host?.close().catch(() => undefined)
    throw new Error(unreachableReason(node, error))
  }
}

/**
 * Opens one ssh connection per node (in parallel) and forwards its stats socket. A node that cannot be
 * reached stays in the list with a client that reports why, so the others are still watched. A node
 * whose connection dies later (or never came up) is reconnected with backoff as the polls go on.
 */
export async function connectRemoteNodes(nodes: RemoteNode[], options: {ssh: SshOptions; openSsh: OpenSsh; timeoutMs: number; now?: () => number}): Promise<{targets: RemoteTarget[]; close: () => Promise<void>}> {
  const transports: ReconnectingTransport[] = []
  const targets = await Promise.all(
    nodes.map(async (node): Promise<RemoteTarget> => {
      const connect = () => openForward(node, options)
      const start = await connect().then(
        (initial) => ({initial}),
        (error: unknown) => ({initialError: (error as Error).message}),
      )
      const transport = new ReconnectingTransport({label: `${node.dest}:${node.statsSocket}`, connect, timeoutMs: options.timeoutMs, ...(options.now ? {now: options.now} : {})}, start)
      transports.push(transport)
      const client = new RuntimeApiClient(transport)
      return {node, client, admin: client, ...('initial' in start ? {localSocket: start.initial.localSocket} : {}), link: () => transport.link}
    }),
  )
  return {targets, close: async () => void (await Promise.all(transports.map((t) => t.close())))}
}
