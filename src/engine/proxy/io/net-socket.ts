/** A net.Socket over an accepted raw handle, for the connections that need node:net (TLS termination). */
import {Socket} from 'node:net'
import type {TcpHandle} from './binding.js'

/** Paused like a net.Server's `pauseOnConnect` socket: nothing is read before resume(). */
export function netSocketOver(handle: TcpHandle): Socket {
  // `handle` and `pauseOnCreate` are what net.Server passes for each connection it accepts.
  return new Socket({handle, allowHalfOpen: true, pauseOnCreate: true, readable: true, writable: true} as ConstructorParameters<typeof Socket>[0])
}
