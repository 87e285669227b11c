/**
 * One mode-http client connection. Each request goes through the same phases in order:
 *   readRequest → selectServer (balancer pick per request, idle connection reuse, retries)
 *   → forwardRequest (head, then the body streamed) → forwardResponse → endTransaction.
 * Pipelined requests wait their turn (the client is not read while a request is answered), so
 * responses go back in order. Bodies are streamed with backpressure, never held whole.
 */
import {Buffer} from 'node:buffer'
import type {ProxySocket} from '../io/index.js'
import type {AclRequest} from '../acl/index.js'
import {createRequestParser, encodeChunk, encodeLastChunk, HeaderList, LAST_CHUNK, type Http1Error, type Http1Sink, type RawHeaders, type RequestHead, type RequestParser, type ResponseHead} from '../http1/index.js'
import {turnClock} from '../timers/turn-clock.js'
import {type ConnectionFacts, errorReply, type LocalReply, renderReply} from '../rules/index.js'
import {afterLocalReply, cookieServer, L7State, replyFor, requestRules, responseRules, useServer} from '../rules/transaction.js'
import {BackendRuntime, type FrontendRuntime, type ServerRuntime} from '../runtime.js'
import type {StatSource} from '../runtime-api/stat.js'
import {type StatsResponder, statsResponder} from '../stats/index.js'
import {prometheusAnswer} from '../stats/prometheus.js'
import {MAX_FORM_BYTES} from '../stats/admin.js'
import type {StatsAnswer} from '../stats/respond.js'
import {logStream, StreamLog} from '../log/index.js'
import {END_OF_TRAILERS, htxHeadersSize, htxHeadSize, htxMessageSize} from '../log/htx-size.js'
import {errorCloses, errorResponse} from './errors.js'
import {type ClientFraming, clientFraming, clientIp, clientResponseHead, ForwardedFor, serverRequestHead} from './heads.js'
import {connectServer, type ConnOwner, releaseIdle, type ServerConn, takeIdle} from './server-conn.js'
import {Deadline} from '../timers/deadline.js'
import type {HttpSettings} from './settings.js'

/** HAProxy waits this long before retrying the same server after a refused connection. */
const TURN_AROUND_MS = 1000
/** How long a closing connection may take to accept what is left to send. */
const CLOSE_GRACE_MS = 1000
const LOWER = {names: 'lower'} as const

export interface HttpSessionHooks {
  onEnd(): void
}

/** The shared context of each frontend that has live sessions (drainHttpSessions reaches them through it). */
const contexts = new WeakMap<FrontendRuntime, HttpFrontend>()

/**
 * Soft stop: closes the frontend's idle keep-alive connections now (after `idleGraceMs` on a reload),
 * and the others once their current response is sent (HAProxy does the same on reload and stop).
 */
export function drainHttpSessions(frontend: FrontendRuntime, idleGraceMs = 0): void {
  const context = contexts.get(frontend)
  if (!context) return
  // Draining may end sessions (and unlink them) as it goes: the next one is read first.
  for (let session = context.first, next; session !== undefined; session = next) {
    next = session.nextLive
    session.drain(idleGraceMs)
  }
}

/**
 * What every connection of one mode-http frontend (in one configuration) shares: everything decided by the
 * configuration alone is decided here once, not per connection. `backends` are the ones the frontend's
 * use_backend rules may name (the default `backend` is used when none match). `statSource` is what the stats
 * page shows (every frontend and backend); without it, this frontend and `backends`. `onEnd` is called once
 * per session, when its client connection is gone.
 */
export class HttpFrontend {
  /** The default backend, or the placeholder that answers 503 when no use_backend matches. */
  readonly backend: BackendRuntime
  /** No default backend: `backend` is the placeholder. */
  readonly placeholder: boolean
  readonly stats: StatsResponder | undefined
  /** Some proxy of the sessions has L7 rules, captures, a monitor URI or cookie persistence. */
  readonly l7: boolean
  readonly forwardedFor: ForwardedFor | undefined
  readonly statSource: () => StatSource
  /** Live sessions, newest first (a list through the sessions: no Set to hash into per connection). */
  first: HttpSession | undefined = undefined

  constructor(
    readonly frontend: FrontendRuntime,
    defaultBackend: BackendRuntime | undefined,
    readonly settings: HttpSettings,
    readonly hooks: HttpSessionHooks,
    readonly backends: readonly BackendRuntime[] = defaultBackend ? [defaultBackend] : [],
    statSource?: () => StatSource,
  ) {
    const backend = (this.backend = defaultBackend ?? noBackend(frontend))
    this.placeholder = defaultBackend === undefined
    this.stats = frontend.plan.stats ? statsResponder(frontend.plan.stats) : undefined
    this.l7 = frontend.plan.rules !== undefined || backends.some((b) => b.plan.rules !== undefined || b.plan.cookie !== undefined) || this.placeholder
    this.forwardedFor = settings.forwardFor ? new ForwardedFor(settings.forwardFor) : undefined
    this.statSource = statSource ?? (() => ({frontends: [frontend], backends: [...backends], now: backend.clock.now()}))
    contexts.set(frontend, this)
  }

  add(session: HttpSession): void {
    const first = this.first
    session.nextLive = first
    if (first) first.prevLive = session
    this.first = session
  }

  remove(session: HttpSession): void {
    const {prevLive, nextLive} = session
    if (prevLive) prevLive.nextLive = nextLive
    else if (this.first === session) this.first = nextLive
    if (nextLive) nextLive.prevLive = prevLive
    session.prevLive = undefined
    session.nextLive = undefined
  }
}

/** Serves one client connection of the frontend; `context.hooks.onEnd` is called once it is gone. */
export function startHttpSession(client: ProxySocket, context: HttpFrontend): void {
  const session = new HttpSession(client, context)
  context.add(session)
  session.start()
}

const placeholders = new WeakMap<FrontendRuntime, BackendRuntime>()

