/**
 * The bundled proxy engine for one haproxy configuration: listeners, backends with their balancers
 * and health checks, the stats socket. `reload` swaps in a new configuration keeping the listening
 * sockets whose address did not change; `stop` stops accepting and waits for sessions to finish.
 */
import type {ProxySocket} from './io/index.js'
import type {Clock} from './clock.js'
import {turnClock} from './timers/turn-clock.js'
import {HealthChecker} from './health/checker.js'
import {probe} from './health/probe.js'
import {closeIdle} from './http/server-conn.js'
import {drainHttpSessions, HttpFrontend, startHttpSession} from './http/session.js'
import {initialHealth} from './health/state.js'
import {type ListenAddress, listenKey} from './listen-address.js'
import {Listener} from './listener.js'
import {healthLogLines, LogSinks, ProxyLogger, streamOnlyPlan} from './log/index.js'
import type {EnginePlan} from './plan.js'
import {BackendRuntime, type EngineEvent, FrontendRuntime, type ServerRuntime} from './runtime.js'
import type {EngineView, VrrpControl, VrrpStatusRow} from './runtime-api/commands.js'
import type {StatObject, StatSource} from './runtime-api/stat.js'
import {EventHub, healthWireEvent} from './runtime-api/events.js'
import {StatsSocket} from './runtime-api/server.js'
import {runTcpSession} from './tcp/session.js'

interface Generation {
  plan: EnginePlan
  frontends: FrontendRuntime[]
  backends: BackendRuntime[]
  checkers: HealthChecker[]
  /** What its stats pages show; made once, not per connection. */
  statSource?: () => StatSource
  /** What each frontend's connections share (backend, session hooks, the HTTP context); made once, on first use. */
  acceptors: Map<FrontendRuntime, Acceptor>
}

/** Everything a new connection of a frontend needs that the configuration alone decides. */
interface Acceptor {
  frontend: FrontendRuntime
  /** The default backend (undefined: none, or not in the configuration). */
  backend: BackendRuntime | undefined
  /** Mode http; undefined for mode tcp. */
  http: HttpFrontend | undefined
  hooks: {onEnd(): void}
}

export interface EngineOptions {
  clock?: Clock
  onEvent?: (event: EngineEvent) => void
  /**
   * Whether a frontend bind may be open now (node.ts: a bind on a VIP only while the node holds it).
   * Binds it refuses are skipped by start/reload; `syncBinds()` opens and closes them later. Default: all.
   */
  canBind?: (address: ListenAddress) => boolean
  /** `show vrrp` rows when the engine runs inside a node with VRRP (node.ts); absent for a plain haproxy.cfg. */
  vrrp?: () => VrrpStatusRow[]
  /** `set vrrp link|block` on the runtime API (node.ts, for failover tests). */
  vrrpControl?: VrrpControl
  /** `show stat` objects the proxy does not own (node.ts: the LVS virtual servers), listed after its own. */
  extraStats?: () => StatObject[]
  /** Where `log stdout` / `log stderr` lines go (default: the process's streams). */
  logStreams?: {stdout?: NodeJS.WritableStream; stderr?: NodeJS.WritableStream}
}

export interface BindSync {
  opened: string[]
  closed: string[]
  failed: {bind: string; error: string}[]
}

/** How long an idle keep-alive client of a replaced configuration may still send a request. */
const RELOAD_IDLE_GRACE_MS = 1000

export class ProxyEngine {
  private readonly clock: Clock
  private readonly vrrpRows: (() => VrrpStatusRow[]) | undefined
  private readonly vrrpControl: VrrpControl | undefined
  private readonly extraStats: (() => StatObject[]) | undefined
  private readonly emit: (event: EngineEvent) => void
  private generation: Generation
  /** Frontends of replaced configurations whose idle clients are still in their reload grace. */
  private readonly retiring = new Set<FrontendRuntime[]>()
  private readonly listeners = new Map<string, Listener>()
  private readonly statsSockets = new Map<string, StatsSocket>()
  /** Sessions running (mode http and tcp), and who waits for them all to end (stop). */
  private live = 0
  private allEnded: (() => void)[] = []
  /** Accepted connections waiting for a slot under their frontend's maxconn. */
  private readonly queued = new Set<ProxySocket>()
  private readonly startedAt: number
  private cumulated = 0
  private stopping = false
  private readonly canBind: (address: ListenAddress) => boolean
  private bindChain: Promise<unknown> = Promise.resolve()
  /** `show events` listeners (health transitions, request log lines, VRRP roles from node.ts). */
  readonly events: EventHub
  private readonly logSinks: LogSinks

