/**
 * One keepalived virtual_server served by the engine: a TCP listener on the virtual address whose
 * connections go NAT-style (a second TCP connection from this node) to the real server the IPVS
 * scheduler picks, with persistence, quorum and the sorry server; keepalived's checkers move the
 * real servers in and out of the service.
 */
import {spawn} from 'node:child_process'
import {createServer, connect, isIPv4, type Server, type Socket} from 'node:net'
import {RealServerCheck} from './checker.js'
import type {CheckPlan, RealServerPlan, VirtualServicePlan} from './plan.js'
import type {ProbeOutcome} from './probes.js'
import {createScheduler, type LvsScheduler, type LvsServer} from './schedulers/index.js'

/** IPVS's established-connection timeout (ipvsadm --set: tcp 900 s). */
const TCP_IDLE_MS = 900_000

/** How long a notify command may run before it is killed. */
const NOTIFY_TIMEOUT_MS = 30_000

/** Runs a notify_up/notify_down/quorum_up/quorum_down command through /bin/sh, without waiting for it. */
export function runNotify(command: string, log: (line: string) => void): void {
  const child = spawn('/bin/sh', ['-c', command], {stdio: 'ignore'})
  const timer = setTimeout(() => child.kill('SIGKILL'), NOTIFY_TIMEOUT_MS)
  timer.unref?.()
  child.once('error', (error) => log(`notify command "${command}" could not start: ${error.message}`))
  child.once('exit', (code, signal) => {
    clearTimeout(timer)
    if (code !== 0) log(`notify command "${command}" ${signal ? `killed by ${signal}` : `exited ${code}`}`)
  })
  child.unref()
}

/** keepalived's `[address]:tcp:port`. */
export const formatService = (address: string, port: number): string => `[${address}]:tcp:${port}`

export class RealServerState implements LvsServer {
  readonly backup = false
  readonly queued = 0
  readonly maxconn = 0
  readonly name: string
  weight: number
  running: boolean
  served = 0
  inactive = 0
  overloaded = false
  /** Connections sent here since start. */
  total = 0
  bytesIn = 0
  bytesOut = 0
  /** When the server last went in or out of service (ms), and how often it went out. */
  lastChange: number
  downs = 0
  readonly checks: RealServerCheck[] = []

  constructor(
    readonly id: number,
    readonly plan: RealServerPlan,
    startUp: boolean,
    now: number,
  ) {
    this.lastChange = now
    this.name = formatService(plan.address, plan.port)
    this.weight = plan.weight
    this.running = startUp
  }

  /** A connection bound here (ip_vs_bind_dest): at uthreshold connections the server is overloaded. */
  bound(): void {
    this.served++
    this.total++
    const {uthreshold} = this.plan
    if (uthreshold > 0 && this.served + this.inactive >= uthreshold) this.overloaded = true
  }

  /** A connection gone (ip_vs_unbind_dest): back under lthreshold, or 3/4 of uthreshold when none is set. */
  unbound(wasActive: boolean): void {
    if (wasActive) this.served--
    else this.inactive--
    const {uthreshold, lthreshold} = this.plan
    const total = this.served + this.inactive
    if (lthreshold > 0) {
      if (total <= lthreshold) this.overloaded = false
    } else if (uthreshold > 0) {
      if (total * 4 <= uthreshold * 3) this.overloaded = false
    } else this.overloaded = false
  }
}

export interface RealServerStatus {
  name: string
  address: string
  port: number
  weight: number
  up: boolean
  active: number
  inactive: number
  total: number
}

export interface VirtualServiceStatus {
  name: string
  algorithm: string
  listening: boolean
  quorum: boolean
  sorryServer: boolean
  servers: RealServerStatus[]
}

/** A real server going in or out of service, for the runtime API's `show events` (kind health). */
export interface LvsTransition {
  at: number
  /** The virtual server, as `show stat` names it (its pxname). */
  service: string
  server: string
  from: 'UP' | 'DOWN'
  to: 'UP' | 'DOWN'
  /** What the deciding check saw. */
  check: string
  activeLeft: number
  text: string
}

