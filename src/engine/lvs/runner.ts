/**
 * Every virtual_server of a keepalived.conf, served next to its VRRP instances. A virtual server on
 * a VIP listens only while this node holds the VIP (as the proxy's binds on a VIP do), unless the
 * kernel lets it bind addresses it does not have (ip_nonlocal_bind=1); the others listen at once.
 * Checkers run from the start on every node, like keepalived's checker process.
 */
import type {KeepalivedModel} from '../../config/keepalived/model.js'
import {canonicalAddress} from '../vrrp/packet.js'
import {planVirtualServers, type VirtualServicePlan} from './plan.js'
import {VirtualService, type VirtualServiceOptions, type VirtualServiceStatus} from './service.js'

/** The held VIPs (node.ts HeldVips). */
export interface LvsHeldVips {
  held(): string[]
  on(event: 'change', listener: (held: string[]) => void): unknown
  off(event: 'change', listener: (held: string[]) => void): unknown
}

export interface LvsRunnerOptions extends Omit<VirtualServiceOptions, 'log'> {
  log: (line: string) => void
  /** Local mode: only loopback virtual addresses can be served (checked by `planLvs`). */
  local: boolean
  /** Every VIP of the configuration, and the ones this node holds. */
  vips?: ReadonlySet<string>
  held?: LvsHeldVips
  nonlocalBind?: boolean
}

export type LvsBuild = {ok: true; services: VirtualServicePlan[]; notices: string[]} | {ok: false; problems: string[]}

const isLoopback = (address: string) => address.startsWith('127.') || address === '::1'

/** The virtual servers of a model, with what cannot be served named by file and line. */
export function planLvs(model: KeepalivedModel, local: boolean): LvsBuild {
  const result = planVirtualServers(model)
  if (!result.ok) return result
  if (local) {
    const problems = result.services
      .filter((plan) => !isLoopback(plan.address))
      .map((plan) => `${plan.at.file}:${plan.at.line}: virtual_server ${plan.address} ${plan.port}: local mode serves loopback addresses only (VIPs are not added to any interface)`)
    if (problems.length > 0) return {ok: false, problems}
  }
  return result
}

export class LvsRunner {
  readonly services: VirtualService[]
  private readonly onHeld = () => void this.sync()
  private stopped = false
  private retry: ReturnType<typeof setTimeout> | undefined
  /** Listeners that failed and are being retried (logged once each). */
  private readonly failing = new Set<VirtualService>()

  constructor(
    plans: readonly VirtualServicePlan[],
    private readonly options: LvsRunnerOptions,
  ) {
    this.services = plans.map((plan) => new VirtualService(plan, options))
  }

  private wanted(service: VirtualService): boolean {
    const {vips, held, nonlocalBind} = this.options
    const address = canonicalAddress(service.plan.address)
    if (!vips?.has(address) || nonlocalBind || !held) return true
    return held.held().map(canonicalAddress).includes(address)
  }

  /** Opens the listeners that may open now and starts every checker; rejects naming the line that cannot listen. */
  async start(): Promise<void> {
    for (const service of this.services) {
      if (!this.wanted(service)) continue
      try {
        await service.listen()
      } catch (error) {
        await this.stop()
        const at = service.plan.at
        throw new Error(`${at.file}:${at.line}: virtual_server ${service.plan.address} ${service.plan.port}: cannot listen: ${(error as Error).message}`)
      }
    }
    for (const service of this.services) service.startChecks()
    this.options.held?.on('change', this.onHeld)
    const listening = this.services.filter((s) => s.listening).map((s) => `${s.name} ${s.plan.algorithm}`)
    const waiting = this.services.filter((s) => !s.listening).map((s) => s.name)
    if (this.services.length > 0) this.options.log(`LVS: ${this.services.length} virtual server(s)${listening.length ? `; listening on ${listening.join(', ')}` : ''}${waiting.length ? `; ${waiting.join(', ')} listen while this node holds the VIP` : ''}`)
  }

  /**
   * Follows the held VIPs: listen on the ones held, close the ones let go. A listen that fails
   * (the address not usable yet, the old master's socket not closed yet) is retried every 200 ms
   * while the VIP is held.
   */
  async sync(): Promise<void> {
    if (this.retry) clearTimeout(this.retry)
    this.retry = undefined
    if (this.stopped) return
    for (const service of this.services) {
      const want = this.wanted(service)
      if (!want) this.failing.delete(service)
      if (want && !service.listening) {
        await service.listen().then(
          () => {
            this.failing.delete(service)
            this.options.log(`VS ${service.name} listening: this node holds the VIP`)
          },
          (error: Error) => {
            if (!this.failing.has(service)) this.options.log(`VS ${service.name} cannot listen yet (${error.message}): trying again`)
            this.failing.add(service)
          },
        )
      } else if (!want && service.listening) {
        await service.close(0)
        this.options.log(`VS ${service.name} closed: this node no longer holds the VIP`)
      }
    }
    if (this.failing.size > 0 && !this.stopped) {
      this.retry = setTimeout(() => void this.sync(), 200)
      this.retry.unref?.()
    }
  }

  status(): VirtualServiceStatus[] {
    return this.services.map((s) => s.status())
  }

  async stop(graceMs = 0): Promise<void> {
    this.stopped = true
    if (this.retry) clearTimeout(this.retry)
    this.options.held?.off('change', this.onHeld)
    for (const service of this.services) service.stopChecks()
    await Promise.all(this.services.map((s) => s.close(graceMs)))
  }
}