  constructor(plan: EnginePlan, options: EngineOptions = {}) {
    this.clock = options.clock ?? turnClock
    const onEvent = options.onEvent ?? (() => {})
    this.emit = (event) => {
      onEvent(event)
      this.observe(event)
    }
    this.logSinks = new LogSinks({...options.logStreams, onProblem: (message) => onEvent({type: 'log', message: `[WARNING] ${message}`})})
    this.events = new EventHub((active) => this.streamRequests(this.generation.frontends, active))
    this.canBind = options.canBind ?? (() => true)
    this.vrrpRows = options.vrrp
    this.vrrpControl = options.vrrpControl
    this.extraStats = options.extraStats
    this.startedAt = this.clock.now()
    this.generation = this.build(plan)
  }

  private build(plan: EnginePlan): Generation {
    const backends = plan.backends.map((b) => new BackendRuntime(b, this.clock, this.emit))
    const frontends = plan.frontends.map((f) => new FrontendRuntime(f, this.clock))
    for (const b of backends) if (b.plan.log) b.logger = new ProxyLogger(b.plan.log, this.logSinks, () => this.live)
    for (const f of frontends) {
      if (f.plan.log) f.logger = new ProxyLogger(f.plan.log, this.logSinks, () => this.live, (text) => this.events.publish({at: this.clock.now(), kind: 'request', frontend: f.name, text}))
    }
    this.streamRequests(frontends, this.events?.active ?? false)
    return {plan, frontends, backends, checkers: [], acceptors: new Map()}
  }

  /** While `show events` has listeners, frontends without log targets log to the stream only. */
  private streamRequests(frontends: FrontendRuntime[], active: boolean): void {
    for (const f of frontends) {
      if (f.plan.log) continue
      f.logger = active ? new ProxyLogger(streamOnlyPlan(f.plan.mode), this.logSinks, () => this.live, (text) => this.events.publish({at: this.clock.now(), kind: 'request', frontend: f.name, text})) : undefined
    }
  }

  /** Health and admin changes go to `show events` and to the backend's log targets. */
  private observe(event: EngineEvent): void {
    if (event.type === 'log') return
    const at = this.clock.now()
    if (event.type === 'health') {
      this.events.publish(healthWireEvent(at, event.backend, event.server, event.from, event.to, event.result, event.active, event.backup))
      const backend = this.generation?.backends.find((b) => b.name === event.backend)
      const logger = backend?.logger
      if (logger) for (const line of healthLogLines({...event, sessions: backend.server(event.server)?.served ?? 0})) logger.send(line.level, line.text)
      return
    }
    const arrow = / -> /.exec(event.change)
    if (arrow) this.events.publish(healthWireEvent(at, event.backend, event.server, event.change.slice(0, arrow.index), event.change.slice(arrow.index + 4), undefined))
  }

  get frontends(): FrontendRuntime[] {
    return this.generation.frontends
  }

  get backends(): BackendRuntime[] {
    return this.generation.backends
  }

  async start(): Promise<void> {
    await this.activate(this.generation)
  }

