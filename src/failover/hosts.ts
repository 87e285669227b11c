/**
 * `failover-test --hosts a,b`: real nodes listed in lbctl.yaml, reached over OpenSSH. The faults and
 * recoveries run there (host-commands.ts); each node's role is polled over the same ssh connection
 * (keepalived alive? link up? VIP held?); the VRRP timing comes from the node's keepalived.conf as
 * lbctl reads it; the traffic goes from here to the VIP.
 */
import {dirname, resolve} from 'node:path'
import {parseKeepalived} from '../config/keepalived/index.js'
import {readSourceFile} from '../config/source.js'
import {type Inventory, type InventoryNode, readInventory} from '../deploy/inventory.js'
import {openSsh, type RemoteHost, shellQuote, type SshOptions} from '../deploy/ssh.js'
import {DEFAULT_KEEPALIVED_PID_FILE} from '../deploy/targets.js'
import {UserError} from '../errors.js'
import type {VrrpRow} from '../observe/show-vrrp.js'
import {
  blockVrrpCommand,
  DEFAULT_START_COMMANDS,
  faultTime,
  fill,
  type HostNodeSpec,
  type HostStartCommands,
  killCommand,
  killProxyCommand,
  linkDownCommand,
  pollCommand,
  roleFromPoll,
  startKeepalivedCommand,
  stopCommand,
  unblockVrrpCommand,
} from './host-commands.js'
import type {FaultRecord} from './records.js'
import type {FailoverTestResult} from './report.js'
import {type ExperimentOptions, runScenario, type TargetSession} from './scenario.js'
import {startTraffic} from './traffic.js'

export interface HostsFailoverOptions extends ExperimentOptions {
  inventoryPath: string
  /** Node names from the inventory (at least two). */
  hosts: string[]
  /** Where the traffic goes; default http://VIP/. */
  url?: string
  ssh?: SshOptions
  commands?: Partial<HostStartCommands>
  /** How long `link` keeps the interface down before the node brings it up by itself. */
  linkHoldMs?: number
  /** The ssh transport; openSsh by default (tests may pass a fake). */
  connect?: (dest: string, options: SshOptions) => Promise<RemoteHost>
}

interface HostNode {
  spec: HostNodeSpec
  inventory: InventoryNode
  priority: number
  version: 2 | 3
  advertIntMs: number
  trackDetectMs: number
}

/** The nodes to test, with what their keepalived.conf says about the VRRP instance of the inventory's VIP. */
export function planHosts(inventory: Inventory, inventoryPath: string, names: readonly string[]): {nodes: HostNode[]; vip: Inventory['vips'][number]} {
  const vip = inventory.vips[0]
  if (!vip) throw new UserError('failover.hosts-vip', `${inventoryPath} lists no VIP`, {hint: 'add vips: [{address, prefix, interface, vrid}] (lbctl init writes it)'})
  if (names.length < 2) throw new UserError('failover.hosts-count', `--hosts needs at least two nodes, got ${names.join(',') || 'none'}`, {hint: `e.g. --hosts ${inventory.nodes.map((n) => n.name).slice(0, 2).join(',')}`})
  const nodes = names.map((name): HostNode => {
    const node = inventory.nodes.find((n) => n.name === name)
    if (!node) throw new UserError('failover.hosts-node', `${inventoryPath} has no node ${name}`, {hint: `its nodes: ${inventory.nodes.map((n) => n.name).join(', ')}`})
    const confPath = resolve(dirname(inventoryPath), node.keepalivedConfig)
    const model = parseKeepalived(readSourceFile(confPath)).model
    const instance = model.vrrpInstances.find((i) => i.virtualRouterId === vip.vrid) ?? model.vrrpInstances[0]
    if (!instance) throw new UserError('failover.hosts-instance', `${confPath} has no vrrp_instance`, {hint: 'check it with lbctl validate'})
    // The longest a dead proxy can go unnoticed: interval × fall of the slowest script that lowers the priority.
    const detect = instance.trackScripts
      .map((t) => model.vrrpScripts.find((s) => s.name === t.name))
      .filter((s) => s !== undefined)
      .map((s) => s.interval * s.fall * 1000)
    return {
      spec: {name, interface: node.interface, pidFile: node.keepalived?.pidFile ?? inventory.keepalived.pidFile ?? DEFAULT_KEEPALIVED_PID_FILE, vip: {address: vip.address, prefix: vip.prefix}},
      inventory: node,
      priority: instance.priority,
      version: instance.version,
      advertIntMs: Math.round(instance.advertInt * 1000),
      trackDetectMs: Math.max(0, ...detect),
    }
  })
  return {nodes, vip}
}