/**
 * What a frontend without default_backend routes to when no use_backend matches: a backend with no
 * server, never shown in stats; the session answers HAProxy's 503 for it without counting it anywhere.
 */
function noBackend(frontend: FrontendRuntime): BackendRuntime {
  let out = placeholders.get(frontend)
  if (!out) {
    const plan = {name: frontend.name, id: 0, algorithm: 'roundrobin', hashType: 'map-based', avalanche: false, draws: 2, allBackups: false, retries: 0, redispatch: false, timeouts: {connect: 0, server: 0, queue: 0}, servers: []} as const
    out = new BackendRuntime({...plan, servers: []}, turnClock, () => {})
    placeholders.set(frontend, out)
  }
  return out
}

/** One request and its response. */
class Transaction implements ConnOwner {
  /** Body bytes received before the server connection was ready (at most one read: the client is paused). */
  pending: Buffer[] | undefined = undefined
  trailers: RawHeaders | undefined
  requestEnded = false
  server: ServerRuntime | undefined
  conn: ServerConn | undefined
  /** The request head went out: body bytes can be written straight to the server. */
  forwarding = false
  response: ResponseHead | undefined
  framing: ClientFraming | undefined
  responseEnded = false
  tunnel = false
  done = false
  /** Counted in the backend's current sessions. */
  inBackend = false
  /** Answered by the engine itself (the stats page): no backend, the request body is discarded. */
  local = false
  /** What the log line shows as the server of a local answer: the stats page, or none (rules, no backend). */
  localLabel: '<STATS>' | '<NOSRV>' = '<STATS>'
  /** A stats admin form being received: applied when the request body is complete. */
  statsForm: {reply: NonNullable<StatsAnswer['form']>; chunks: Buffer[]; size: number} | undefined
  /** Timers and outcome for the log line; only when the frontend logs. */
  log: StreamLog | undefined
  /** Rules, captures and cookie state; only when a proxy of the session has L7 rules or persistence. */
  l7: L7State | undefined
  /** Response edits (http-response rules, persistence cookie) to apply to the head sent to the client. */
  edit: {headers: HeaderList; status: number; reason: string} | undefined

  /** `capture request|response header` values for the log line (`{a|b}`), undefined without captures. */
  get captures(): {request: (string | undefined)[]; response: (string | undefined)[]} | undefined {
    return this.l7?.captures
  }

  constructor(
    readonly session: HttpSession,
    readonly request: RequestHead,
    readonly first: boolean,
    /** The default backend until selectServer applies the switching rules. */
    public backend: BackendRuntime,
  ) {}

  onResponseHead(head: ResponseHead): void {
    this.session.responseHead(this, head)
  }
  onResponseBody(chunk: Buffer): void {
    this.session.responseBody(this, chunk)
  }
  onResponseTrailers(trailers: RawHeaders): void {
    if (this.framing?.chunked) this.trailers = trailers
  }
  onResponseEnd(): void {
    this.session.responseEnd(this)
  }
  onResponseError(error: Http1Error): void {
    void error
    this.session.serverFailed(this, 502)
  }
  onTunnelData(chunk: Buffer): void {
    this.session.write(chunk)
  }
  onServerGone(reason: 'closed' | 'error' | 'timeout'): void {
    this.session.serverGone(this, reason)
  }
  onServerDrain(): void {
    if (!this.done) this.session.serverDrained()
  }
  onReadBegin(): void {
    this.session.holdWrites()
  }
  onReadEnd(): void {
    this.session.flushWrites()
  }
}

class HttpSession implements Http1Sink<RequestHead> {
  private readonly parser: RequestParser
  /** Requests parsed and not yet answered; the first is the one being served. */
  private readonly queue: Transaction[] = []
  /** The client's address as HAProxy shows it; read from the socket only when something needs it. */
  private ipText: string | undefined = undefined
  /** A server the balancer should avoid if it can (redispatch after failed connects). */
  avoid: ServerRuntime | undefined = undefined
  /** Neighbours in the frontend's list of live sessions. */
  prevLive: HttpSession | undefined = undefined
  nextLive: HttpSession | undefined = undefined
  private readonly frontend: FrontendRuntime
  /** The default backend; each transaction has the one its switching rules chose. */
  private readonly backend: BackendRuntime
  private readonly backends: readonly BackendRuntime[]
  private readonly settings: HttpSettings
  private readonly statSource: () => StatSource
  private readonly forwardedFor: ForwardedFor | undefined
  /** `timeout http-request` / `http-keep-alive` (and the reload grace) while no request is being served. */
  private readonly requestTimer = new Deadline(() => this.requestTimedOut())
  /** Whether the request timer answers 408 (a request was started, or it is the first one) or closes silently. */
  private timerAnswers = false
  /** `timeout client`: inactivity while the client is expected to send or to take data. */
  private readonly clientTimer = new Deadline(() => this.clientTimedOut())
  /** The client timeout in force (0: none); reads and writes push it back. */
  private clientTimeoutMs = 0
  /** Bytes of a request head have arrived since the last request ended. */
  private started = false
  private requests = 0
  private clientEnded = false
  private closing = false
  private finished = false
  private corked = false
  /** Made on the first write outside a server read (rare): most sessions never need it. */
  private uncorkFn: (() => void) | undefined = undefined
  /** Writes held while a server read is parsed (head, body, chunk framing), flushed as one write after it. */
  private holding = false
  private held: Buffer[] = []
  private heldBytes = 0
  /** Response writes are waiting for the client to drain. */
  private clientBlocked = false
  /** The 'drain' listener is added on the first write the client does not take at once (most never need it). */
  private drainListened = false
  /** The client may send now (else bytes arriving are held back by pausing it, see updateFlow). */
  private wantRead = true
  /** A parse error after complete requests: answered once they are. */
  private pendingError: number | undefined
  /** Idle server connections this session opened, at most one per server (reused first, `http-reuse safe`). */
  private readonly owned: ServerConn[] = []
  /** The backend of the latest request, which the connection's byte counts go to. */
  private lastBackend: BackendRuntime
  private readonly stats: StatsResponder | undefined
  /** Some proxy of this session has L7 rules, captures, a monitor URI or cookie persistence. */
  private readonly l7: boolean
  /** Log timers (epoch ms): when the next stream began (accept, then each request's end) and its first byte; 0 when not logging. */
  private streamStart = 0
  private requestStart = 0
  private errorLogged = false

