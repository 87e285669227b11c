/** Outgoing TCP connections: raw handles to IP literals, node:net for names that need a lookup. */
import {connect as netConnect, isIP} from 'node:net'
import {type ConnectReq, TCP, TCPConnectWrap, tcpConstants, uvError} from './binding.js'
import {RawSocket} from './raw-socket.js'
import type {ProxySocket} from './types.js'

/**
 * Connects to an IPv4 or IPv6 literal; rejects with net's error (`connect ECONNREFUSED 127.0.0.1:80`,
 * code ECONNREFUSED) or, after `timeoutMs` (0: none), with ETIMEDOUT. The socket comes paused.
 */
export function rawConnect(host: string, port: number, timeoutMs: number): Promise<RawSocket> {
  return new Promise((resolve, reject) => {
    const family = isIP(host)
    if (family === 0) return reject(new Error(`connect: ${host} is not an IP address`))
    const handle = new TCP(tcpConstants.SOCKET)
    const req: ConnectReq = new TCPConnectWrap()
    let timer: ReturnType<typeof setTimeout> | undefined
    let settled = false
    const fail = (error: Error) => {
      settled = true
      if (timer) clearTimeout(timer)
      handle.close()
      reject(error)
    }
    req.oncomplete = (status: number) => {
      if (settled) return
      if (status < 0) return fail(uvError(status, 'connect', host, port))
      settled = true
      if (timer) clearTimeout(timer)
      resolve(new RawSocket(handle))
    }
    const error = family === 6 ? handle.connect6(req, host, port) : handle.connect(req, host, port)
    if (error !== 0) return fail(uvError(error, 'connect', host, port))
    if (timeoutMs > 0) timer = setTimeout(() => fail(Object.assign(new Error(`connect ETIMEDOUT ${host}:${port}`), {code: 'ETIMEDOUT', syscall: 'connect'})), timeoutMs)
  })
}

/** A connection to a server: raw for an IP literal, node:net (with its DNS lookup) for a name. Comes paused. */
export function connectTcp(host: string, port: number, timeoutMs: number): Promise<ProxySocket> {
  if (isIP(host) !== 0) return rawConnect(host, port, timeoutMs)
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
