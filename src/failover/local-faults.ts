/**
 * Faults on the bundled pair (`--local`), where a node is one `lbctl run --local` process:
 * - kill / stop: SIGKILL / SIGTERM to the node (faults.ts); recovery restarts it;
 * - proxy: SIGUSR1, the engine's HAProxy-like soft stop of the proxy alone: VRRP runs on, its
 *   `pidof haproxy` check fails and the weight drops the node below the backup. HAProxy has no way
 *   back from a soft stop but a new process, so recovery restarts the node;
 * - link: `set vrrp link down` on its runtime API (a loopback node has no interface to take down):
 *   no adverts in or out, every instance in FAULT; recovery `set vrrp link up`;
 * - block-vrrp: `set vrrp block in` on every node, the backups first (from then on the backup hears
 *   nothing): each goes on advertising unheard, so the backup becomes a second MASTER (split
 *   brain, visible on the wire too); recovery `set vrrp block off` everywhere.
 */
import {injectFault, type SignalSender} from './faults.js'
import type {FaultKind, FaultRecord} from './records.js'

export interface LocalNodeHandle {
  name: string
  pid: number
  /** Sends one runtime API command to the node's stats socket and returns the answer. */
  command(line: string): Promise<string>
}

export interface LocalFaultDeps {
  nodes(): LocalNodeHandle[]
  /** Starts the node again (a new process); resolves to its pid. */
  restart(node: string): Promise<number>
  send?: SignalSender
  now?: () => number
}

/** Runs a runtime API command that answers nothing when done; anything else is the node refusing. */
async function admin(node: LocalNodeHandle, line: string): Promise<void> {
  const answer = (await node.command(line)).trim()
  if (answer !== '') throw new Error(`node ${node.name} answered "${line}" with: ${answer.split('\n')[0]}`)
}

function find(deps: LocalFaultDeps, name: string): LocalNodeHandle {
  const node = deps.nodes().find((n) => n.name === name)
  if (!node) throw new Error(`no node ${name}`)
  return node
}

export async function injectLocalFault(kind: FaultKind, name: string, deps: LocalFaultDeps): Promise<FaultRecord> {
  const now = deps.now ?? Date.now
  const node = find(deps, name)
  const options = {...(deps.send ? {send: deps.send} : {}), now}
  switch (kind) {
    case 'kill':
    case 'stop': {
      const fault = injectFault(kind, node, options)
      return {...fault, action: `${fault.signal} to node ${name} (pid ${node.pid})`}
    }
    case 'proxy': {
      const send = deps.send ?? ((pid, signal) => process.kill(pid, signal))
      const at = now()
      send(node.pid, 'SIGUSR1')
      return {kind, node: name, pid: node.pid, signal: 'SIGUSR1', at, action: `SIGUSR1 to node ${name} (pid ${node.pid}): its proxy soft-stops, VRRP keeps running`}
    }
    case 'link': {
      const at = now()
      await admin(node, 'set vrrp link down')
      return {kind, node: name, pid: node.pid, signal: null, at, action: `set vrrp link down on node ${name}`}
    }
    case 'block-vrrp': {
      const others = deps.nodes().filter((n) => n.name !== name)
      await Promise.all(others.map((other) => admin(other, 'set vrrp block in')))
      const at = now()
      await admin(node, 'set vrrp block in')
      return {kind, node: name, pid: node.pid, signal: null, at, action: `set vrrp block in on ${[...others.map((o) => o.name), name].join(' and ')}: adverts sent, none heard`}
    }
  }
}

export async function recoverLocalFault(fault: FaultRecord, deps: LocalFaultDeps): Promise<{pid: number; action: string}> {
  switch (fault.kind) {
    case 'kill':
    case 'stop':
    case 'proxy':
      return {pid: await deps.restart(fault.node), action: `node ${fault.node} restarted`}
    case 'link': {
      const node = find(deps, fault.node)
      await admin(node, 'set vrrp link up')
      return {pid: node.pid, action: `set vrrp link up on node ${fault.node}`}
    }
    case 'block-vrrp': {
      const nodes = deps.nodes()
      await Promise.all(nodes.map((n) => admin(n, 'set vrrp block off')))
      return {pid: find(deps, fault.node).pid, action: `set vrrp block off on ${nodes.map((n) => n.name).join(' and ')}`}
    }
  }
}