  constructor(
    private readonly client: ProxySocket,
    private readonly context: HttpFrontend,
  ) {
    this.frontend = context.frontend
    this.backend = this.lastBackend = context.backend
    this.backends = context.backends
    this.settings = context.settings
    this.statSource = context.statSource
    this.stats = context.stats
    this.l7 = context.l7
    this.forwardedFor = context.forwardedFor
    this.parser = createRequestParser(this)
  }

  private get ip(): string {
    return (this.ipText ??= clientIp(this.client.remoteAddress))
  }

  /** For the balancer (`balance source`): the session is its own pick context. */
  get clientAddress(): string {
    return this.ip
  }

  start(): void {
    const client = this.client
    client.setNoDelay(true)
    client.on('error', () => this.abort('client'))
    client.on('close', () => this.finish())
    client.on('data', (chunk: Buffer) => {
      if (this.clientTimeoutMs > 0) this.clientTimer.set(this.clientTimeoutMs)
      if (!this.started && this.queue.length === 0) {
        this.started = true
        if (this.frontend.logger) this.requestStart = Date.now()
        // Once a request begins, it has `timeout http-request` to arrive whole.
        if (this.requests > 0) this.armTimer(this.settings.timeouts.httpRequest, true)
      }
      const unwanted = !this.wantRead
      this.parser.feed(chunk)
      if (unwanted && !this.wantRead && !this.closing) client.pause()
    })
    client.on('end', () => {
      this.clientEnded = true
      this.parser.finish()
      if (this.queue.length === 0) this.close()
    })
    if (this.frontend.logger) {
      this.streamStart = Date.now()
      // The log line shows both addresses, possibly after the socket is closed: read (and kept) while it is open.
      void this.client.remoteAddress
      void this.client.localAddress
    }
    this.armTimer(this.settings.timeouts.httpRequest, true)
    client.resume()
  }

  /**
   * `idleGraceMs` (reload): an idle connection is not cut at once, since a request may already be on
   * its way and would fail; it may send one more within that time, answered with `Connection: close`.
   */
  drain(idleGraceMs = 0): void {
    this.clientEnded = true
    if (this.queue.length > 0) return
    if (idleGraceMs <= 0) this.close()
    else if (!this.started) this.armTimer(idleGraceMs, false)
  }

  // ── phase: readRequest (parser sink) ──

  onHead(head: RequestHead): void {
    this.clearTimer()
    this.started = false
    const txn = new Transaction(this, head, this.requests === 0, this.backend)
    if (this.l7) txn.l7 = new L7State()
    if (this.frontend.logger) this.startLog(txn)
    this.requests++
    this.frontend.http.reqTot++
    this.queue.push(txn)
    if (this.queue.length === 1) void this.serve(txn)
    this.updateFlow()
  }

  onBody(chunk: Buffer): void {
    const txn = this.queue.at(-1)
    if (!txn || txn.done) return
    if (txn.log) txn.log.htxIn += chunk.length
    if (txn.statsForm) {
      // Kept up to the limit (a larger form is refused with EXCD), the rest is read and dropped.
      if (txn.statsForm.size <= MAX_FORM_BYTES) txn.statsForm.chunks.push(chunk)
      txn.statsForm.size += chunk.length
      return
    }
    if (txn.forwarding) this.sendBody(txn, chunk)
    else (txn.pending ??= []).push(chunk)
  }

  onTrailers(trailers: RawHeaders): void {
    const txn = this.queue.at(-1)
    if (!txn) return
    txn.trailers = trailers
    if (txn.log) txn.log.htxIn += htxHeadersSize(trailers)
  }

  onMessageEnd(): void {
    const txn = this.queue.at(-1)
    if (!txn) return
    txn.requestEnded = true
    if (txn.log && txn.request.chunked) txn.log.htxIn += END_OF_TRAILERS
    if (txn.statsForm) return this.applyStatsForm(txn)
    if (txn.local) return this.endTransaction(txn, true)
    if (txn.forwarding) this.sendRequestEnd(txn)
    this.updateFlow()
  }

  onError(error: Http1Error): void {
    const last = this.queue.at(-1)
    if (last && !last.requestEnded) {
      // A broken body: the request cannot be completed.
      if (last === this.queue[0] && !last.response && !last.local) {
        last.conn?.destroy()
        last.conn = undefined
        this.leaveBackend(last)
        this.queue.splice(0)
        this.sendError(error.status)
      } else this.abort('client')
      return
    }
    // A head cut by the client's FIN is answered 400 but logged as the client's doing (CR), as HAProxy does.
    if (this.queue.length === 0) this.sendError(error.status, error.reason === 'truncated head' ? 'CR' : undefined)
    else this.pendingError = error.status
  }

  onTunnelData(chunk: Buffer): void {
    const txn = this.queue[0]
    if (txn?.conn && !txn.conn.closed) txn.conn.write(chunk)
  }

  // ── phase: selectServer ──