export interface VirtualServiceOptions {
  log: (line: string) => void
  onTransition?: (transition: LvsTransition) => void
  /** One checker attempt (tests replace it). */
  probe?: (plan: CheckPlan) => Promise<ProbeOutcome>
  now?: () => number
}

interface Persisted {
  server: RealServerState
  connections: number
  lastEnd: number
}

export class VirtualService {
  readonly name: string
  readonly servers: RealServerState[]
  /** Connections taken since start (the sorry server's included). */
  total = 0
  lastChange: number
  private readonly scheduler: LvsScheduler
  private listener: Server | undefined
  /** Each connection's client socket and how to end it (both sockets). */
  private readonly connections = new Map<Socket, () => void>()
  private readonly persisted = new Map<string, Persisted>()
  private quorumUp = true
  private readonly now: () => number

  constructor(
    readonly plan: VirtualServicePlan,
    private readonly options: VirtualServiceOptions,
  ) {
    this.name = formatService(plan.address, plan.port)
    this.now = options.now ?? Date.now
    this.servers = plan.realServers.map((rs, i) => new RealServerState(i + 1, rs, !rs.checks.some((c) => c.alpha), this.now()))
    this.scheduler = createScheduler(plan.algorithm, this.servers)
    this.lastChange = this.now()
    this.quorumUp = this.aliveWeight() >= plan.quorum
    if (!this.quorumUp) this.quorumLost(true)
  }

  get listening(): boolean {
    return this.listener !== undefined
  }

