/** Outgoing TCP connections: raw handles to IP literals, node:net for names that need a lookup. */
import {connect as netConnect, isIP} from 'node:net'
import {type ConnectReq, TCP, TCPConnectWrap, tcpConstants, uvError} from './binding.js'
import {RawSocket} from './raw-socket.js'
import {Deadline} from '../timers/deadline.js'
import {atEndOfTurn, type EndOfTurn} from './turn.js'
import type {ProxySocket} from './types.js'

/** How a connect ends: the socket, or net's error (`connect ECONNREFUSED 127.0.0.1:80`, ETIMEDOUT). */
export type ConnectDone = (error: Error | undefined, socket: RawSocket | undefined) => void

export interface RawConnectOptions {
  /** `timeout connect` (0: none): ETIMEDOUT after this long. */
  timeoutMs: number
  /** 4 or 6 when known (isIP(host) otherwise). */
  family?: number
  /**
   * The socket comes reading (resumed): the read is asked for with the connect, so the poller learns both in
   * one epoll_ctl. Otherwise it comes paused. Its 'data' listeners must be added in `done`.
   */
  reading?: boolean
}

/**
 * Connects to an IPv4 or IPv6 literal; `done` is called once, with the socket or net's error, without a
 * promise or a timer per connect (the timeout is a deadline in its queue). The connect(2) itself waits for
 * the end of the event-loop turn (turn.ts): the connects of a burst then wake the server once.
 */
export function rawConnectThen(host: string, port: number, options: RawConnectOptions, done: ConnectDone): void {
  const family = options.family ?? isIP(host)
  if (family !== 4 && family !== 6) return done(new Error(`connect: ${host} is not an IP address`), undefined)
  atEndOfTurn(new PendingConnect(host, port, family, options.timeoutMs, options.reading === true, done))
}

/** rawConnectThen as a promise; the socket comes paused. */
export function rawConnect(host: string, port: number, timeoutMs: number, family = isIP(host)): Promise<RawSocket> {
  return new Promise((resolve, reject) => rawConnectThen(host, port, {timeoutMs, family}, (error, socket) => (socket ? resolve(socket) : reject(error))))
}

class PendingConnect implements EndOfTurn {
  private readonly handle = new TCP(tcpConstants.SOCKET)
  private readonly deadline: Deadline | undefined
  private settled = false

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly family: 4 | 6,
    timeoutMs: number,
    private readonly reading: boolean,
    private readonly done: ConnectDone,
  ) {
    if (timeoutMs > 0) {
      this.deadline = new Deadline(() => this.timedOut())
      this.deadline.set(timeoutMs)
    }
  }

  endOfTurn(): void {
    if (this.settled) return
    const req: ConnectReq & {owner?: PendingConnect} = new TCPConnectWrap()
    req.oncomplete = connectDone
    req.owner = this
    const error = this.family === 6 ? this.handle.connect6(req, this.host, this.port) : this.handle.connect(req, this.host, this.port)
    if (error !== 0) return this.fail(uvError(error, 'connect', this.host, this.port))
    // Asked for now, while connecting, the read joins the connect's registration with the poller: libuv would
    // otherwise drop the socket's interest once connected and register it again (two more epoll_ctl calls).
    if (this.reading) {
      this.socket = new RawSocket(this.handle).resume()
      if (this.socket.destroyed) this.fail(new Error(`connect: cannot read from ${this.host}:${this.port}`))
    }
  }

  private socket: RawSocket | undefined

  connected(status: number): void {
    if (this.settled) return
    if (status < 0) return this.fail(uvError(status, 'connect', this.host, this.port))
    this.settled = true
    this.deadline?.stop()
    this.done(undefined, this.socket ?? new RawSocket(this.handle))
  }

  fail(error: Error): void {
    this.settled = true
    this.deadline?.stop()
    if (this.socket) this.socket.destroy()
    else this.handle.close()
    this.done(error, undefined)
  }

  timedOut(): void {
    if (this.settled) return
    this.fail(Object.assign(new Error(`connect ETIMEDOUT ${this.host}:${this.port}`), {code: 'ETIMEDOUT', syscall: 'connect'}))
  }
}

function connectDone(this: ConnectReq & {owner?: PendingConnect}, status: number): void {
  this.owner!.connected(status)
}

/**
 * A connection to a server: raw for an IP literal, node:net (with its DNS lookup) for a name; `done` once with
 * the socket or the error. A raw socket comes reading when `options.reading`, any other paused.
 */
export function connectTcpThen(host: string, port: number, options: RawConnectOptions, done: (error: Error | undefined, socket: ProxySocket | undefined) => void): void {
  const family = options.family ?? isIP(host)
  if (family !== 0) return rawConnectThen(host, port, {...options, family}, done)
  const {timeoutMs} = options
  const socket = netConnect({host, port, allowHalfOpen: true})
  socket.pause()
  let timer: ReturnType<typeof setTimeout> | undefined
  const finish = (error?: Error) => {
    if (timer) clearTimeout(timer)
    socket.removeAllListeners('connect')
    socket.removeAllListeners('error')
    if (!error) return done(undefined, socket)
    socket.on('error', () => {})
    socket.destroy()
    done(error, undefined)
  }
  if (timeoutMs > 0) timer = setTimeout(() => finish(Object.assign(new Error(`connect ETIMEDOUT ${host}:${port}`), {code: 'ETIMEDOUT', syscall: 'connect'})), timeoutMs)
  socket.once('connect', () => finish())
  socket.once('error', (error) => finish(error))
}

/** connectTcpThen as a promise; the socket comes paused. `family`: 4 or 6 when known, 0 for a name. */
export function connectTcp(host: string, port: number, timeoutMs: number, family?: number): Promise<ProxySocket> {
  return new Promise((resolve, reject) => connectTcpThen(host, port, {timeoutMs, family}, (error, socket) => (socket ? resolve(socket) : reject(error))))
}
