/**
 * One proxy's logger: filters by each target's levels and sampling, frames the message for the
 * target's format and hands it to the shared sink. Traffic lines go out at level `info`, as in HAProxy.
 */
import {performance} from 'node:perf_hooks'
import {frame, type FrameContext} from './frame.js'
import type {LogPlan} from './plan.js'
import type {LogRecord} from './record.js'
import type {LogSinks} from './sinks.js'
import {LEVELS, type Level} from './target.js'

const INFO = 6
const ERR = 3

/** Process-wide request counter (%rt). */
let requests = 0

export class ProxyLogger {
  private readonly context: FrameContext
  private readonly samples: number[]

  constructor(
    readonly plan: LogPlan,
    private readonly sinks: LogSinks,
    /** Engine-wide current connections (%ac). */
    readonly actconn: () => number,
    /** Every traffic line, after it was sent (the `show events` stream). */
    private readonly onLine?: (line: string) => void,
  ) {
    this.context = {tag: plan.tag, pid: process.pid, ...(plan.hostname ? {hostname: plan.hostname} : {})}
    this.samples = plan.targets.map(() => 0)
  }

  /** The next request number (%rt), from 0 as HAProxy's stream ids. */
  nextRequest(): number {
    return requests++
  }

  /** Sends one message at `level` to every target that takes it. */
  send(level: Level | number, message: string): void {
    const severity = typeof level === 'number' ? level : LEVELS.indexOf(level)
    const micros = (performance.timeOrigin + performance.now()) * 1000
    this.plan.targets.forEach((target, i) => {
      if (severity > target.maxLevel) return
      if (target.sample) {
        const n = (this.samples[i] = ((this.samples[i] ?? 0) % target.sample.size) + 1)
        if (!target.sample.ranges.some(([a, b]) => n >= a && n <= b)) return
      }
      const shown = Math.max(severity, target.minLevel)
      this.sinks.get(target.address).send(frame(target.format, target.facility, shown, message, this.context, micros, target.maxLength))
    })
  }

  /** The traffic line of one stream (httplog, tcplog or log-format). */
  traffic(record: LogRecord): void {
    const line = this.plan.line
    if (!line) return
    const text = line.render(record)
    // HAProxy's rule for `option log-separate-errors`: a 5xx status, an abnormal end or a retry is an error.
    this.send(this.plan.separateErrors && (record.status >= 500 || record.state !== '--' || record.retries > 0) ? ERR : INFO, text)
    this.onLine?.(text)
  }

  /** HAProxy's line when no log format is set: `Connect from 127.0.0.1:35390 to 127.0.0.1:25580 (fe/HTTP)`. */
  connect(clientIp: string, clientPort: number, localIp: string, localPort: number, frontend: string, mode: 'http' | 'tcp'): void {
    if (this.plan.line) return
    const plain = (ip: string) => (ip.startsWith('::ffff:') ? ip.slice(7) : ip)
    const text = `Connect from ${plain(clientIp)}:${clientPort} to ${plain(localIp)}:${localPort} (${frontend}/${mode.toUpperCase()})`
    this.send(INFO, text)
    this.onLine?.(text)
  }
}