  /** Opens the listener; rejects with the system's error (EADDRINUSE, EADDRNOTAVAIL, EACCES). */
  async listen(): Promise<void> {
    if (this.listener) return
    const server = createServer({allowHalfOpen: true}, (socket) => this.accept(socket))
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen({host: this.plan.address, port: this.plan.port}, () => {
        server.off('error', reject)
        resolve()
      })
    })
    server.on('error', (error) => this.options.log(`VS ${this.name}: listener error: ${error.message}`))
    this.listener = server
  }

  /** Closes the listener; connections in progress finish (or are cut after `graceMs`). */
  async close(graceMs = 0): Promise<void> {
    const server = this.listener
    this.listener = undefined
    if (!server) return
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    if (graceMs <= 0 || this.connections.size === 0) {
      for (const end of [...this.connections.values()]) end()
    } else {
      const timer = setTimeout(() => {
        for (const end of [...this.connections.values()]) end()
      }, graceMs)
      timer.unref?.()
    }
    await closed
  }

  startChecks(): void {
    for (const rs of this.servers) {
      for (const plan of rs.plan.checks) {
        const check = new RealServerCheck(plan, {changed: (good, outcome) => this.checkChanged(rs, check, good, outcome)}, !plan.alpha, this.options.probe)
        rs.checks.push(check)
        check.start()
      }
    }
  }

  stopChecks(): void {
    for (const rs of this.servers) for (const check of rs.checks.splice(0)) check.stop()
  }

  status(): VirtualServiceStatus {
    return {
      name: this.name,
      algorithm: this.plan.algorithm,
      listening: this.listening,
      quorum: this.quorumUp,
      sorryServer: !this.quorumUp && this.plan.sorryServer !== undefined,
      servers: this.servers.map((s) => ({name: s.name, address: s.plan.address, port: s.plan.port, weight: s.weight, up: s.running, active: s.served, inactive: s.inactive, total: s.total})),
    }
  }

  private checkChanged(rs: RealServerState, check: RealServerCheck, good: boolean, outcome: ProbeOutcome): void {
    const target = formatService(check.plan.host, check.plan.port)
    const {log} = this.options
    if (check.plan.type === 'TCP_CHECK') log(good ? `TCP connection to ${target} success.` : `TCP_CHECK on service ${target} failed (${outcome.detail}).`)
    else if (check.plan.type === 'MISC_CHECK') log(`Misc check for [${check.plan.miscPath ?? ''}] ${good ? 'success' : `failed (${outcome.detail})`}.`)
    else log(good ? `HTTP status code success to ${target} url(s).` : `${check.plan.type} on service ${target} failed: ${outcome.detail}.`)
    if (good && outcome.weight !== undefined && outcome.weight !== rs.weight && rs.running) {
      log(`Changing weight from ${rs.weight} to ${outcome.weight} for ${rs.name} of VS ${this.name}`)
      rs.weight = outcome.weight
      this.scheduler.weightChanged(rs)
      this.updateQuorum()
    }
    const up = rs.checks.every((c) => c.good)
    if (up === rs.running) return
    rs.running = up
    rs.lastChange = this.now()
    if (!up) rs.downs++
    const weight = up ? (outcome.weight ?? rs.plan.weight) : rs.plan.inhibitOnFailure ? 0 : rs.weight
    rs.weight = weight
    const verb = rs.plan.inhibitOnFailure ? (up ? 'Enabling' : 'Disabling') : up ? 'Adding' : 'Removing'
    log(`${verb} service ${rs.name} to VS ${this.name}`)
    if (up) this.scheduler.serverUp(rs)
    else this.scheduler.serverDown(rs)
    const activeLeft = this.servers.filter((s) => s.running).length
    this.options.onTransition?.({
      at: this.now(), service: this.name, server: rs.name, from: up ? 'DOWN' : 'UP', to: up ? 'UP' : 'DOWN', check: `${check.plan.type} ${outcome.detail}`, activeLeft,
      text: `${this.name}/${rs.name} ${up ? 'UP' : 'DOWN'}, ${check.plan.type} ${outcome.detail}, ${activeLeft} active server${activeLeft === 1 ? '' : 's'} left`,
    })
    const notify = up ? rs.plan.notifyUp : rs.plan.notifyDown
    if (notify) runNotify(notify, log)
    this.updateQuorum()
  }

  /** The summed weight of the servers in service: keepalived's quorum measure. */
  private aliveWeight(): number {
    return this.servers.reduce((sum, s) => sum + (s.running ? s.weight : 0), 0)
  }

  private updateQuorum(): void {
    const weight = this.aliveWeight()
    const {quorum, hysteresis} = this.plan
    if (this.quorumUp && weight < quorum - hysteresis) {
      this.quorumUp = false
      this.lastChange = this.now()
      this.quorumLost(false)
    } else if (!this.quorumUp && weight >= quorum + hysteresis) {
      this.quorumUp = true
      this.lastChange = this.now()
      this.options.log(`Gained quorum ${quorum}+${hysteresis}=${quorum + hysteresis} <= ${weight} for VS ${this.name}`)
      if (this.plan.quorumUpCommand) runNotify(this.plan.quorumUpCommand, this.options.log)
      if (this.plan.sorryServer) this.options.log(`Removing sorry server ${formatService(this.plan.sorryServer.address, this.plan.sorryServer.port)} from VS ${this.name}`)
    }
  }

  private quorumLost(atStart: boolean): void {
    const {quorum, hysteresis} = this.plan
    if (!atStart) this.options.log(`Lost quorum ${quorum}-${hysteresis}=${quorum - hysteresis} > ${this.aliveWeight()} for VS ${this.name}`)
    if (this.plan.quorumDownCommand) runNotify(this.plan.quorumDownCommand, this.options.log)
    if (this.plan.sorryServer) this.options.log(`Adding sorry server ${formatService(this.plan.sorryServer.address, this.plan.sorryServer.port)} to VS ${this.name}`)
  }

  private sinceSweep = 0

  private sweepPersistence(): void {
    this.sinceSweep = 0
    const now = this.now()
    for (const [key, entry] of this.persisted) {
      if (entry.connections === 0 && now - entry.lastEnd > this.plan.persistenceTimeoutMs) this.persisted.delete(key)
    }
  }

  /** The persistence key: the client address, masked by persistence_granularity for IPv4. */
  private persistKey(client: string): string {
    const address = client.startsWith('::ffff:') ? client.slice(7) : client
    const mask = this.plan.persistenceMask
    if (!mask || !isIPv4(address) || !isIPv4(mask)) return address
    const a = address.split('.').map(Number)
    const m = mask.split('.').map(Number)
    return a.map((part, i) => part & (m[i] ?? 0)).join('.')
  }

  private choose(clientAddress: string): {server?: RealServerState; address: string; port: number; key?: string} | undefined {
    if (!this.quorumUp) {
      const sorry = this.plan.sorryServer
      return sorry ? {address: sorry.address, port: sorry.port} : undefined
    }
    let key: string | undefined
    if (this.plan.persistenceTimeoutMs > 0) {
      // Templates of clients gone for good are swept now and then, so the table stays bounded.
      if (++this.sinceSweep >= 1024) this.sweepPersistence()
      key = this.persistKey(clientAddress)
      const entry = this.persisted.get(key)
      // A template lasts while it has connections and persistence_timeout after the last one; a quiesced
      // (weight 0) server keeps its persistent clients, as IPVS does by default; a removed one does not.
      if (entry && entry.server.running && (entry.connections > 0 || this.now() - entry.lastEnd <= this.plan.persistenceTimeoutMs)) {
        return {server: entry.server, address: entry.server.plan.address, port: entry.server.plan.port, key}
      }
      this.persisted.delete(key)
    }
    const server = this.scheduler.pick({clientAddress, destAddress: this.plan.address, now: this.now()}) as RealServerState | undefined
    if (!server) return undefined
    return key === undefined ? {server, address: server.plan.address, port: server.plan.port} : {server, address: server.plan.address, port: server.plan.port, key}
  }

  private accept(client: Socket): void {
    client.on('error', () => {})
    const target = this.choose(client.remoteAddress ?? '')
    if (!target) {
      client.resetAndDestroy()
      return
    }
    const {server, key} = target
    this.total++
    let entry: Persisted | undefined
    if (server && key !== undefined) {
      entry = this.persisted.get(key) ?? {server, connections: 0, lastEnd: this.now()}
      entry.connections++
      this.persisted.set(key, entry)
    }
    if (server) {
      server.bound()
      this.scheduler.connTaken(server)
    }
    let state: 'active' | 'inactive' | 'done' = 'active'
    const halfClosed = () => {
      if (state !== 'active' || !server) return
      state = 'inactive'
      server.served--
      server.inactive++
      this.scheduler.connReleased(server)
    }
    const upstream = connect({host: target.address, port: target.port, allowHalfOpen: true})
    upstream.on('error', () => {})
    const finish = () => {
      if (state === 'done') return
      if (server) {
        server.unbound(state === 'active')
        if (state === 'active') this.scheduler.connReleased(server)
        server.bytesIn += client.bytesRead
        server.bytesOut += client.bytesWritten
      }
      state = 'done'
      if (entry) {
        entry.connections--
        entry.lastEnd = this.now()
      }
      this.connections.delete(client)
      client.destroy()
      upstream.destroy()
    }
    this.connections.set(client, finish)
    client.setTimeout(TCP_IDLE_MS, finish)
    client.once('end', halfClosed)
    upstream.once('end', halfClosed)
    // Each side's FIN is passed on (half-close, by pipe); the connection is over when both sockets closed.
    let closed = 0
    const onClose = () => ++closed === 2 && finish()
    client.once('close', onClose)
    upstream.once('close', onClose)
    client.once('error', finish)
    upstream.once('error', () => {
      // A refused connection to the real server: the client sees a reset, as from IPVS when the server refuses.
      client.resetAndDestroy()
      finish()
    })
    client.pipe(upstream)
    upstream.pipe(client)
  }
}