  /** The first `use_backend` rule whose condition matches, else the default backend. */
  private chooseBackend(txn: Transaction): BackendRuntime {
    const rules = this.frontend.plan.switching
    if (rules.length === 0) return txn.backend
    const request: AclRequest = txn.l7?.ctx ?? {
      method: txn.request.method,
      target: txn.request.target,
      version: txn.request.version,
      headers: txn.request.headers,
      src: this.ip,
      dstPort: this.client.localPort ?? 0,
      ssl: (this.client as {encrypted?: boolean}).encrypted === true,
      nbsrv: (name) => usableServers(this.backends.find((b) => b.name === name)),
    }
    for (const rule of rules) {
      if (!rule.condition.matches(request)) continue
      const name = rule.dynamic ? rule.dynamic(request) : rule.backend
      const chosen = this.backends.find((b) => b.name === name)
      if (chosen) return chosen
      // A dynamic name no backend has ends the rules, as in HAProxy.
      if (rule.dynamic) break
    }
    return txn.backend
  }

  private factsFn: (() => ConnectionFacts) | undefined = undefined

  /** What rules and fetches know about the connection (made on first use: only rules ask). */
  private get facts(): () => ConnectionFacts {
    return (this.factsFn ??= () => ({
      src: this.ip,
      srcPort: this.client.remotePort ?? 0,
      dstPort: this.client.localPort ?? 0,
      ssl: (this.client as {encrypted?: boolean}).encrypted === true,
      nbsrv: (name) => usableServers(this.backends.find((b) => b.name === name)),
    }))
  }

  /** One proxy's http-request rules (with monitor-uri and captures for the frontend) or redirects; true when they answered. */
  private answerRules(txn: Transaction, rules: NonNullable<FrontendRuntime['plan']['rules']>, stage: 'rules' | 'redirects'): boolean {
    const outcome = requestRules(txn.l7!, rules, txn.request, this.facts, stage, rules === this.frontend.plan.rules)
    if (!outcome || outcome.kind === 'allow') return false
    if (outcome.kind === 'service') return this.answerStats(txn, prometheusAnswer(txn.request, this.statSource(), this.settings.connection === 'close' || this.clientEnded || !txn.request.keepAlive))
    if (outcome.kind === 'error' && outcome.delayMs) {
      // tarpit: the request is held (the client is not read), then answered; logged PT with the time held in Tw.
      setTimeout(() => {
        if (this.finished || txn.done) return
        if (txn.log) {
          txn.log.tarpitEndMs = Date.now()
          txn.log.fail('P', 'T')
        }
        this.answerLocal(txn, outcome)
      }, outcome.delayMs)
      return true
    }
    this.answerLocal(txn, outcome.kind === 'monitor' ? {kind: 'reply', reply: outcome.reply} : outcome)
    return true
  }

  /** Answers the request with a reply of the engine's own (deny, auth, redirect, return, no backend). */
  private answerLocal(txn: Transaction, outcome: Parameters<typeof replyFor>[0]): void {
    const lists = [txn.l7?.backendChosen ? txn.backend.plan.rules : undefined, this.frontend.plan.rules]
    const own = replyFor(outcome, lists)
    const reply: LocalReply = txn.l7 ? afterLocalReply(txn.l7, own, txn.request, this.facts, lists[0] === lists[1] ? [lists[1]] : lists) : own
    const {data, close} = renderReply(reply, txn.request, this.settings.connection === 'close' || this.clientEnded)
    txn.local = true
    txn.localLabel = '<NOSRV>'
    if (txn.log) {
      txn.log.out(htxMessageSize(data))
      txn.log.status = reply.status
      txn.log.fail(outcome.kind === 'error' && reply.status !== 401 && reply.status !== 503 ? 'P' : 'L', 'R')
    }
    this.frontend.http.count(reply.status)
    this.write(data)
    txn.framing = {chunked: false, close}
    // A request body is read and dropped, as HAProxy drains it to keep the connection.
    if (txn.requestEnded || close) this.endTransaction(txn, true)
    else {
      txn.forwarding = true
      this.updateFlow()
    }
  }

  /** The stats page, answered before backend selection when the request is for its URI (as HAProxy does). */
  private answerStats(txn: Transaction, answer = this.stats?.answer(txn.request, this.statSource, this.settings.connection === 'close' || this.clientEnded, () => this.statsAdmin(txn))): boolean {
    if (!answer) return false
    txn.local = true
    if (answer.form) {
      if (txn.log) txn.log.fail('L', 'R')
      txn.statsForm = {reply: answer.form, chunks: [], size: 0}
      if (txn.requestEnded) this.applyStatsForm(txn)
      else {
        txn.forwarding = true
        this.updateFlow()
      }
      return true
    }
    if (txn.log) {
      txn.log.status = answer.status
      txn.log.fail('L', 'R')
      txn.log.out(htxMessageSize(answer.data))
    }
    this.frontend.http.count(answer.status)
    this.write(answer.data)
    txn.framing = {chunked: false, close: answer.close}
    // A request body (POST) is read and dropped; the transaction ends with the request.
    if (txn.requestEnded) this.endTransaction(txn, true)
    else {
      txn.forwarding = true
      this.updateFlow()
    }
    return true
  }

  /** `stats admin if <cond>` for this request. */
  private statsAdmin(txn: Transaction): boolean {
    const condition = this.stats?.plan.admin
    if (!condition) return false
    const request = txn.request
    return condition.matches({method: request.method, target: request.target, version: request.version, headers: request.headers, src: this.ip, dstPort: this.client.localPort ?? 0, ssl: (this.client as {encrypted?: boolean}).encrypted === true, nbsrv: (name) => usableServers(this.backends.find((b) => b.name === name))})
  }

  /** The admin form arrived whole (or too large): apply it and send the browser back to the page. */
  private applyStatsForm(txn: Transaction): void {
    const form = txn.statsForm!
    txn.statsForm = undefined
    const answer = form.reply(form.size > MAX_FORM_BYTES ? undefined : Buffer.concat(form.chunks))
    if (txn.log) {
      txn.log.status = answer.status
      txn.log.out(htxMessageSize(answer.data))
    }
    this.frontend.http.count(answer.status)
    this.write(answer.data)
    txn.framing = {chunked: false, close: answer.close}
    this.endTransaction(txn, true)
  }

