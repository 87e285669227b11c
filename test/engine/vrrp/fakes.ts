/** In-memory stand-ins for the VRRP adapter's effects: a clock, a network, a VIP manager. */
import type {Clock, TimerHandle} from '../../../src/engine/vrrp/clock.js'
import type {VipSpec} from '../../../src/engine/vrrp/settings.js'
import type {PacketHandler, TransportSpec, VrrpTransport} from '../../../src/engine/vrrp/transport/types.js'
import type {VipManager} from '../../../src/engine/vrrp/vip/types.js'

interface FakeTimer {
  id: number
  at: number
  callback: () => void
}

/** A clock that only moves when told; timers due at the same time fire in the order they were set. */
export class FakeClock implements Clock {
  private time = 0
  private nextId = 1
  private timers: FakeTimer[] = []

  now(): number {
    return this.time
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const timer = {id: this.nextId++, at: this.time + Math.max(0, ms), callback}
    this.timers.push(timer)
    return timer.id
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers = this.timers.filter((timer) => timer.id !== handle)
  }

  /** Moves time forward by `ms`, firing every timer that comes due on the way (including ones set while firing). */
  advance(ms: number): void {
    const end = this.time + ms
    for (;;) {
      const next = this.timers.filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0]
      if (!next) break
      this.timers = this.timers.filter((timer) => timer !== next)
      this.time = next.at
      next.callback()
    }
    this.time = end
  }
}

/** One broadcast segment: every transport hears every other one's packets, `latencyMs` later. */
export class FakeNetwork {
  private readonly members: {spec: TransportSpec; handler: PacketHandler; transport: VrrpTransport}[] = []
  /** Sources whose packets are lost (a node that crashed, or a cut cable). */
  readonly silenced = new Set<string>()
  readonly sent: {from: string; to: string; message: Uint8Array; time: number}[] = []

  constructor(
    private readonly clock: FakeClock,
    private readonly latencyMs = 1,
  ) {}

  open = async (spec: TransportSpec): Promise<VrrpTransport> => {
    const member = {spec, handler: (() => {}) as PacketHandler, transport: undefined as unknown as VrrpTransport}
    const transport: VrrpTransport = {
      send: async (message, dest) => {
        if (!this.members.includes(member)) throw new Error('transport closed')
        this.sent.push({from: spec.sourceAddress, to: dest, message, time: this.clock.now()})
        if (this.silenced.has(spec.sourceAddress)) return
        for (const other of this.members) {
          if (other === member) continue
          const unicastToOther = dest === other.spec.sourceAddress
          if (dest !== other.spec.multicastGroup && !unicastToOther) continue
          this.clock.setTimeout(() => {
            if (this.members.includes(other)) other.handler(message, {src: spec.sourceAddress, dst: dest, ttl: 255})
          }, this.latencyMs)
        }
      },
      onPacket: (handler) => {
        member.handler = handler
      },
      onError: () => {},
      close: async () => {
        const index = this.members.indexOf(member)
        if (index >= 0) this.members.splice(index, 1)
      },
    }
    member.transport = transport
    this.members.push(member)
    return transport
  }

  /** Delivers raw bytes as if `src` had sent them. */
  inject(message: Uint8Array, info: {src: string; dst: string; ttl: number}): void {
    for (const member of this.members) if (info.dst === member.spec.multicastGroup || info.dst === member.spec.sourceAddress) member.handler(message, info)
  }
}

export class FakeVips implements VipManager {
  readonly held = new Set<string>()
  readonly calls: string[] = []

  async add(vips: readonly VipSpec[]): Promise<void> {
    for (const vip of vips) this.held.add(vip.address)
    this.calls.push(`add ${vips.map((vip) => vip.address).join(',')}`)
  }

  async remove(vips: readonly VipSpec[]): Promise<void> {
    for (const vip of vips) this.held.delete(vip.address)
    this.calls.push(`remove ${vips.map((vip) => vip.address).join(',')}`)
  }

  async garp(vips: readonly VipSpec[], repeat: number): Promise<void> {
    this.calls.push(`garp ${vips.map((vip) => vip.address).join(',')} x${repeat}`)
  }
}
