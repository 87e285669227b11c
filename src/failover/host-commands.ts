/**
 * The shell command lines `failover-test --hosts` runs on a node over ssh, one per fault, recovery and
 * state poll. POSIX sh and iproute2 only. Processes are picked by the keepalived pid file (inventory
 * `keepalived.pidFile`) or, for haproxy, among those in the shell's own network namespace, so hosts
 * that are namespaces of one machine (the test setup, containers) never hit each other's daemons.
 * Starting the daemons again is `systemctl start ...` unless the user gives other commands.
 */
import {shellQuote} from '../deploy/ssh.js'

export interface HostNodeSpec {
  name: string
  interface: string
  /** keepalived's main pid file on the node. */
  pidFile: string
  vip: {address: string; prefix: number}
}

/** Commands the user may replace (`--host-commands FILE`); `{node}`, `{interface}`, `{pidFile}` are filled in. */
export interface HostStartCommands {
  startKeepalived: string
  startHaproxy: string
}

export const DEFAULT_START_COMMANDS: HostStartCommands = {
  startKeepalived: 'systemctl start keepalived',
  startHaproxy: 'systemctl start haproxy',
}

export function fill(template: string, node: HostNodeSpec): string {
  return template.replaceAll('{node}', node.name).replaceAll('{interface}', node.interface).replaceAll('{pidFile}', node.pidFile)
}

/** `at <epoch ms>` on stderr the moment before the fault (GNU date; elsewhere the line is unreadable and ignored). */
const STAMP = `echo "at $(date +%s%3N)" >&2`

/**
 * When the fault happened: the node's own stamp when it is readable and lies within the ssh round trip
 * (the clocks agree), else the middle of the round trip.
 */
export function faultTime(stderr: string, sentAt: number, answeredAt: number): number {
  const stamp = Number(/^at (\d{13})$/m.exec(stderr)?.[1])
  if (Number.isFinite(stamp) && stamp >= sentAt - 5 && stamp <= answeredAt + 5) return stamp
  return Math.round((sentAt + answeredAt) / 2)
}

/** Pids of a program running in this shell's network namespace. */
const MINE = `mine() { for p in $(pidof "$1"); do [ "$(readlink /proc/$p/ns/net)" = "$(readlink /proc/self/ns/net)" ] && echo "$p"; done; }`

/** Prints `running` when keepalived lives, then the interface's link line and IPv4 addresses. */
export function pollCommand(node: HostNodeSpec): string {
  const pid = shellQuote(node.pidFile)
  const dev = shellQuote(node.interface)
  // A killed daemon nobody reaped yet is a zombie, which kill -0 still finds: read its state instead.
  return `p=$(cat ${pid} 2>/dev/null); s=$(sed -n 's/^State:[[:space:]]*\\(.\\).*/\\1/p' /proc/"$p"/status 2>/dev/null); [ -n "$p" ] && [ -n "$s" ] && [ "$s" != Z ] && echo running; ip -o link show dev ${dev}; ip -o -4 addr show dev ${dev}`
}

/** running + link + addresses → a VRRP role as the node holds it: MASTER holds the VIP, FAULT when the link is down. */
export function roleFromPoll(output: string, node: HostNodeSpec): string | undefined {
  const lines = output.split('\n')
  if (!lines.includes('running')) return undefined
  const link = lines.find((l) => /^\d+:\s/.test(l) && /<[^>]*>/.test(l) && !/\sinet\s/.test(l))
  const flags = /<([^>]*)>/.exec(link ?? '')?.[1]?.split(',') ?? []
  if (!flags.includes('UP') || !flags.includes('LOWER_UP')) return 'FAULT'
  const holds = lines.some((l) => l.includes(` inet ${node.vip.address}/`))
  return holds ? 'MASTER' : 'BACKUP'
}

/** kill: SIGKILL to keepalived and its children (the VRRP process); prints the pids killed. */
export function killCommand(node: HostNodeSpec): string {
  return `main=$(cat ${shellQuote(node.pidFile)}) && kids=$(pgrep -P "$main") ; ${STAMP}; kill -9 $kids "$main" && echo $kids "$main"`
}

/** stop: SIGTERM to keepalived's main process, which is what `systemctl stop keepalived` sends. */
export function stopCommand(node: HostNodeSpec): string {
  return `main=$(cat ${shellQuote(node.pidFile)}) && ${STAMP} && kill -TERM "$main" && echo "$main"`
}

/** proxy: SIGKILL to every haproxy process of this host (master and workers). */
export function killProxyCommand(): string {
  return `${MINE}; pids=$(mine haproxy); [ -n "$pids" ] && ${STAMP} && kill -9 $pids && echo $pids`
}

/**
 * link: the interface goes down now and comes back by itself after `holdMs` (a detached `sleep; ip link
 * set up`), since the ssh connection may run over that very interface.
 */
export function linkDownCommand(node: HostNodeSpec, holdMs: number): string {
  const dev = shellQuote(node.interface)
  const seconds = (holdMs / 1000).toFixed(1)
  return `setsid sh -c 'sleep ${seconds}; ip link set dev ${node.interface} up' </dev/null >/dev/null 2>&1 & ip link set dev ${dev} down`
}

/** block-vrrp: IP protocol 112 leaving the interface is dropped (HTB class with a zero-length pfifo: iproute2 alone). */
export function blockVrrpCommand(node: HostNodeSpec): string {
  const dev = shellQuote(node.interface)
  return [
    `tc qdisc add dev ${dev} root handle 1: htb default 1`,
    `tc class add dev ${dev} parent 1: classid 1:1 htb rate 10gbit quantum 60000`,
    `tc class add dev ${dev} parent 1: classid 1:2 htb rate 10gbit quantum 60000`,
    `tc qdisc add dev ${dev} parent 1:2 handle 12: pfifo limit 0`,
    `tc filter add dev ${dev} parent 1: protocol ip prio 1 u32 match ip protocol 112 0xff flowid 1:2`,
  ].join(' && ')
}

export function unblockVrrpCommand(node: HostNodeSpec): string {
  return `tc qdisc del dev ${shellQuote(node.interface)} root`
}

/** After a kill the VIP stays on the interface (keepalived had no time to remove it); a rebooted host would not have it. */
export function startKeepalivedCommand(node: HostNodeSpec, commands: HostStartCommands, afterKill: boolean): string {
  const clear = afterKill ? `ip addr del ${node.vip.address}/${node.vip.prefix} dev ${shellQuote(node.interface)} 2>/dev/null; ` : ''
  return `${clear}${fill(commands.startKeepalived, node)}`
}