  /** Binds what the generation needs (reusing sockets already open), starts its checks. */
  private async activate(generation: Generation): Promise<void> {
    const wanted = new Map<string, {frontend: FrontendRuntime; listener?: Listener}>()
    for (const frontend of generation.frontends) for (const bind of frontend.plan.binds) wanted.set(listenKey(bind.address), {frontend})
    const opened: Listener[] = []
    try {
      for (const [key, {frontend}] of wanted) {
        const acceptor = this.acceptor(frontend, generation)
        const handler = (socket: ProxySocket) => this.accept(socket, acceptor)
        const existing = this.listeners.get(key)
        const bind = frontend.plan.binds.find((b) => listenKey(b.address) === key)!
        if (existing) {
          existing.handler = handler
          existing.tls = bind.tls
        } else {
          if (!this.canBind(bind.address)) continue
          const listener = new Listener(bind.address, handler, bind.tls)
          await listener.listen().catch((error: NodeJS.ErrnoException) => {
            throw new Error(`${bind.at}: cannot bind ${bind.text} for ${frontend.name}: ${error.code === 'EADDRINUSE' ? 'address already in use' : error.code === 'EACCES' ? 'permission denied (ports below 1024 need root)' : error.message}`)
          })
          for (const warning of bind.tls?.warnings ?? []) this.emit({type: 'log', message: `[WARNING] ${warning}`})
          opened.push(listener)
          this.listeners.set(key, listener)
        }
      }
      const view = this.view(generation)
      for (const socket of generation.plan.statsSockets) {
        const key = listenKey(socket.address)
        const existing = this.statsSockets.get(key)
        if (existing) existing.update(view, socket.level)
        else {
          const stats = new StatsSocket(socket.address, socket.level, view)
          await stats.listen().catch((error: NodeJS.ErrnoException) => {
            throw new Error(`cannot bind stats socket ${socket.text}: ${error.message}`)
          })
          this.statsSockets.set(key, stats)
        }
      }
    } catch (error) {
      for (const listener of opened) {
        await listener.close()
        this.listeners.delete(listenKey(listener.address))
      }
      throw error
    }
    // Sockets the new configuration no longer has.
    for (const [key, listener] of this.listeners) {
      if (!wanted.has(key) || !this.canBind(listener.address)) {
        await listener.close()
        this.listeners.delete(key)
      }
    }
    const wantedStats = new Set(generation.plan.statsSockets.map((s) => listenKey(s.address)))
    for (const [key, stats] of this.statsSockets) {
      if (!wantedStats.has(key)) {
        await stats.close()
        this.statsSockets.delete(key)
      }
    }
    this.startChecks(generation)
  }

  private startChecks(generation: Generation): void {
    for (const backend of generation.backends) {
      const checked = backend.servers.filter((s) => s.plan.check)
      checked.forEach((server, index) => {
        const check = server.plan.check!
        const timeouts = backend.plan.timeouts
        const connectTimeout = timeouts.check !== undefined ? Math.min(timeouts.connect || check.inter, check.inter) : check.inter
        const readTimeout = timeouts.check ?? check.inter
        const checker = new HealthChecker(
          server.health ?? initialHealth(check.rise, check.fall),
          check,
          async () => {
            server.checkRunning = true
            try {
              return await probe({host: check.host, port: check.port, connectTimeoutMs: connectTimeout, readTimeoutMs: readTimeout, ...(backend.plan.http ? {http: backend.plan.http} : {})})
            } finally {
              server.checkRunning = false
            }
          },
          {onResult: (result, state, _transition, counted) => (server.maint ? undefined : backend.onCheck(server, result, state, counted))},
          this.clock,
        )
        generation.checkers.push(checker)
        // HAProxy spreads the first checks of a backend over the interval.
        checker.start(Math.floor((check.inter * index) / Math.max(1, checked.length)))
      })
    }
  }

  private acceptor(frontend: FrontendRuntime, generation: Generation): Acceptor {
    let acceptor = generation.acceptors.get(frontend)
    if (acceptor) return acceptor
    const backend = generation.backends.find((b) => b.name === frontend.plan.backend)
    // A slot under the frontend's maxconn is free: the next connection waiting for one begins.
    const slotFreed = () => {
      frontend.counters.scur--
      const next = frontend.pending.shift()
      if (next) next()
    }
    // mode tcp: the session's promise settling counts it ended; mode http has no promise, its hook does.
    const hooks = {onEnd: slotFreed}
    const httpHooks = {
      onEnd: () => {
        slotFreed()
        this.sessionEnded()
      },
    }
    const http = frontend.plan.http
    const context = http ? new HttpFrontend(frontend, backend, http, httpHooks, generation.backends, (generation.statSource ??= () => ({frontends: generation.frontends, backends: generation.backends, now: this.clock.now(), setServerAdmin: this.adminSetter}))) : undefined
    generation.acceptors.set(frontend, (acceptor = {frontend, backend, http: context, hooks}))
    return acceptor
  }

