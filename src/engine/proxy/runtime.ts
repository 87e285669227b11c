/**
 * Live state of frontends, backends and servers: what balancing, health checks, sessions and the
 * runtime API read and change. A backend tells its balancer about every change (house style 8).
 */
import {isIP} from 'node:net'
import {type Balancer, createBalancer} from './balance/index.js'
import type {LbServer, PickContext} from './balance/types.js'
import type {Clock} from './clock.js'
import type {CheckResult} from './health/probe.js'
import {healthText, type HealthState, initialHealth, isUp} from './health/state.js'
import {HttpCounters} from './http/counters.js'
import type {ServerConn} from './http/server-conn.js'
import {clientIp} from './http/heads.js'
import type {ProxyLogger} from './log/logger.js'
import type {BackendPlan, FrontendPlan, ServerPlan} from './plan.js'
import {RateCounter} from './rate.js'

export interface Counters {
  scur: number
  smax: number
  stot: number
  bin: number
  bout: number
  /** Connection errors, response errors, retries, redispatches. */
  econ: number
  eresp: number
  wretr: number
  wredis: number
  cliAbrt: number
  srvAbrt: number
  lbtot: number
  /** ms since epoch of the last session, 0 when none. */
  lastSession: number
  /** Server connections opened, and idle ones reused (show stat `connect`, `reuse`). */
  connect: number
  reuse: number
}

export const newCounters = (): Counters => ({scur: 0, smax: 0, stot: 0, bin: 0, bout: 0, econ: 0, eresp: 0, wretr: 0, wredis: 0, cliAbrt: 0, srvAbrt: 0, lbtot: 0, lastSession: 0, connect: 0, reuse: 0})

export type EngineEvent =
  | {type: 'health'; backend: string; server: string; from: string; to: string; result: CheckResult; active: number; backup: number}
  | {type: 'admin'; backend: string; server: string; change: string}
  | {type: 'log'; message: string}

interface Waiter {
  resolve(server: ServerRuntime | undefined): void
  timer: ReturnType<typeof setTimeout> | undefined
}

export class ServerRuntime implements LbServer {
  readonly id: number
  readonly name: string
  readonly backup: boolean
  readonly maxconn: number
  readonly initialWeight: number
  /** 4 or 6 for an IP literal (connected to without a lookup), 0 for a host name: decided once, not per connect. */
  readonly family: number
  weight: number
  maint: boolean
  drain = false
  health: HealthState | undefined
  lastCheck: CheckResult | undefined
  checkRunning = false
  chkfail = 0
  chkdown = 0
  lastChange: number
  downSince: number | undefined
  downtimeMs = 0
  served = 0
  /** Idle keep-alive connections to the server, shared by every session (http/server-conn.ts). */
  idleConns: Set<ServerConn> | undefined = undefined
  readonly waiting: Waiter[] = []
  qmax = 0
  readonly counters = newCounters()
  /** req_tot and hrsp_* (mode http). */
  readonly http = new HttpCounters()
  readonly rate: RateCounter

  constructor(
    readonly plan: ServerPlan,
    readonly backend: BackendRuntime,
    now: number,
  ) {
    this.id = plan.id
    this.name = plan.name
    this.backup = plan.backup
    this.maxconn = plan.maxconn
    this.initialWeight = this.weight = plan.weight
    this.family = isIP(plan.host)
    this.maint = plan.disabled
    if (plan.check) this.health = initialHealth(plan.check.rise, plan.check.fall)
    this.lastChange = now
    this.rate = new RateCounter(() => backend.clock.now())
  }

  get queued(): number {
    return this.waiting.length
  }

  get up(): boolean {
    return this.health ? isUp(this.health) : true
  }

  get running(): boolean {
    return !this.maint && !this.drain && this.up
  }

  /** The server's `cookie` value (cookie persistence). */
  get cookie(): string | undefined {
    return this.plan.cookie
  }

  /** A persistence cookie may send requests here: up, even draining, but not in maintenance (HAProxy). */
  get persistable(): boolean {
    return !this.maint && this.up
  }