  private serve(txn: Transaction): void {
    if (txn.log) txn.log.outStart = this.client.bytesWritten
    // HAProxy's order: monitor-uri, the frontend's http-request rules, the stats page, its redirects,
    // use_backend, then the backend's http-request rules and redirects.
    const feRules = this.frontend.plan.rules
    if (txn.l7 && feRules && this.answerRules(txn, feRules, 'rules')) return
    if (this.stats && this.answerStats(txn)) return
    if (txn.l7 && feRules && this.answerRules(txn, feRules, 'redirects')) return
    const backend = (txn.backend = this.lastBackend = this.chooseBackend(txn))
    if (txn.l7) {
      txn.l7.backendChosen = true
      if (this.context.placeholder && backend === this.backend) {
        // HAProxy logs it as a stream that found no server: SC--, <NOSRV>, and no request time.
        if (txn.log) {
          txn.log.fail('S', 'C')
          txn.log.headMs = -1
        }
        return this.answerLocal(txn, {kind: 'error', status: 503})
      }
      const beRules = backend.plan.rules
      if (beRules && beRules !== feRules && (this.answerRules(txn, beRules, 'rules') || this.answerRules(txn, beRules, 'redirects'))) return
    }
    txn.inBackend = true
    this.avoid = undefined
    const counters = backend.counters
    counters.stot++
    counters.scur++
    if (counters.scur > counters.smax) counters.smax = counters.scur
    counters.lastSession = backend.clock.now()
    backend.rate.hit()
    backend.http.reqTot++
    if (txn.l7 && (backend.plan.cookie || backend.plan.rules?.useServer.length)) this.persist(txn)
    this.attempt(txn, 0)
  }

  /** use-server first; the cookie is still read (and stripped) but only picks the server when no rule did. */
  private persist(txn: Transaction): void {
    const backend = txn.backend
    const l7 = txn.l7!
    const pinned = backend.plan.rules?.useServer.length ? useServer(l7, backend.plan.rules, txn.request, backend.servers, this.facts) : undefined
    const cookie = backend.plan.cookie ? cookieServer(l7, backend.plan.cookie, txn.request, backend.servers, this.facts, backend.plan.rules) : undefined
    const persistent = pinned ?? cookie
    if (pinned) l7.direct = true
    if (persistent) {
      backend.take(persistent)
      txn.server = persistent
      if (txn.log) txn.log.server = persistent
    }
  }

  /**
   * One try at a server connection (`attempt` counts the retries). Synchronous when the balancer
   * answers at once and an idle connection is at hand: only a queue wait, a connect or the retry
   * delay go through a promise or a timer.
   */
  private attempt(txn: Transaction, attempt: number): void {
    if (!txn.server) {
      const backend = txn.backend
      const acquired = backend.acquire(this)
      if (acquired instanceof Promise) {
        void acquired.then((server) => {
          if (this.finished || txn.done) {
            if (server) backend.release(server)
          } else if (server) this.picked(txn, server, attempt)
          else this.noServer(txn)
        })
      } else if (acquired) this.picked(txn, acquired, attempt)
      // After the rest of the read: a request without a body has then ended, and its connection stays open.
      else
        queueMicrotask(() => {
          if (!this.finished && !txn.done) this.noServer(txn)
        })
      return
    }
    this.connect(txn, attempt)
  }

  private picked(txn: Transaction, server: ServerRuntime, attempt: number): void {
    txn.server = server
    if (txn.log) {
      txn.log.server = server
      if (txn.log.pickedMs < 0) txn.log.pickedMs = Date.now()
    }
    this.connect(txn, attempt)
  }

  /** The balancer had no server: a usable one existed but the queue timed out (sQ), or none (SC, <NOSRV>). */
  private noServer(txn: Transaction): void {
    const usable = txn.backend.servers.some((s) => s.running && s.weight > 0)
    if (txn.log) txn.log.fail(usable ? 's' : 'S', usable ? 'Q' : 'C')
    this.serverFailed(txn, 503)
  }

  private connect(txn: Transaction, attempt: number): void {
    const server = txn.server!
    if (txn.log && txn.log.connectStartMs < 0) txn.log.connectStartMs = Date.now()
    const reused = this.reusable(server, txn.first)
    if (reused) return this.connected(txn, attempt, reused, 'reuse')
    connectServer(server, txn.backend.plan.timeouts.connect, (conn) => {
      if (this.finished || txn.done) conn?.destroy()
      else this.connected(txn, attempt, conn, 'connect')
    })
  }

  private connected(txn: Transaction, attempt: number, conn: ServerConn | undefined, counter: 'reuse' | 'connect'): void {
    const backend = txn.backend
    const server = txn.server!
    if (conn) {
      txn.conn = conn
      if (txn.log) txn.log.connectedMs = Date.now()
      if (counter === 'reuse') {
        server.counters.reuse++
        backend.counters.reuse++
      } else {
        server.counters.connect++
        backend.counters.connect++
      }
      return this.forwardRequest(txn)
    }
    server.counters.econ++
    backend.counters.econ++
    if (txn.log) txn.log.retries = attempt
    if (attempt >= backend.plan.retries) {
      txn.log?.fail('S', 'C')
      return this.serverFailed(txn, 503)
    }
    server.counters.wretr++
    backend.counters.wretr++
    if (backend.plan.redispatch && attempt + 1 === backend.plan.retries) {
      server.counters.wredis++
      backend.counters.wredis++
      this.avoid = server
      if (txn.log) txn.log.redispatched = true
      // Persistence is broken: the server that answers gets a new cookie.
      if (txn.l7) txn.l7.direct = false
      this.releaseServer(txn)
      return this.attempt(txn, attempt + 1)
    }
    setTimeout(() => {
      if (!this.finished && !txn.done) this.attempt(txn, attempt + 1)
    }, TURN_AROUND_MS)
  }