  private accept(socket: ProxySocket, acceptor: Acceptor): void {
    const frontend = acceptor.frontend
    // `tcp-request connection reject` closes before anything is read.
    if (this.stopping || !frontend.admits(socket)) {
      socket.destroy()
      return
    }
    // Over maxconn the connection waits, unread, like one left in the kernel's backlog.
    if (frontend.counters.scur >= frontend.plan.maxconn) {
      const queued = () => {
        this.queued.delete(socket)
        this.begin(socket, acceptor)
      }
      this.queued.add(socket)
      frontend.pending.push(queued)
      socket.once('close', () => {
        this.queued.delete(socket)
        const i = frontend.pending.indexOf(queued)
        if (i >= 0) frontend.pending.splice(i, 1)
      })
    } else this.begin(socket, acceptor)
  }

  private begin(socket: ProxySocket, acceptor: Acceptor): void {
    const {frontend, backend, http} = acceptor
    // A mode http frontend without a default backend answers 503 itself when no use_backend matches.
    if (!backend && (frontend.plan.backend !== undefined || !http)) {
      socket.destroy()
      return
    }
    const counters = frontend.counters
    counters.scur++
    counters.stot++
    if (counters.scur > counters.smax) counters.smax = counters.scur
    frontend.rate.hit()
    this.cumulated++
    this.live++
    const logger = frontend.logger
    if (logger && !logger.plan.line) logger.connect(socket.remoteAddress ?? '', socket.remotePort ?? 0, socket.localAddress ?? '', socket.localPort ?? 0, frontend.name, frontend.plan.mode)
    if (http) {
      // Synchronous: no promise per connection; the session calls hooks.onEnd once its client is gone.
      try {
        startHttpSession(socket, http)
      } catch {
        socket.destroy()
        this.sessionEnded()
      }
      return
    }
    void runTcpSession(socket, frontend, backend!, acceptor.hooks)
      .catch(() => {
        socket.destroy()
      })
      .finally(() => this.sessionEnded())
  }

  private sessionEnded(): void {
    if (--this.live > 0) return
    for (const resolve of this.allEnded.splice(0)) resolve()
  }

  private view(generation: Generation): EngineView {
    return {
      ...(this.vrrpRows ? {vrrp: this.vrrpRows} : {}),
      ...(this.vrrpControl ? {vrrpControl: this.vrrpControl} : {}),
      ...(this.extraStats ? {extraStats: this.extraStats} : {}),
      subscribeEvents: (listener) => this.events.subscribe(listener),
      frontends: generation.frontends,
      backends: generation.backends,
      now: () => this.clock.now(),
      startedAt: this.startedAt,
      pid: process.pid,
      maxconn: generation.plan.maxconn,
      currentConnections: () => this.live,
      totalConnections: () => this.cumulated,
      listeners: () => this.listeners.size,
      stopping: () => this.stopping,
      setServerAdmin: (backend, server, change) => this.setAdmin(backend, server, change),
      setServerWeight: (backend, server, weight) => {
        backend.change(server, () => (server.weight = weight), 'weight')
        this.emit({type: 'admin', backend: backend.name, server: server.name, change: `weight ${weight}`})
      },
    }
  }

  /** The stats page's admin form changes servers the way the runtime API does (same events). */
  private readonly adminSetter = (backend: BackendRuntime, server: ServerRuntime, change: {maint?: boolean; drain?: boolean}): void => this.setAdmin(backend, server, change)

  private setAdmin(backend: BackendRuntime, server: ServerRuntime, change: {maint?: boolean; drain?: boolean}): void {
    const before = server.statusText()
    backend.change(
      server,
      () => {
        if (change.maint !== undefined) server.maint = change.maint
        if (change.drain !== undefined) server.drain = change.drain
      },
      'state',
    )
    const after = server.statusText()
    if (before !== after) this.emit({type: 'admin', backend: backend.name, server: server.name, change: `${before} -> ${after}`})
  }