  /** The status column of show stat. */
  statusText(): string {
    if (this.maint) return 'MAINT'
    const healthy = this.health ? healthText(this.health) : 'no check'
    if (this.drain && this.up) return healthy === 'UP' || healthy === 'no check' ? 'DRAIN' : healthy.replace('UP', 'DRAIN')
    return healthy
  }

  /** Counted as "down" for lastchg/downtime: in MAINT or failed by health. */
  get down(): boolean {
    return this.maint || !this.up
  }
}

export class BackendRuntime {
  readonly servers: ServerRuntime[]
  readonly balancer: Balancer
  readonly counters = newCounters()
  readonly http = new HttpCounters()
  readonly rate: RateCounter
  /** Connections waiting for any server of the backend (all saturated). */
  readonly waiting: Waiter[] = []
  qmax = 0
  chkdown = 0
  lastChange: number
  downSince: number | undefined
  downtimeMs = 0
  /** Set by the engine when the backend has log targets (health transitions). */
  logger: ProxyLogger | undefined
  /** Of a replaced or stopped configuration: connections its sessions give back are closed, not kept idle. */
  retired = false

  constructor(
    readonly plan: BackendPlan,
    readonly clock: Clock,
    private readonly emit: (event: EngineEvent) => void,
  ) {
    const now = clock.now()
    this.lastChange = now
    this.servers = plan.servers.map((s) => new ServerRuntime(s, this, now))
    this.balancer = createBalancer(plan, this.servers)
    this.rate = new RateCounter(() => clock.now())
    if (!this.up) this.downSince = now
  }

  get name(): string {
    return this.plan.name
  }

  /** HAProxy shows a backend UP while some usable server has weight. */
  get up(): boolean {
    return this.totalWeight() > 0
  }

  activeUp(): number {
    return this.servers.filter((s) => !s.backup && s.running && s.weight > 0).length
  }

  backupUp(): number {
    return this.servers.filter((s) => s.backup && s.running && s.weight > 0).length
  }

  totalWeight(): number {
    const act = this.servers.filter((s) => !s.backup && s.running)
    const usableAct = act.filter((s) => s.weight > 0)
    if (usableAct.length > 0) return usableAct.reduce((sum, s) => sum + s.weight, 0)
    const bck = this.servers.filter((s) => s.backup && s.running && s.weight > 0)
    const used = this.plan.allBackups ? bck : bck.slice(0, 1)
    return used.reduce((sum, s) => sum + s.weight, 0)
  }

  server(name: string): ServerRuntime | undefined {
    return this.servers.find((s) => s.name === name)
  }

  /** Call around any change of a server's state; keeps lastchg/downtime and the balancer right. */
  change(server: ServerRuntime, mutate: () => void, what: 'state' | 'weight'): void {
    const wasUp = this.up
    const wasDown = server.down
    const wasRunning = server.running
    mutate()
    const now = this.clock.now()
    if (server.down !== wasDown) {
      server.lastChange = now
      if (server.down) {
        server.chkdown++
        server.downSince = now
      } else if (server.downSince !== undefined) {
        server.downtimeMs += now - server.downSince
        server.downSince = undefined
      }
    }
    if (what === 'weight') this.balancer.weightChanged(server)
    else if (server.running && !wasRunning) this.balancer.serverUp(server)
    else if (!server.running && wasRunning) this.balancer.serverDown(server)
    else this.balancer.weightChanged(server)
    if (this.up !== wasUp) {
      this.lastChange = now
      if (!this.up) {
        this.chkdown++
        this.downSince = now
      } else if (this.downSince !== undefined) {
        this.downtimeMs += now - this.downSince
        this.downSince = undefined
      }
    }
    if (server.running) this.dispatchWaiting()
  }

