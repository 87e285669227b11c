/**
 * Network namespaces joined by a veth pair, for tests that need real packets (root only).
 * Names carry an `lbt` prefix, the pid and a tag, so parallel runs never collide; destroy()
 * kills whatever still runs inside and deletes both namespaces (which deletes the veth too).
 */
import {execFileSync} from 'node:child_process'

export interface NetnsEnd {
  /** Namespace name, for `ip netns exec NAME` / `ip -n NAME`. */
  ns: string
  /** The veth end inside it. */
  ifname: string
  /** Its address, without prefix. */
  address: string
  prefix: number
}

export interface NetnsPair {
  a: NetnsEnd
  b: NetnsEnd
  destroy(): void
}

const ip = (...args: string[]) => execFileSync('ip', args, {stdio: ['ignore', 'pipe', 'pipe']}).toString()

/** Two namespaces `lbt<pid><tag>a|b`, each with one end of a veth pair, addresses 198.18.<subnet>.1 and .2 /24. */
export function createNetnsPair(tag = '', subnet = 0): NetnsPair {
  const base = `lbt${process.pid}${tag}`
  const a: NetnsEnd = {ns: `${base}a`, ifname: `${base}a`.slice(0, 15), address: `198.18.${subnet}.1`, prefix: 24}
  const b: NetnsEnd = {ns: `${base}b`, ifname: `${base}b`.slice(0, 15), address: `198.18.${subnet}.2`, prefix: 24}
  const pair: NetnsPair = {a, b, destroy: () => destroy(a, b)}
  try {
    for (const end of [a, b]) ip('netns', 'add', end.ns)
    ip('link', 'add', a.ifname, 'netns', a.ns, 'type', 'veth', 'peer', 'name', b.ifname, 'netns', b.ns)
    for (const end of [a, b]) {
      ip('-n', end.ns, 'link', 'set', 'lo', 'up')
      ip('-n', end.ns, 'addr', 'add', `${end.address}/${end.prefix}`, 'dev', end.ifname)
      ip('-n', end.ns, 'link', 'set', end.ifname, 'up')
    }
  } catch (error) {
    destroy(a, b)
    throw error
  }
  return pair
}

function destroy(...ends: NetnsEnd[]): void {
  for (const end of ends) {
    try {
      for (const pid of ip('netns', 'pids', end.ns).split('\n').filter(Boolean)) {
        try {
          process.kill(Number(pid), 'SIGKILL')
        } catch {
          // already gone
        }
      }
    } catch {
      // namespace does not exist
    }
    try {
      ip('netns', 'del', end.ns)
    } catch {
      // not created, or already deleted
    }
  }
}

/** The IPv4 addresses (`198.18.0.100/24`) on an interface inside a namespace. */
export function addressesIn(end: NetnsEnd): string[] {
  return ip('-n', end.ns, '-4', '-o', 'addr', 'show', 'dev', end.ifname)
    .split('\n')
    .map((line) => /\sinet\s(\S+)/.exec(line)?.[1])
    .filter((address): address is string => address !== undefined)
}
