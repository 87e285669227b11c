/**
 * The lab's network: one namespace per host, each with an `eth0` (a veth) plugged into a bridge in
 * the `sw` namespace, all on 198.18.0.0/24 (RFC 2544 benchmark space, nothing routable). Every
 * namespace made is recorded before the next step, so destroy() removes exactly what exists, also
 * after a half-built topology.
 */
import {ip, ipIn, run, tryRun} from './ip.js'
import {type LabHost, LAB_HOSTS, namespaceName, parseNamespaceName, LAB_PREFIX} from './names.js'

export const LAB_SUBNET = '198.18.0.0/24'
export const LAB_PREFIX_LEN = 24
export const LAB_ADDRESSES: Record<Exclude<LabHost, 'sw'>, string> = {
  lba: '198.18.0.11',
  lbb: '198.18.0.12',
  app1: '198.18.0.21',
  app2: '198.18.0.22',
  client: '198.18.0.50',
}
export const LAB_VIP = '198.18.0.100'
export const LAB_IFNAME = 'eth0'

export interface Topology {
  labId: string
  /** Namespace of each host. */
  ns: Record<LabHost, string>
  destroy(): void
}

export function createTopology(labId: string): Topology {
  const ns = Object.fromEntries(LAB_HOSTS.map((host) => [host, namespaceName(labId, host)])) as Record<LabHost, string>
  const made: string[] = []
  const topology: Topology = {labId, ns, destroy: () => destroyNamespaces(made.splice(0))}
  try {
    for (const host of LAB_HOSTS) {
      ip('netns', 'add', ns[host])
      made.push(ns[host])
      ipIn(ns[host], 'link', 'set', 'lo', 'up')
    }
    ipIn(ns.sw, 'link', 'add', 'br0', 'type', 'bridge')
    ipIn(ns.sw, 'link', 'set', 'br0', 'up')
    for (const host of LAB_HOSTS) {
      if (host === 'sw') continue
      // The switch end is created in sw, its peer moved into the host and named eth0 there.
      const port = `p-${host}`
      ipIn(ns.sw, 'link', 'add', port, 'type', 'veth', 'peer', 'name', LAB_IFNAME, 'netns', ns[host])
      ipIn(ns.sw, 'link', 'set', port, 'master', 'br0')
      ipIn(ns.sw, 'link', 'set', port, 'up')
      ipIn(ns[host], 'addr', 'add', `${LAB_ADDRESSES[host]}/${LAB_PREFIX_LEN}`, 'dev', LAB_IFNAME)
      ipIn(ns[host], 'link', 'set', LAB_IFNAME, 'up')
    }
    // haproxy on the BACKUP binds the VIP it does not hold yet.
    for (const host of ['lba', 'lbb'] as const) run('ip', ['netns', 'exec', ns[host], 'sysctl', '-q', '-w', 'net.ipv4.ip_nonlocal_bind=1'])
  } catch (error) {
    topology.destroy()
    throw error
  }
  return topology
}

/** Kills whatever still runs inside each namespace, then deletes it (its veths go with it). */
export function destroyNamespaces(names: readonly string[]): void {
  for (const name of names) {
    let pids: string[] = []
    try {
      pids = ip('netns', 'pids', name).split('\n').filter(Boolean)
    } catch {
      // no such namespace
    }
    for (const pid of pids) {
      try {
        process.kill(Number(pid), 'SIGKILL')
      } catch {
        // gone already
      }
    }
    tryRun('ip', ['netns', 'del', name])
  }
}

/** Lab namespaces whose owner process is gone (a crashed or killed run): deleted; returns their names. */
export function sweepLeftovers(isAlive: (pid: number) => boolean = pidAlive): string[] {
  let listed: string[] = []
  try {
    listed = ip('netns', 'list')
      .split('\n')
      .map((line) => line.split(' ')[0] ?? '')
      .filter((name) => name.startsWith(LAB_PREFIX))
  } catch {
    return []
  }
  const stale = listed.filter((name) => {
    const parsed = parseNamespaceName(name)
    return parsed !== undefined && !isAlive(parsed.pid)
  })
  destroyNamespaces(stale)
  return stale
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