  /** The address a frontend's bind got (for binds on port 0). */
  boundPort(frontend: string, index = 0): number | undefined {
    const f = this.generation.frontends.find((x) => x.name === frontend)
    const bind = f?.plan.binds[index]
    return bind ? this.listeners.get(listenKey(bind.address))?.port() : undefined
  }

  /**
   * Opens the binds `canBind` now allows and closes the ones it no longer allows (connections
   * already accepted go on). Calls run one after another; a bind that fails is reported, not thrown.
   */
  syncBinds(): Promise<BindSync> {
    const run = this.bindChain.then(() => this.applyBinds())
    this.bindChain = run.catch(() => {})
    return run
  }

  private async applyBinds(): Promise<BindSync> {
    const result: BindSync = {opened: [], closed: [], failed: []}
    if (this.stopping) return result
    const generation = this.generation
    for (const frontend of generation.frontends) {
      for (const bind of frontend.plan.binds) {
        const key = listenKey(bind.address)
        const existing = this.listeners.get(key)
        const allowed = this.canBind(bind.address)
        if (existing && !allowed) {
          this.listeners.delete(key)
          await existing.close()
          result.closed.push(bind.text)
        } else if (!existing && allowed) {
          const acceptor = this.acceptor(frontend, generation)
          const listener = new Listener(bind.address, (socket) => this.accept(socket, acceptor), bind.tls)
          try {
            await listener.listen()
            if (this.stopping || this.generation !== generation) await listener.close()
            else {
              this.listeners.set(key, listener)
              result.opened.push(bind.text)
            }
          } catch (error) {
            result.failed.push({bind: bind.text, error: (error as NodeJS.ErrnoException).code ?? (error as Error).message})
          }
        }
      }
    }
    return result
  }

  /** Swaps in a new configuration. Sessions in flight keep their old backend and finish normally. */
  async reload(plan: EnginePlan): Promise<void> {
    const old = this.generation
    const next = this.build(plan)
    await this.activate(next)
    this.generation = next
    for (const checker of old.checkers) checker.stop()
    for (const backend of old.backends) closeIdle(backend)
    // Like HAProxy's `option idle-close-on-response`: an idle keep-alive client of the old configuration may still
    // send one request (answered with `Connection: close`) instead of racing a close, so a reload loses no request.
    for (const frontend of old.frontends) drainHttpSessions(frontend, RELOAD_IDLE_GRACE_MS)
    this.retiring.add(old.frontends)
    setTimeout(() => this.retiring.delete(old.frontends), RELOAD_IDLE_GRACE_MS).unref()
  }

  /** Stops accepting, waits for sessions to end (at most `graceMs`), then closes everything. */
  async stop(graceMs = 30_000): Promise<void> {
    this.stopping = true
    for (const checker of this.generation.checkers) checker.stop()
    // Idle keep-alive connections close now, so the wait for sessions below is short.
    for (const f of [this.generation.frontends, ...this.retiring].flat()) drainHttpSessions(f)
    await Promise.all([...this.listeners.values()].map((l) => l.close()))
    this.listeners.clear()
    // Connections still waiting for a slot under maxconn were never served: they are closed, like a backlog.
    for (const f of this.generation.frontends) f.pending.splice(0)
    for (const socket of [...this.queued]) socket.destroy()
    this.queued.clear()
    let timer: ReturnType<typeof setTimeout> | undefined
    const ended = this.live === 0 ? Promise.resolve() : new Promise<void>((resolve) => this.allEnded.push(resolve))
    await Promise.race([ended, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))])
    if (timer) clearTimeout(timer)
    for (const b of this.generation.backends) {
      b.abandonWaiting()
      closeIdle(b)
    }
    await Promise.all([...this.statsSockets.values()].map((s) => s.close()))
    this.statsSockets.clear()
    await this.logSinks.close()
  }
}
