// Watches an interface for VRRP adverts (v2/v3, IPv4/IPv6, multicast or unicast) and the announcements of
// a new master: gratuitous ARPs (IPv4) and unsolicited Neighbor Advertisements (IPv6).
// tcpdump does the privileged capture and writes pcap to its stdout; lbctl parses and decodes it, so
// nothing but tcpdump (present on every load balancer) is needed and no native module.
import {spawn, type ChildProcess} from 'node:child_process'
import {existsSync, readdirSync} from 'node:fs'
import {UserError} from '../errors.js'
import type {GarpEvent, VrrpAdvertEvent} from './events.js'
import {decodeFrame} from './wire/decode.js'
import {PcapStreamParser} from './wire/pcap-stream.js'

export type SniffedEvent = VrrpAdvertEvent | GarpEvent

/**
 * The capture filter: every VRRP packet (any destination), every ARP (gratuitous ones are picked in code),
 * lbctl's local mode (VRRP in UDP to the group 239.255.0.18 on loopback, from `lbctl up`), and ICMPv6
 * Neighbor Advertisements (type 136) without the Solicited flag. `icmp6` and `ip6[40]` assume no extension
 * header, which Neighbor Discovery never carries; leaving solicited NAs (answers to every neighbour lookup
 * on the segment) in the kernel keeps a busy IPv6 segment cheap to watch.
 */
export const SNIFF_FILTER = 'ip proto 112 or ip6 proto 112 or arp or (udp and dst host 239.255.0.18) or (icmp6 and ip6[40] == 136 and (ip6[44] & 0x40) == 0)'

export interface SnifferOptions {
  /** Interface to capture on (`eth0`, or `any`). */
  iface: string
  /** Capture inside this network namespace (`ip netns exec NS tcpdump ...`). */
  netns?: string
  /** Label put in each event's `node`; defaults to the interface. */
  node?: string
  onEvent: (event: SniffedEvent) => void
  /** tcpdump stopped by itself after the capture started (interface removed, killed). */
  onError?: (error: Error) => void
  /** tcpdump binary; default `tcpdump` from PATH. */
  tcpdump?: string
  /** How long to wait for tcpdump to start capturing. */
  startTimeoutMs?: number
}

export interface SnifferCounts {
  frames: number
  adverts: number
  /** Gratuitous ARPs and unsolicited Neighbor Advertisements. */
  garps: number
}

export interface VrrpSniffer {
  /** The pcap link type tcpdump reports (1 Ethernet, 276 Linux cooked v2 for `any`). */
  readonly linkType: number | undefined
  readonly counts: SnifferCounts
  /** Stops tcpdump, delivers what it had captured, and resolves when it has exited. */
  stop(): Promise<void>
}

/** tcpdump's own complaints, turned into a cause and a next step. */
function startError(iface: string, stderr: string, netns: string | undefined): UserError {
  const line = stderr.split('\n').find((l) => l.startsWith('tcpdump: ')) ?? stderr.trim().split('\n')[0] ?? 'tcpdump exited'
  if (/permission|not permitted/i.test(stderr)) {
    return new UserError('sniff.permission', `capturing on ${iface} needs root (${line})`, {hint: 'run lbctl as root (sudo), or give tcpdump the cap_net_raw capability', exitCode: 1})
  }
  if (/no such device|doesn't exist|not found|SIOCGIFHWADDR/i.test(stderr)) {
    return new UserError('sniff.interface', `no interface ${iface}${netns ? ` in namespace ${netns}` : ''} (${line})`, {hint: `pick one of: ${interfaceNames(netns).join(', ') || 'see ip link'}`})
  }
  if (/Cannot open network namespace|setns/i.test(stderr)) return new UserError('sniff.netns', `network namespace ${netns ?? ''} does not exist (${stderr.trim().split('\n')[0] ?? ''})`, {hint: 'list them with ip netns list'})
  return new UserError('sniff.tcpdump', `tcpdump could not capture on ${iface}: ${line}`, {hint: `try: tcpdump -i ${iface} -n '${SNIFF_FILTER}'`, exitCode: 1})
}

