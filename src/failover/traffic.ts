/**
 * Fixed-rate HTTP requests to the VIP, each recorded (start, end, outcome, `x-served-by`, `x-lb-node`). A new
 * connection per request by default (what a fresh client sees during failover); `keepalive` reuses
 * connections. Bounded: per-request timeout, at most `maxRequests`, at most `maxInFlight` at once.
 */
import {Agent, get} from 'node:http'
import type {RequestRecord} from './records.js'

export interface TrafficOptions {
  url: string
  /** Requests per second. */
  rate: number
  keepalive?: boolean
  timeoutMs?: number
  /** Stop sending after this many (the run ends early rather than growing without bound). */
  maxRequests?: number
  maxInFlight?: number
  now?: () => number
  /** Called with each record as it completes (the lab's client streams them to lbctl). */
  onRecord?: (record: RequestRecord) => void
}

export interface Traffic {
  readonly records: readonly RequestRecord[]
  /** Stops sending, waits for the requests in flight (each bounded by its timeout), returns every record. */
  stop(): Promise<RequestRecord[]>
}

export function startTraffic(options: TrafficOptions): Traffic {
  const now = options.now ?? Date.now
  const timeoutMs = options.timeoutMs ?? 1000
  const maxRequests = options.maxRequests ?? 100_000
  const maxInFlight = options.maxInFlight ?? 256
  const intervalMs = 1000 / options.rate
  const agent = options.keepalive ? new Agent({keepAlive: true, maxSockets: 64}) : undefined
  const records: RequestRecord[] = []
  const inFlight = new Set<Promise<void>>()
  const started = now()
  let sent = 0
  let stopped = false

  const send = () => {
    const start = now()
    const done = new Promise<void>((resolve) => {
      let settled = false
      const finish = (record: Omit<RequestRecord, 'start' | 'end'>) => {
        if (settled) return
        settled = true
        const done: RequestRecord = {start, end: now(), ...record}
        records.push(done)
        options.onRecord?.(done)
        resolve()
      }
      const request = get(options.url, {agent: agent ?? false, timeout: timeoutMs}, (response) => {
        const status = response.statusCode ?? 0
        const servedBy = response.headers['x-served-by']
        const lbNode = response.headers['x-lb-node']
        response.resume()
        response.on('end', () =>
          finish({
            outcome: status >= 200 && status < 400 ? {kind: 'ok', status} : {kind: 'status', status},
            ...(typeof servedBy === 'string' ? {servedBy} : {}),
            ...(typeof lbNode === 'string' ? {lbNode} : {}),
          }),
        )
        response.on('error', (error: NodeJS.ErrnoException) => finish({outcome: {kind: 'error', code: error.code ?? error.message}}))
      })
      // The timeout covers the whole request, not only idle socket time.
      const timer = setTimeout(() => {
        finish({outcome: {kind: 'error', code: 'timeout'}})
        request.destroy()
      }, timeoutMs)
      request.on('timeout', () => request.destroy(Object.assign(new Error('timeout'), {code: 'timeout'})))
      request.on('error', (error: NodeJS.ErrnoException) => finish({outcome: {kind: 'error', code: error.code ?? error.message}}))
      request.on('close', () => clearTimeout(timer))
    })
    inFlight.add(done)
    void done.then(() => {
      inFlight.delete(done)
    })
  }

  // Catch up on every slot that is due, so timer jitter does not lower the rate.
  let timer: ReturnType<typeof setTimeout> | undefined
  const tick = () => {
    if (stopped) return
    const due = Math.floor((now() - started) / intervalMs) + 1
    while (sent < due && sent < maxRequests) {
      sent++
      if (inFlight.size >= maxInFlight) {
        const overload: RequestRecord = {start: now(), end: now(), outcome: {kind: 'error', code: 'client-overload'}}
        records.push(overload)
        options.onRecord?.(overload)
        continue
      }
      send()
    }
    if (sent >= maxRequests) return
    timer = setTimeout(tick, Math.max(1, Math.min(intervalMs, 10)))
  }
  tick()

  return {
    records,
    async stop() {
      stopped = true
      clearTimeout(timer)
      await Promise.all([...inFlight])
      agent?.destroy()
      return [...records].sort((x, y) => x.start - y.start)
    },
  }
}
