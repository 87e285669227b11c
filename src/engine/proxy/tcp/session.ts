/**
 * One mode-tcp session: take a server (waiting in the queue if needed), connect with retries and
 * redispatch, then pipe bytes both ways with backpressure. A FIN is passed on (half-close) and the
 * session ends when both directions are closed, or on an error or a timeout.
 */
import {Deadline} from '../timers/deadline.js'
import type {ProxySocket} from '../io/index.js'
import {connectTo} from '../http/server-conn.js'
import {logStream, StreamLog} from '../log/index.js'
import type {BackendRuntime, FrontendRuntime, ServerRuntime} from '../runtime.js'

/** HAProxy waits this long before retrying the same server after a refused connection. */
const TURN_AROUND_MS = 1000

export interface SessionHooks {
  onEnd(): void
}

export async function runTcpSession(client: ProxySocket, frontend: FrontendRuntime, backend: BackendRuntime, hooks: SessionHooks): Promise<void> {
  let clientClosed = false
  client.on('error', () => {})
  client.once('close', () => (clientClosed = true))
  client.pause()
  // The client's address is read only if the balancer asks (`balance source`) or the session logs.
  const pick = {
    avoid: undefined as ServerRuntime | undefined,
    get clientAddress(): string {
      return client.remoteAddress ?? ''
    },
  }
  const timeouts = backend.plan.timeouts
  let server: ServerRuntime | undefined
  let upstream: ProxySocket | undefined
  // Only when the frontend logs (tcplog): timers and how the session ended.
  const logger = frontend.logger
  const log = logger ? new StreamLog(Date.now(), Date.now()) : undefined
  if (log) {
    log.headMs = log.acceptMs
    // The line is written after the close: the addresses are read (and kept) while the socket is open.
    void client.remoteAddress
    void client.localAddress
  }
  const finish = () => {
    if (server) {
      backend.release(server)
      server.counters.bin += client.bytesRead
      server.counters.bout += client.bytesWritten
    }
    frontend.counters.bin += client.bytesRead
    frontend.counters.bout += client.bytesWritten
    backend.counters.bin += client.bytesRead
    backend.counters.bout += client.bytesWritten
    // Logged like HAProxy: the server and backend slots already released, the frontend's not yet.
    if (logger && log && !(logger.plan.dontlognull && client.bytesRead === 0)) logStream(logger, log, client, {frontend, backend, server})
    hooks.onEnd()
  }
  backend.counters.stot++
  backend.counters.scur++
  backend.counters.smax = Math.max(backend.counters.smax, backend.counters.scur)
  backend.counters.lastSession = backend.clock.now()
  backend.rate.hit()
  try {
    let avoid: ServerRuntime | undefined
    for (let attempt = 0; ; attempt++) {
      if (!server) {
        pick.avoid = avoid
        const queued = backend.acquire(pick)
        const acquired = queued instanceof Promise ? await queued : queued
        if (!acquired || clientClosed) {
          if (acquired) backend.release(acquired)
          log?.fail(clientClosed ? 'C' : 'S', clientClosed ? 'Q' : 'C')
          client.destroy()
          return
        }
        server = acquired
        if (log && log.pickedMs < 0) log.pickedMs = Date.now()
      }
      if (log && log.connectStartMs < 0) log.connectStartMs = Date.now()
      upstream = await tryConnect(server, timeouts.connect)
      if (upstream) {
        if (log) log.connectedMs = log.respondedMs = Date.now()
        server.counters.connect++
        backend.counters.connect++
        break
      }
      server.counters.econ++
      backend.counters.econ++
      if (log) log.retries = attempt
      if (attempt >= backend.plan.retries || clientClosed) {
        log?.fail(clientClosed ? 'C' : 'S', 'C')
        client.destroy()
        return
      }
      server.counters.wretr++
      backend.counters.wretr++
      if (backend.plan.redispatch && attempt + 1 === backend.plan.retries) {
        // The last retry goes to another server (option redispatch).
        server.counters.wredis++
        backend.counters.wredis++
        avoid = server
        if (log) log.redispatched = true
        backend.release(server)
        server = undefined
      } else {
        await new Promise((resolve) => setTimeout(resolve, TURN_AROUND_MS))
      }
    }
    if (!upstream) return
    await pipeBoth(client, upstream, frontend.plan.timeoutClient, timeouts.server, backend, server, log)
  } finally {
    backend.counters.scur--
    finish()
  }
}

function tryConnect(server: ServerRuntime, timeoutMs: number): Promise<ProxySocket | undefined> {
  return connectTo(server, timeoutMs).catch(() => undefined)
}

/**
 * Pipes both ways, each direction pausing its reader while the writer is full and resuming it on 'drain';
 * a FIN is passed on. `timeout client`/`server` run while the side is idle (reads and writes push them back).
 * Resolves when both sockets are closed.
 */
function pipeBoth(client: ProxySocket, server: ProxySocket, clientTimeout: number, serverTimeout: number, backend: BackendRuntime, target: ServerRuntime | undefined, log?: StreamLog): Promise<void> {
  return new Promise((resolve) => {
    const abort = (side: 'client' | 'server') => {
      if (side === 'client') {
        backend.counters.cliAbrt++
        if (target) target.counters.cliAbrt++
      } else {
        backend.counters.srvAbrt++
        if (target) target.counters.srvAbrt++
      }
      client.destroy()
      server.destroy()
    }
    const clientTimer = new Deadline(() => (log?.fail('c', 'D'), abort('client')))
    const serverTimer = new Deadline(() => (log?.fail('s', 'D'), abort('server')))
    let closed = 0
    const onClose = () => {
      if (++closed < 2) return
      clientTimer.stop()
      serverTimer.stop()
      resolve()
    }
    server.on('error', () => (log?.fail('S', 'D'), abort('server')))
    client.on('error', () => (log?.fail('C', 'D'), abort('client')))
    client.on('close', onClose)
    server.on('close', onClose)
    const closeWhenBothEnded = () => {
      if (client.readableEnded && server.readableEnded) {
        client.destroySoon()
        server.destroySoon()
      }
    }
    forward(client, server, clientTimer, clientTimeout, serverTimer, serverTimeout, closeWhenBothEnded)
    forward(server, client, serverTimer, serverTimeout, clientTimer, clientTimeout, closeWhenBothEnded)
    clientTimer.set(clientTimeout)
    serverTimer.set(serverTimeout)
    client.resume()
    server.resume()
  })
}

/** One direction: `from`'s bytes to `to`, with back-pressure; `from`'s FIN ends `to`. */
function forward(from: ProxySocket, to: ProxySocket, fromTimer: Deadline, fromTimeout: number, toTimer: Deadline, toTimeout: number, onEnd: () => void): void {
  from.on('data', (chunk: Buffer) => {
    if (fromTimeout > 0) fromTimer.set(fromTimeout)
    if (toTimeout > 0) toTimer.set(toTimeout)
    if (!to.write(chunk)) from.pause()
  })
  to.on('drain', () => {
    if (toTimeout > 0) toTimer.set(toTimeout)
    from.resume()
  })
  from.on('end', () => {
    to.end()
    onEnd()
  })
}