async function run(host: RemoteHost, command: string, what: string, timeoutMs = 10_000): Promise<string> {
  return (await runTimed(host, command, what, timeoutMs)).stdout
}

/** Runs a command that must succeed; `at`: when it ran on the node (see faultTime). */
async function runTimed(host: RemoteHost, command: string, what: string, timeoutMs = 10_000): Promise<{stdout: string; at: number}> {
  const sentAt = Date.now()
  const result = await host.exec(command, {timeoutMs})
  if (result.exitCode !== 0) throw new UserError('failover.hosts-command', `${what} failed on ${host.dest} (exit ${result.exitCode}): ${result.stderr.trim() || result.stdout.trim()}`, {hint: `the command was: ${command}`, exitCode: 1})
  return {stdout: result.stdout.trim(), at: faultTime(result.stderr, sentAt, Date.now())}
}

export async function openHosts(options: HostsFailoverOptions, progress: (text: string) => void): Promise<TargetSession> {
  const inventory = readInventory(options.inventoryPath)
  const {nodes, vip} = planHosts(inventory, options.inventoryPath, options.hosts)
  const commands: HostStartCommands = {...DEFAULT_START_COMMANDS, ...options.commands}
  const connect = options.connect ?? openSsh
  const url = options.url ?? `http://${vip.address}/`
  progress(`connecting to ${nodes.map((n) => `${n.spec.name} (${n.inventory.ssh})`).join(', ')} over ssh`)
  const hosts = new Map<string, RemoteHost>()
  const close = async () => {
    await Promise.all([...hosts.values()].map((h) => h.close().catch(() => undefined)))
  }
  try {
    for (const node of nodes) hosts.set(node.spec.name, await connect(node.inventory.ssh, options.ssh ?? {}))
  } catch (error) {
    await close()
    throw error
  }
  const host = (name: string) => hosts.get(name)!
  const nodeOf = (name: string) => nodes.find((n) => n.spec.name === name)!
  const pids = new Map<string, number>()
  const readPid = async (node: HostNode) => {
    const text = await host(node.spec.name).exec(`cat ${shellQuote(node.spec.pidFile)}`, {timeoutMs: 2000})
    const pid = Number(text.stdout.trim())
    if (Number.isInteger(pid) && pid > 0) pids.set(node.spec.name, pid)
  }
  await Promise.all(nodes.map(readPid))
  let linkBack: Promise<unknown> | undefined

  const pollTimeoutMs = 400
  return {
    url,
    source: 'inventory',
    sources: nodes.map((node) => ({
      node: node.spec.name,
      async showVrrp(): Promise<VrrpRow[] | undefined> {
        const result = await host(node.spec.name).exec(pollCommand(node.spec), {timeoutMs: pollTimeoutMs})
        const state = roleFromPoll(result.stdout, node.spec)
        if (state === undefined) throw new Error(`keepalived is not running on ${node.spec.name}`)
        return [
          {
            instance: `VRID ${vip.vrid}`,
            state,
            priority: node.priority,
            effectivePriority: node.priority,
            vrid: vip.vrid,
            version: node.version,
            advertIntMs: node.advertIntMs,
            master: '',
            vips: state === 'MASTER' ? [vip.address] : [],
            lastAdvertMsAgo: null,
            reportedNode: node.spec.name,
          },
        ]
      },
    })),
    nodes: () => nodes.map((n) => ({name: n.spec.name, pid: pids.get(n.spec.name) ?? 0})),
    startTraffic: (traffic) => startTraffic({...traffic, url}),
    timing: (timing) => ({...timing, trackDetectMs: nodeOf(timing.node).trackDetectMs}),
    async inject(kind, name): Promise<FaultRecord> {
      const node = nodeOf(name)
      const h = host(name)
      const at = Date.now()
      const pid = pids.get(name) ?? 0
      switch (kind) {
        case 'kill': {
          const killed = await runTimed(h, killCommand(node.spec), 'kill')
          return {kind, node: name, at: killed.at, pid, signal: 'SIGKILL', action: `kill -9 of keepalived on ${name} (pids ${killed.stdout})`}
        }
        case 'stop': {
          const stopped = await runTimed(h, stopCommand(node.spec), 'stop')
          return {kind, node: name, at: stopped.at, pid, signal: 'SIGTERM', action: `SIGTERM to keepalived on ${name} (pid ${pid}): graceful stop`}
        }
        case 'proxy': {
          const killed = await runTimed(h, killProxyCommand(), 'kill haproxy')
          return {kind, node: name, at: killed.at, pid: Number(killed.stdout.split(/\s+/)[0]) || 0, signal: 'SIGKILL', action: `kill -9 of haproxy on ${name} (pids ${killed.stdout}); keepalived keeps running`}
        }
        case 'link': {
          const holdMs = options.linkHoldMs ?? 5000
          // Not awaited: the answer may need the link that just went down; it comes when the link is back.
          linkBack = h.exec(linkDownCommand(node.spec, holdMs), {timeoutMs: holdMs + 15_000}).catch(() => undefined)
          return {kind, node: name, at, pid, signal: null, action: `ip link set dev ${node.spec.interface} down on ${name} (up again by itself after ${holdMs} ms)`}
        }
        case 'block-vrrp': {
          // The backups first: from then on they hear nothing (the fault's time); the master last.
          for (const other of nodes) if (other.spec.name !== name) await run(host(other.spec.name), blockVrrpCommand(other.spec), 'block VRRP')
          const blockedAt = Date.now()
          await run(h, blockVrrpCommand(node.spec), 'block VRRP')
          return {kind, node: name, at: blockedAt, pid, signal: null, action: `IP protocol 112 dropped leaving ${nodes.map((n) => `${n.spec.name}:${n.spec.interface}`).join(' and ')}`}
        }
      }
    },
    async recover(fault) {
      const node = nodeOf(fault.node)
      const h = host(fault.node)
      switch (fault.kind) {
        case 'kill':
        case 'stop':
          await run(h, startKeepalivedCommand(node.spec, commands, fault.kind === 'kill'), 'start keepalived', 30_000)
          await readPid(node)
          return {pid: pids.get(fault.node) ?? 0, action: `keepalived started on ${fault.node} (${fill(commands.startKeepalived, node.spec)})`}
        case 'proxy':
          await run(h, fill(commands.startHaproxy, node.spec), 'start haproxy', 30_000)
          return {pid: pids.get(fault.node) ?? 0, action: `haproxy started on ${fault.node} (${fill(commands.startHaproxy, node.spec)})`}
        case 'link':
          await linkBack
          return {pid: pids.get(fault.node) ?? 0, action: `${node.spec.interface} up again on ${fault.node}`}
        case 'block-vrrp':
          for (const each of nodes) await run(host(each.spec.name), unblockVrrpCommand(each.spec), 'unblock VRRP')
          return {pid: pids.get(fault.node) ?? 0, action: 'VRRP passes again'}
      }
    },
    notes: [],
    async close() {
      // Whatever the run left blocked must not stay blocked.
      if (options.fault === 'block-vrrp') await Promise.all(nodes.map((n) => host(n.spec.name).exec(unblockVrrpCommand(n.spec), {timeoutMs: 5000}).catch(() => undefined)))
      await linkBack
      progress('closing the ssh connections')
      await close()
    },
  }
}

export async function runHostsFailover(options: HostsFailoverOptions): Promise<FailoverTestResult> {
  return runScenario({...options, target: 'hosts', pollIntervalMs: options.pollIntervalMs ?? 100, open: (progress) => openHosts(options, progress)})
}
