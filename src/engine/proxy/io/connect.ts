/** Outgoing TCP connections: raw handles to IP literals, node:net for names that need a lookup. */
import {connect as netConnect, isIP} from 'node:net'
import {type ConnectReq, TCP, TCPConnectWrap, tcpConstants, uvError} from './binding.js'
import {RawSocket} from './raw-socket.js'
import {atEndOfTurn, type EndOfTurn} from './turn.js'
import type {ProxySocket} from './types.js'

/**
 * Connects to an IPv4 or IPv6 literal; rejects with net's error (`connect ECONNREFUSED 127.0.0.1:80`,
 * code ECONNREFUSED) or, after `timeoutMs` (0: none), with ETIMEDOUT. The socket comes paused. The connect(2)
 * itself waits for the end of the event-loop turn (turn.ts): the connects of a burst then wake the server once.
 */
export function rawConnect(host: string, port: number, timeoutMs: number, family = isIP(host)): Promise<RawSocket> {
  return new Promise((resolve, reject) => {
    if (family !== 4 && family !== 6) return reject(new Error(`connect: ${host} is not an IP address`))
    atEndOfTurn(new PendingConnect(host, port, family, timeoutMs, resolve, reject))
  })
}

class PendingConnect implements EndOfTurn {
  private readonly handle = new TCP(tcpConstants.SOCKET)
  private readonly timer: ReturnType<typeof setTimeout> | undefined
  private settled = false

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly family: 4 | 6,
    timeoutMs: number,
    private readonly resolve: (socket: RawSocket) => void,
    private readonly reject: (error: Error) => void,
  ) {
    if (timeoutMs > 0) this.timer = setTimeout(connectTimedOut, timeoutMs, this)
  }

  endOfTurn(): void {
    if (this.settled) return
    const req: ConnectReq & {owner?: PendingConnect} = new TCPConnectWrap()
    req.oncomplete = connectDone
    req.owner = this
    const error = this.family === 6 ? this.handle.connect6(req, this.host, this.port) : this.handle.connect(req, this.host, this.port)
    if (error !== 0) this.fail(uvError(error, 'connect', this.host, this.port))
  }

  done(status: number): void {
    if (this.settled) return
    if (status < 0) return this.fail(uvError(status, 'connect', this.host, this.port))
    this.settled = true
    if (this.timer) clearTimeout(this.timer)
    this.resolve(new RawSocket(this.handle))
  }

  fail(error: Error): void {
    this.settled = true
    if (this.timer) clearTimeout(this.timer)
    this.handle.close()
    this.reject(error)
  }

  timedOut(): void {
    if (this.settled) return
    this.fail(Object.assign(new Error(`connect ETIMEDOUT ${this.host}:${this.port}`), {code: 'ETIMEDOUT', syscall: 'connect'}))
  }
}

function connectDone(this: ConnectReq & {owner?: PendingConnect}, status: number): void {
  this.owner!.done(status)
}

function connectTimedOut(pending: PendingConnect): void {
  pending.timedOut()
}

/** A connection to a server: raw for an IP literal, node:net (with its DNS lookup) for a name. Comes paused. */
export function connectTcp(host: string, port: number, timeoutMs: number): Promise<ProxySocket> {
  const family = isIP(host)
  if (family !== 0) return rawConnect(host, port, timeoutMs, family)
  return new Promise((resolve, reject) => {
    const socket = netConnect({host, port, allowHalfOpen: true})
    socket.pause()
    let timer: ReturnType<typeof setTimeout> | undefined
    const done = (error?: Error) => {
      if (timer) clearTimeout(timer)
      socket.removeAllListeners('connect')
      socket.removeAllListeners('error')
      if (!error) return resolve(socket)
      socket.on('error', () => {})
      socket.destroy()
      reject(error)
    }
    if (timeoutMs > 0) timer = setTimeout(() => done(Object.assign(new Error(`connect ETIMEDOUT ${host}:${port}`), {code: 'ETIMEDOUT', syscall: 'connect'})), timeoutMs)
    socket.once('connect', () => done())
    socket.once('error', (error) => done(error))
  })
}
