/**
 * Faults on a lab node and how each is undone. kill: SIGKILL to keepalived's process group (the
 * parent and its VRRP child die together, as on a crash; the VIP stays on the interface); stop:
 * SIGTERM (keepalived's graceful stop: a priority-0 advert); proxy: SIGKILL to haproxy only; link:
 * eth0 down in the node; block-vrrp: the switch drops IP protocol 112 on its way to every LB node
 * (both keep advertising, neither hears the other: split brain).
 */
import type {FaultKind} from '../failover/records.js'
import type {LabNode} from './configs.js'
import {ipIn, tcIn, tryRun} from './ip.js'
import type {Lab} from './lab.js'
import {LAB_NODES} from './configs.js'
import {atMost} from './spawn.js'
import {LAB_IFNAME, LAB_PREFIX_LEN} from './topology.js'

export interface LabFault {
  /** When the fault took effect, when that is not when it was asked for. */
  at?: number
  pid: number
  signal: string | null
  action: string
}

export function injectLabFault(lab: Lab, kind: FaultKind, node: LabNode): LabFault {
  const handle = lab.nodes[node]
  const keepalived = handle.keepalived
  if (!keepalived) throw new Error(`keepalived is not running on ${node}`)
  switch (kind) {
    case 'kill': {
      const vrrp = lab.vrrpPid(node) ?? keepalived.pid
      keepalived.signal('SIGKILL', true)
      return {pid: vrrp, signal: 'SIGKILL', action: `SIGKILL to keepalived on ${node} (VRRP process ${vrrp} and its parent ${keepalived.pid})`}
    }
    case 'stop':
      keepalived.signal('SIGTERM')
      return {pid: keepalived.pid, signal: 'SIGTERM', action: `SIGTERM to keepalived on ${node} (pid ${keepalived.pid}): graceful stop`}
    case 'proxy': {
      const haproxy = handle.haproxy
      if (!haproxy) throw new Error(`haproxy is not running on ${node}`)
      haproxy.signal('SIGKILL')
      return {pid: haproxy.pid, signal: 'SIGKILL', action: `SIGKILL to haproxy on ${node} (pid ${haproxy.pid}); keepalived keeps running`}
    }
    case 'link':
      ipIn(handle.ns, 'link', 'set', 'dev', LAB_IFNAME, 'down')
      return {pid: keepalived.pid, signal: null, action: `ip link set dev ${LAB_IFNAME} down on ${node}`}
    case 'block-vrrp': {
      // The backups first: from the moment they stop hearing the master its silence counts (that is the fault's time).
      for (const each of LAB_NODES) if (each !== node) blockVrrpTo(lab, each)
      const at = Date.now()
      blockVrrpTo(lab, node)
      return {pid: keepalived.pid, signal: null, at, action: `the switch drops IP protocol 112 towards ${LAB_NODES.join(' and ')}`}
    }
  }
}

/** Undoes the fault; returns the pid of the node's process that came back and what was done. */
export async function recoverLabFault(lab: Lab, kind: FaultKind, node: LabNode): Promise<{pid: number; action: string}> {
  const handle = lab.nodes[node]
  switch (kind) {
    case 'kill':
    case 'stop': {
      const old = handle.keepalived
      if (old) await atMost(old.exited, 5000)
      if (old?.alive()) old.signal('SIGKILL', true)
      // A crashed keepalived leaves its VIP on the interface; a rebooted host would not have it.
      if (kind === 'kill') tryRun('ip', ['-n', handle.ns, 'addr', 'del', `${lab.vip}/${LAB_PREFIX_LEN}`, 'dev', LAB_IFNAME])
      const proc = lab.startKeepalived(node)
      return {pid: proc.pid, action: `keepalived restarted on ${node}`}
    }
    case 'proxy': {
      const proc = lab.startHaproxy(node)
      return {pid: proc.pid, action: `haproxy restarted on ${node}`}
    }
    case 'link':
      ipIn(handle.ns, 'link', 'set', 'dev', LAB_IFNAME, 'up')
      return {pid: handle.keepalived?.pid ?? 0, action: `ip link set dev ${LAB_IFNAME} up on ${node}`}
    case 'block-vrrp':
      for (const each of LAB_NODES) tryRun('ip', ['netns', 'exec', lab.topology.ns.sw, 'tc', 'qdisc', 'del', 'dev', `p-${each}`, 'root'])
      return {pid: handle.keepalived?.pid ?? 0, action: 'the switch forwards VRRP again'}
  }
}

/**
 * The container kernels lbctl runs on often lack tc's drop action (act_gact); an HTB class whose
 * leaf is a zero-length pfifo drops whatever the u32 filter sends to it, with iproute2 alone.
 */
function blockVrrpTo(lab: Lab, node: LabNode): void {
  const sw = lab.topology.ns.sw
  const dev = `p-${node}`
  tcIn(sw, 'qdisc', 'add', 'dev', dev, 'root', 'handle', '1:', 'htb', 'default', '1')
  tcIn(sw, 'class', 'add', 'dev', dev, 'parent', '1:', 'classid', '1:1', 'htb', 'rate', '10gbit', 'quantum', '60000')
  tcIn(sw, 'class', 'add', 'dev', dev, 'parent', '1:', 'classid', '1:2', 'htb', 'rate', '10gbit', 'quantum', '60000')
  tcIn(sw, 'qdisc', 'add', 'dev', dev, 'parent', '1:2', 'handle', '12:', 'pfifo', 'limit', '0')
  tcIn(sw, 'filter', 'add', 'dev', dev, 'parent', '1:', 'protocol', 'ip', 'prio', '1', 'u32', 'match', 'ip', 'protocol', '112', '0xff', 'flowid', '1:2')
}