  /** This session's idle connection to the server, else (after the first request) one from the pool. */
  private reusable(server: ServerRuntime, first: boolean): ServerConn | undefined {
    if (this.settings.connection !== 'keep-alive') return undefined
    const owned = this.owned
    for (let i = 0; i < owned.length; i++) {
      const own = owned[i]!
      if (own.server !== server) continue
      owned.splice(i, 1)
      if (!own.closed) return own
      break
    }
    return first ? undefined : takeIdle(server)
  }

  private keepIdle(conn: ServerConn): void {
    const owned = this.owned
    let i = 0
    while (i < owned.length && owned[i]!.server !== conn.server) i++
    const previous = owned[i]
    if (previous && previous !== conn) releaseIdle(previous)
    owned[i] = conn
    conn.park()
  }

  // ── phase: forwardRequest ──

  private forwardRequest(txn: Transaction): void {
    const conn = txn.conn!
    conn.attach(txn, txn.backend.plan.timeouts.server)
    conn.parser.expect(txn.request.method)
    const serverKeepAlive = this.settings.connection === 'keep-alive'
    conn.write(serverRequestHead(txn.request, serverKeepAlive, this.forwardedFor ? this.ip : '', this.forwardedFor, txn.l7?.ctx?.edited ? txn.l7.ctx : undefined))
    txn.forwarding = true
    const pending = txn.pending
    if (pending) {
      txn.pending = undefined
      for (const chunk of pending) this.sendBody(txn, chunk)
    }
    if (txn.requestEnded) this.sendRequestEnd(txn)
    this.updateFlow()
  }

  serverDrained(): void {
    this.updateFlow()
  }

  private sendBody(txn: Transaction, chunk: Buffer): void {
    const conn = txn.conn
    if (!conn || conn.socket.destroyed || chunk.length === 0) return
    if (txn.request.chunked) for (const part of encodeChunk(chunk)) conn.write(part)
    else conn.write(chunk)
  }

  private sendRequestEnd(txn: Transaction): void {
    const conn = txn.conn
    if (!conn || conn.socket.destroyed || !txn.request.chunked) return
    conn.write(txn.trailers ? encodeLastChunk(HeaderList.fromRaw(txn.trailers), LOWER) : LAST_CHUNK)
    txn.trailers = undefined
  }

  // ── phase: forwardResponse ──

  responseHead(txn: Transaction, head: ResponseHead): void {
    if (txn !== this.queue[0] || txn.done) return
    if (head.status < 200 && head.status !== 101) {
      // Interim responses (100 Continue...) go through as they are.
      this.write(clientResponseHead(head, txn.request, {chunked: false, close: false}))
      txn.log?.out(htxResponseHeadSize(head))
      return
    }
    if (txn.l7) {
      const fe = this.frontend.plan.rules
      const be = txn.backend.plan.rules
      const cookie = txn.backend.plan.cookie && txn.server ? {plan: txn.backend.plan.cookie, server: txn.server.cookie} : undefined
      const edit = responseRules(txn.l7, head, txn.request, this.facts, [be, be === fe ? undefined : fe], fe, cookie)
      if (edit && 'deny' in edit) {
        // `http-response deny`: the server's answer is dropped, the client gets the error page (502 by default).
        txn.conn?.destroy()
        txn.conn = undefined
        if (edit.deny && edit.deny.kind !== 'allow' && edit.deny.kind !== 'service') this.answerLocal(txn, edit.deny)
        return
      }
      txn.edit = edit
    }
    txn.response = head
    if (txn.log) {
      txn.log.respondedMs = Date.now()
      txn.log.status = head.status
      // HAProxy counts the server's head as it arrived, before http-response rules.
      txn.log.out(htxResponseHeadSize(head))
    }
    const wantKeepAlive = txn.request.keepAlive && this.settings.connection !== 'close' && !this.clientEnded
    txn.framing = clientFraming(head, txn.request, wantKeepAlive)
    txn.trailers = undefined
    this.write(clientResponseHead(head, txn.request, txn.framing, txn.edit))
    this.frontend.http.count(head.status)
    txn.backend.http.count(head.status)
    if (txn.server) txn.server.http.count(head.status)
    if (head.status === 101) {
      txn.tunnel = true
      this.clearTimer()
      this.setClientTimeout(0)
      this.parser.upgradeAccepted()
      this.client.resume()
    }
  }

  responseBody(txn: Transaction, chunk: Buffer): void {
    if (txn !== this.queue[0] || txn.done || chunk.length === 0) return
    txn.log?.out(chunk.length)
    if (txn.framing?.chunked) for (const part of encodeChunk(chunk)) this.write(part)
    else this.write(chunk)
    if (this.clientBlocked) txn.conn?.socket.pause()
  }

  responseEnd(txn: Transaction): void {
    if (txn !== this.queue[0] || txn.done || !txn.response) return
    if (txn.log && txn.response.chunked) txn.log.out(END_OF_TRAILERS + (txn.trailers ? htxHeadersSize(txn.trailers) : 0))
    if (txn.framing?.chunked) this.write(txn.trailers ? encodeLastChunk(HeaderList.fromRaw(txn.trailers), LOWER) : LAST_CHUNK)
    txn.responseEnded = true
    this.endTransaction(txn, !txn.response.keepAlive || !txn.requestEnded)
  }

  holdWrites(): void {
    this.holding = true
  }

  /** What one server read produced: one buffer (copied together when small) in one write, no cork, no tick. */
  flushWrites(): void {
    this.holding = false
    this.flushHeld()
  }

  private flushHeld(): void {
    const held = this.held
    if (held.length === 0) return
    const bytes = this.heldBytes
    this.heldBytes = 0
    if (this.client.destroyed) {
      held.length = 0
      return
    }
    if (held.length === 1 || bytes <= 16 * 1024) {
      const one = held.length === 1 ? held[0]! : Buffer.concat(held, bytes)
      // The array is kept for the next read (emptied before sending: nothing sent here is written back into it).
      held.length = 0
      return this.send(one)
    }
    this.held = []
    this.client.cork()
    for (const data of held) this.send(data)
    this.client.uncork()
  }