  onCheck(server: ServerRuntime, result: CheckResult, state: HealthState, counted: boolean): void {
    const before = server.statusText()
    server.lastCheck = result
    if (counted) server.chkfail++
    this.change(server, () => (server.health = state), 'state')
    const after = server.statusText()
    if (before !== after) this.emit({type: 'health', backend: this.name, server: server.name, from: before, to: after, result, active: this.activeUp(), backup: this.backupUp()})
  }

  /**
   * A server for a new connection: picked now, or after waiting in a queue (server maxconn reached),
   * or undefined (no usable server, queue full, or timeout queue expired).
   */
  acquire(client: string | PickContext, avoid?: ServerRuntime): Promise<ServerRuntime | undefined> | ServerRuntime | undefined {
    const picked = this.balancer.pick(typeof client === 'string' ? {clientAddress: client, avoid} : client) as ServerRuntime | undefined
    if (picked) {
      this.take(picked)
      return picked
    }
    const anyUsable = this.servers.some((s) => s.running && s.weight > 0)
    if (!anyUsable) return undefined
    return new Promise((resolve) => {
      const waiter: Waiter = {resolve, timer: undefined}
      waiter.timer = setTimeout(() => {
        const i = this.waiting.indexOf(waiter)
        if (i >= 0) this.waiting.splice(i, 1)
        resolve(undefined)
      }, this.plan.timeouts.queue || 2 ** 31 - 1)
      this.waiting.push(waiter)
      this.qmax = Math.max(this.qmax, this.waiting.length)
    })
  }

  take(server: ServerRuntime): void {
    server.served++
    server.counters.scur = server.served
    server.counters.smax = Math.max(server.counters.smax, server.served)
    server.counters.stot++
    server.counters.lbtot++
    server.counters.lastSession = this.clock.now()
    server.rate.hit()
    this.counters.lbtot++
    this.balancer.connTaken(server)
  }

  release(server: ServerRuntime): void {
    server.served--
    server.counters.scur = server.served
    this.balancer.connReleased(server)
    this.dispatchWaiting()
  }

  private dispatchWaiting(): void {
    while (this.waiting.length > 0) {
      const picked = this.balancer.pick({}) as ServerRuntime | undefined
      if (!picked) return
      const waiter = this.waiting.shift()!
      if (waiter.timer) clearTimeout(waiter.timer)
      this.take(picked)
      waiter.resolve(picked)
    }
  }

  /** Gives up on every waiting connection (stop). */
  abandonWaiting(): void {
    for (const waiter of this.waiting.splice(0)) {
      if (waiter.timer) clearTimeout(waiter.timer)
      waiter.resolve(undefined)
    }
  }
}

export class FrontendRuntime {
  readonly counters = newCounters()
  readonly http = new HttpCounters()
  readonly rate: RateCounter
  /** Accepted connections waiting for a slot under maxconn (HAProxy leaves them in the kernel backlog). */
  readonly pending: (() => void)[] = []
  denied = 0
  /** Set by the engine when the frontend has log targets; undefined means no logging work at all. */
  logger: ProxyLogger | undefined

  constructor(
    readonly plan: FrontendPlan,
    clock: Clock,
  ) {
    this.rate = new RateCounter(() => clock.now())
  }

  get name(): string {
    return this.plan.name
  }

  /**
   * `tcp-request connection` rules on a new connection: false when it must be closed now (counted as denied).
   * The addresses are read from the socket only when there are rules (each read may be a system call).
   */
  admits(socket: {readonly remoteAddress?: string | undefined; readonly remotePort?: number | undefined; readonly localPort?: number | undefined}): boolean {
    const rules = this.plan.tcpConnection
    if (!rules) return true
    const facts = {method: '', target: '', version: '', headers: NO_HEADERS, src: clientIp(socket.remoteAddress ?? ''), srcPort: socket.remotePort ?? 0, dstPort: socket.localPort ?? 0, nbsrv: () => 0}
    for (const rule of rules) {
      if (rule.condition && !rule.condition.matches(facts)) continue
      if (!rule.accept) this.denied++
      return rule.accept
    }
    return true
  }
}

const NO_HEADERS = {length: 0, name: () => '', value: () => ''}
