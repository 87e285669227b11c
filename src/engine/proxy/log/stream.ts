/**
 * The timers and outcome of one logged stream (an HTTP transaction, or a TCP session), filled in by
 * the session at each phase and turned into a LogRecord at the end. Only created when the frontend
 * has a log target, so a proxy without logging pays nothing.
 *
 * Termination state, first letter (who ended it): `-` normally, `C`/`c` client abort/timeout,
 * `S`/`s` server abort or refusal/timeout, `P` the proxy refused the request, `L` answered locally
 * (stats page). Second letter (the phase): `R` request, `Q` queue, `C` connect, `H` response
 * headers, `D` data, `T` held by `http-request tarpit`, `-` normal end.
 */
import type {LogRecord} from './record.js'
import type {ServerRuntime} from '../runtime.js'

export type Phase = 'R' | 'Q' | 'C' | 'H' | 'D' | 'T'

export class StreamLog {
  /** Epoch ms of the end of the request head. */
  headMs = -1
  /** When the server was picked (after any queueing), connected, and answered. */
  pickedMs = -1
  connectStartMs = -1
  connectedMs = -1
  respondedMs = -1
  /** Epoch ms a `tarpit` released the request, -1 when it was not tarpitted. */
  tarpitEndMs = -1
  /** The server picked last (the session may have released it by the time the line is written). */
  server: ServerRuntime | undefined
  retries = 0
  redispatched = false
  status = -1
  /** `client.bytesWritten` when this stream began answering, and `bytesRead` when it began. */
  outStart = 0
  inStart = 0
  /** HTTP: bytes sent and received as HAProxy counts them (HTX form, see htx-size.ts); -1: count the socket's bytes. */
  htxOut = -1
  htxIn = -1
  state: string | undefined
  logged = false
  method?: string
  uri?: string
  version?: string
  requestCaptures?: readonly (string | undefined)[]
  responseCaptures?: readonly (string | undefined)[]

  constructor(
    /** Epoch ms the stream began (%t). */
    readonly acceptMs: number,
    /** Epoch ms of its first request byte (%tr). */
    readonly requestMs: number,
  ) {}

  /** Ends with `who` in `phase`, unless an earlier cause was already recorded. */
  fail(who: 'C' | 'c' | 'S' | 's' | 'P' | 'L', phase: Phase): void {
    if (this.state === undefined) this.state = `${who}${phase}`
  }

  /** Adds HTX bytes sent to the client. */
  out(bytes: number): void {
    this.htxOut = (this.htxOut < 0 ? 0 : this.htxOut) + bytes
  }

  /** The phase the stream is in now (for an abort). */
  phase(): Phase {
    if (this.headMs < 0) return 'R'
    if (this.pickedMs < 0) return 'Q'
    if (this.connectedMs < 0) return 'C'
    if (this.respondedMs < 0) return 'H'
    return 'D'
  }

  /** The timers as HAProxy computes them: -1 for a step never reached. */
  timers(now: number): Pick<LogRecord, 'Th' | 'Ti' | 'TR' | 'Tw' | 'Tc' | 'Tr' | 'Ta' | 'Tt'> {
    const since = (from: number, to: number) => (from < 0 || to < 0 ? -1 : to - from)
    // A tarpit ends before HAProxy stamps the request as received (TR -1) and stores the time since
    // accept as the queue time; Tw is that minus TR, so one more than the time held since accept.
    const tarpitted = this.tarpitEndMs >= 0
    return {
      Th: 0,
      Ti: this.requestMs - this.acceptMs,
      TR: tarpitted ? -1 : since(this.requestMs, this.headMs),
      Tw: tarpitted ? this.tarpitEndMs - this.acceptMs + 1 : since(this.headMs, this.pickedMs),
      Tc: since(this.connectStartMs, this.connectedMs),
      Tr: since(this.connectedMs, this.respondedMs),
      Ta: now - this.requestMs,
      Tt: now - this.acceptMs,
    }
  }

}