  write(data: Buffer): void {
    if (this.client.destroyed) return
    if (this.holding) {
      this.held.push(data)
      this.heldBytes += data.length
      return
    }
    // Writes of one tick (response head, body, chunk framing) leave in one writev: one syscall per response.
    if (!this.corked) {
      this.corked = true
      this.client.cork()
      process.nextTick(
        (this.uncorkFn ??= () => {
          this.corked = false
          this.client.uncork()
        }),
      )
    }
    this.send(data)
  }

  private send(data: Buffer): void {
    if (this.clientTimeoutMs > 0) this.clientTimer.set(this.clientTimeoutMs)
    if (!this.client.write(data)) {
      this.clientBlocked = true
      if (!this.drainListened) {
        this.drainListened = true
        this.client.on('drain', () => this.clientDrained())
      }
      this.updateFlow()
    }
  }

  private clientDrained(): void {
    this.clientBlocked = false
    if (this.clientTimeoutMs > 0) this.clientTimer.set(this.clientTimeoutMs)
    for (const t of this.queue) t.conn?.socket.resume()
    this.updateFlow()
  }

  // ── errors on the server side ──

  /** No server (503), bad response (502), timeout (504): answered if nothing was sent yet, else the client is cut. */
  serverFailed(txn: Transaction, status: number): void {
    if (txn !== this.queue[0] || txn.done) return
    if (txn.log) {
      txn.log.fail('S', txn.response ? 'D' : 'H')
      if (!txn.response) txn.log.status = status
    }
    if (status === 502) {
      txn.backend.counters.eresp++
      if (txn.server) txn.server.counters.eresp++
    }
    if (txn.response) {
      this.abort('server')
      return
    }
    txn.conn?.destroy()
    txn.conn = undefined
    this.frontend.http.count(status)
    txn.backend.http.count(status)
    // The rest of an unread request body would be taken for the next request.
    const close = !txn.requestEnded || !txn.request.keepAlive || this.settings.connection === 'close' || this.clientEnded || errorCloses(status)
    // The backend's errorfile for the status, else the frontend's, else HAProxy's own page; `connection: close` when closing.
    const page = errorReply(status, [txn.backend.plan.rules?.errors, this.frontend.plan.rules?.errors])
    const lists = txn.backend.plan.rules === this.frontend.plan.rules ? [this.frontend.plan.rules] : [txn.backend.plan.rules, this.frontend.plan.rules]
    const {data} = renderReply(txn.l7 ? afterLocalReply(txn.l7, page, txn.request, this.facts, lists) : page, txn.request, close)
    txn.log?.out(htxMessageSize(data))
    this.write(data)
    txn.framing = {chunked: false, close}
    this.endTransaction(txn, true)
  }

  serverGone(txn: Transaction, reason: 'closed' | 'error' | 'timeout'): void {
    if (txn !== this.queue[0] || txn.done) return
    txn.log?.fail(reason === 'timeout' ? 's' : 'S', txn.response ? 'D' : 'H')
    if (txn.tunnel) return this.close()
    if (reason === 'timeout') {
      txn.backend.counters.srvAbrt++
      if (txn.server) txn.server.counters.srvAbrt++
      return this.serverFailed(txn, 504)
    }
    this.serverFailed(txn, 502)
  }

  // ── phase: endTransaction ──

  private endTransaction(txn: Transaction, closeServer: boolean): void {
    txn.done = true
    const conn = txn.conn
    txn.conn = undefined
    if (conn) {
      conn.socket.resume()
      if (closeServer || this.settings.connection !== 'keep-alive' || conn.closed) conn.destroy()
      // The client leaves after this response: the connection goes to the server's pool now, not parked here first.
      else if (txn.framing?.close || (this.clientEnded && this.queue.length === 1)) releaseIdle(conn)
      else this.keepIdle(conn)
    }
    this.leaveBackend(txn)
    if (txn.log) {
      // The log counts the bytes sent (client.bytesWritten): none may still be held.
      this.flushHeld()
      this.endLog(txn)
    }
    this.queue.shift()
    if (txn.request.upgrade || txn.request.method === 'CONNECT') this.parser.upgradeRefused()
    if (txn.framing?.close || (this.clientEnded && this.queue.length === 0)) {
      this.close()
      return
    }
    if (this.queue.length === 0 && this.pendingError !== undefined) {
      this.sendError(this.pendingError)
      return
    }
    const next = this.queue[0]
    if (next) void this.serve(next)
    else this.armTimer(this.started ? this.settings.timeouts.httpRequest : this.settings.timeouts.keepAlive, this.started)
    this.updateFlow()
  }

  private releaseServer(txn: Transaction): void {
    if (!txn.server) return
    txn.backend.release(txn.server)
    txn.server = undefined
  }

  private leaveBackend(txn: Transaction): void {
    this.releaseServer(txn)
    if (txn.inBackend) txn.backend.counters.scur--
    txn.inBackend = false
  }

  // ── flow control and timers ──

  /** Reads from the client only while the request being served can take its bytes. */
  private updateFlow(): void {
    if (this.finished || this.closing) return
    const txn = this.queue[0]
    const readable =
      !this.clientBlocked &&
      (txn === undefined || txn.tunnel || (this.queue.length === 1 && !txn.requestEnded && txn.forwarding && !txn.conn?.socket.writableNeedDrain))
    // Paused only once bytes come while unwanted (one read at most is taken in): a keep-alive client
    // sends its next request after the response, so most requests cost no pause/resume pair.
    this.wantRead = readable
    if (readable && this.client.isPaused()) this.client.resume()
    // `timeout client` runs while the client is expected to send or to take data.
    const receiving = txn !== undefined && !txn.requestEnded
    this.setClientTimeout(!txn?.tunnel && (receiving || this.clientBlocked) ? this.settings.timeouts.client : 0)
  }