function interfaceNames(netns: string | undefined): string[] {
  if (netns !== undefined || !existsSync('/sys/class/net')) return []
  return [...readdirSync('/sys/class/net'), 'any'].sort()
}

/**
 * Starts tcpdump on the interface and resolves once it captures. Rejects with a UserError when
 * tcpdump is missing, the interface does not exist or capturing needs root.
 */
export function startVrrpSniffer(options: SnifferOptions): Promise<VrrpSniffer> {
  const {iface, netns} = options
  if (!/^[\w.:@-]{1,15}$/.test(iface)) return Promise.reject(new UserError('sniff.interface', `"${iface}" is not an interface name`, {hint: `pick one of: ${interfaceNames(netns).join(', ') || 'see ip link'}`}))
  if (netns === undefined && iface !== 'any' && existsSync('/sys/class/net') && !existsSync(`/sys/class/net/${iface}`)) {
    return Promise.reject(new UserError('sniff.interface', `no interface ${iface} on this host`, {hint: `pick one of: ${interfaceNames(undefined).join(', ')}`}))
  }
  const tcpdump = options.tcpdump ?? 'tcpdump'
  const args = ['-i', iface, '-U', '-n', '--immediate-mode', '-w', '-', SNIFF_FILTER]
  const [command, argv] = netns === undefined ? [tcpdump, args] : ['ip', ['netns', 'exec', netns, tcpdump, ...args]]
  const node = options.node ?? iface
  const parser = new PcapStreamParser()
  const counts: SnifferCounts = {frames: 0, adverts: 0, garps: 0}
  let child: ChildProcess
  try {
    child = spawn(command, argv, {stdio: ['ignore', 'pipe', 'pipe']})
  } catch (error) {
    return Promise.reject(new UserError('sniff.tcpdump', `cannot run ${command}: ${(error as Error).message}`, {hint: 'install tcpdump (apt install tcpdump)', exitCode: 1}))
  }
  let stderr = ''
  let started = false
  let stopping = false
  let failed: Error | undefined
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()))

  child.stdout?.on('data', (chunk: Buffer) => {
    if (failed) return
    try {
      for (const record of parser.push(chunk)) {
        counts.frames++
        const decoded = decodeFrame(parser.header?.linkType ?? -1, record.data, record.at)
        if (!decoded) continue
        if (decoded.kind === 'vrrp-advert') counts.adverts++
        else counts.garps++
        options.onEvent({...decoded, node})
      }
    } catch (error) {
      failed = error as Error
      child.kill('SIGKILL')
      options.onError?.(failed)
    }
  })

  return new Promise<VrrpSniffer>((resolve, reject) => {
    const timer = setTimeout(() => {
      if (started) return
      child.kill('SIGKILL')
      reject(new UserError('sniff.tcpdump', `tcpdump did not start capturing on ${iface} within ${options.startTimeoutMs ?? 5000} ms`, {hint: stderr.trim() || 'check tcpdump -i IFACE by hand', exitCode: 1}))
    }, options.startTimeoutMs ?? 5000)
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      const missing = error.code === 'ENOENT'
      reject(new UserError('sniff.tcpdump', missing ? `${command} is not installed (needed to capture VRRP adverts)` : `cannot run ${command}: ${error.message}`, {hint: 'install tcpdump (apt install tcpdump)', exitCode: 1}))
    })
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000)
      if (!started && /listening on /.test(stderr)) {
        started = true
        clearTimeout(timer)
        resolve(sniffer)
      }
    })
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      if (!started) {
        reject(startError(iface, stderr, netns))
        return
      }
      if (!stopping && !failed) options.onError?.(new Error(`tcpdump on ${iface} stopped (${signal ?? `exit ${code}`}): ${stderr.trim().split('\n').at(-1) ?? ''}`))
    })
    const sniffer: VrrpSniffer = {
      get linkType() {
        return parser.header?.linkType
      },
      counts,
      stop: async () => {
        stopping = true
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM')
          const timer = setTimeout(() => child.kill('SIGKILL'), 2000)
          await exited
          clearTimeout(timer)
        } else await exited
      },
    }
  })
}
