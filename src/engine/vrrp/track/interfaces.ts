/**
 * track_interface: an interface is up when it is administratively up and has carrier
 * (keepalived's IF_FLAGS_UP: IFF_UP and IFF_RUNNING). keepalived learns link changes from
 * netlink; lbctl polls /sys/class/net/IFACE (flags, carrier, operstate), every 500 ms by default.
 */
import {readFileSync} from 'node:fs'
import type {Clock, TimerHandle} from '../clock.js'
import type {TrackedStatus, Tracker} from './types.js'

/** Reads `/sys/class/net/IFACE/FILE`; undefined when it does not exist or cannot be read. */
export type SysfsReader = (iface: string, file: 'flags' | 'carrier' | 'operstate') => string | undefined

export const systemSysfsReader: SysfsReader = (iface, file) => {
  try {
    return readFileSync(`/sys/class/net/${iface}/${file}`, 'utf8').trim()
  } catch {
    return undefined
  }
}

export function readLinkStatus(iface: string, read: SysfsReader): TrackedStatus {
  const flags = read(iface, 'flags')
  if (flags === undefined) return {kind: 'interface', up: false, detail: 'no such interface'}
  const adminUp = (Number.parseInt(flags, 16) & 0x1) !== 0
  const operstate = read(iface, 'operstate') ?? 'unknown'
  if (!adminUp) return {kind: 'interface', up: false, detail: 'administratively down'}
  const carrier = read(iface, 'carrier') === '1'
  return carrier ? {kind: 'interface', up: true, detail: `operstate ${operstate}`} : {kind: 'interface', up: false, detail: `no carrier, operstate ${operstate}`}
}

export interface InterfaceTrackerOptions {
  clock: Clock
  read?: SysfsReader
  pollMs?: number
}

export class InterfaceTracker implements Tracker {
  readonly key: string
  private current: TrackedStatus
  private timer: TimerHandle | undefined
  private readonly read: SysfsReader

  constructor(
    readonly name: string,
    private readonly options: InterfaceTrackerOptions,
  ) {
    this.key = interfaceKey(name)
    this.read = options.read ?? systemSysfsReader
    this.current = readLinkStatus(name, this.read)
  }

  status(): TrackedStatus {
    return this.current
  }

  start(onChange: (status: TrackedStatus) => void): void {
    const poll = () => {
      this.timer = this.options.clock.setTimeout(poll, this.options.pollMs ?? 500)
      const next = readLinkStatus(this.name, this.read)
      const before = this.current
      this.current = next
      if (next.kind === 'interface' && before.kind === 'interface' && next.up !== before.up) onChange(next)
    }
    this.timer = this.options.clock.setTimeout(poll, this.options.pollMs ?? 500)
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer)
    this.timer = undefined
  }
}

export const interfaceKey = (name: string) => `interface ${name}`