  private setClientTimeout(ms: number): void {
    if (ms === this.clientTimeoutMs) return
    this.clientTimeoutMs = ms
    this.clientTimer.set(ms)
  }

  private clientTimedOut(): void {
    if (this.finished) return
    if (this.closing) {
      this.client.destroy()
      return
    }
    const log = this.queue[0]?.log
    log?.fail('c', log.phase())
    this.abort('client')
  }

  /** The request-head timer: 408 when a request was started (or it is the first one), a silent close when idle. */
  private armTimer(ms: number, answer: boolean): void {
    this.timerAnswers = answer
    this.requestTimer.set(ms)
  }

  private clearTimer(): void {
    this.requestTimer.set(0)
  }

  private requestTimedOut(): void {
    if (this.queue.length > 0 || this.finished || this.closing) return
    if (this.timerAnswers || this.started) {
      if (this.frontend.logger) this.logError('cR', 408)
      this.write(errorResponse(408))
      this.close()
    } else this.close()
  }

  private sendError(status: number, state = status === 408 ? 'cR' : 'PR'): void {
    if (this.frontend.logger) this.logError(state, status)
    this.write(errorResponse(status))
    this.close()
  }

  // ── logging (only when the frontend has a logger) ──

  private startLog(txn: Transaction): void {
    void this.client.remoteAddress
    const now = Date.now()
    const log = (txn.log = new StreamLog(this.streamStart || now, this.requestStart || now))
    this.requestStart = 0
    log.headMs = now
    log.inStart = this.client.bytesRead
    log.method = txn.request.method
    log.uri = txn.request.target
    log.version = txn.request.version
    log.htxIn = htxHeadSize(log.method.length + log.uri.length + log.version.length, txn.request.headers)
  }

  private endLog(txn: Transaction): void {
    const logger = this.frontend.logger
    if (!logger || !txn.log) return
    const captures = txn.captures
    if (captures) {
      txn.log.requestCaptures = captures.request
      txn.log.responseCaptures = captures.response
    }
    logStream(logger, txn.log, this.client, {frontend: this.frontend, backend: txn.local && !txn.l7?.backendChosen ? undefined : txn.backend, server: txn.server, ...(txn.local ? {serverLabel: txn.localLabel} : {})})
    this.streamStart = Date.now()
  }

  /** A request that never parsed (`<BADREQ>`): bad syntax, timeout, or the client leaving. Logged once per connection. */
  private logError(state: string, status: number): void {
    const logger = this.frontend.logger
    if (!logger || this.errorLogged) return
    this.errorLogged = true
    const now = Date.now()
    const log = new StreamLog(this.streamStart || now, this.requestStart || this.streamStart || now)
    log.status = status
    log.state = state
    // Nothing reached the stream: HAProxy counts 0 both ways (its error page bypasses the count).
    log.htxIn = 0
    log.htxOut = 0
    logStream(logger, log, this.client, {frontend: this.frontend, backend: undefined, server: undefined}, now)
  }

  // ── ending ──

  /** Graceful: flush what was written, then close. */
  private close(): void {
    if (this.closing) return
    this.flushWrites()
    this.closing = true
    this.requestTimer.stop()
    this.clientTimeoutMs = 0
    // Our FIN, then the socket is destroyed once it is sent: nothing more is read, so a client that keeps
    // its side open does not hold the session.
    this.client.destroySoon()
    // A client that does not take what is left to send is cut after a second (clientTimedOut while closing).
    if (this.client.destroyed) this.clientTimer.stop()
    else this.clientTimer.set(CLOSE_GRACE_MS)
  }

  private abort(side: 'client' | 'server'): void {
    const txn = this.queue[0]
    if (txn && !txn.done) {
      txn.log?.fail(side === 'client' ? 'C' : 'S', txn.log.phase())
      const counters = side === 'client' ? 'cliAbrt' : 'srvAbrt'
      txn.backend.counters[counters]++
      if (txn.server) txn.server.counters[counters]++
    }
    this.client.destroy()
    this.finish()
  }

  private finish(): void {
    if (this.finished) return
    this.finished = true
    this.requestTimer.stop()
    this.clientTimer.stop()
    for (let txn = this.queue.shift(); txn; txn = this.queue.shift()) {
      txn.done = true
      txn.conn?.destroy()
      this.leaveBackend(txn)
      if (txn.log) {
        txn.log.fail('C', txn.log.phase())
        this.endLog(txn)
      }
    }
    // A connection closed before any request (or in the middle of one): HAProxy logs it as `CR` 400.
    if (this.frontend.logger && (this.requests === 0 || this.started) && !(this.requests === 0 && this.client.bytesRead === 0 && this.frontend.logger.plan.dontlognull)) this.logError('CR', 400)
    for (const conn of this.owned) releaseIdle(conn)
    this.owned.length = 0
    this.frontend.counters.bin += this.client.bytesRead
    this.frontend.counters.bout += this.client.bytesWritten
    this.lastBackend.counters.bin += this.client.bytesRead
    this.lastBackend.counters.bout += this.client.bytesWritten
    this.client.destroy()
    this.context.remove(this)
    this.context.hooks.onEnd()
  }
}

/** A server's response head as HTX (status as its three digits). */
function htxResponseHeadSize(head: ResponseHead): number {
  return htxHeadSize(head.version.length + 3 + head.reason.length, head.headers)
}

/** `nbsrv(BACKEND)`: active usable servers, else 1 for the first backup (or every backup with allbackups). */
function usableServers(backend: BackendRuntime | undefined): number {
  if (!backend) return 0
  const active = backend.activeUp()
  if (active > 0) return active
  const backups = backend.backupUp()
  return backend.plan.allBackups ? backups : Math.min(backups, 1)
}
