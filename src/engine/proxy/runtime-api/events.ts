/**
 * `show events` (lbctl extension): a live stream on the stats socket, one JSON object per line, in
 * the shape of src/observe/events.ts's LbEvent without `node` (the client knows which node it asked):
 *   {"at":1763711231528,"kind":"health","proxy":"app","server":"web1","from":"UP","to":"DOWN","check":"L4CON in 0ms","activeLeft":1,"backupLeft":0,"text":"app/web1 DOWN, L4CON in 0ms, 1 active server left"}
 *   {"at":1763711231530,"kind":"request","frontend":"fe","text":"127.0.0.1:38396 [21/Nov/2026:07:46:31.528] fe app/s1 0/0/0/1/1 200 526 - - ---- ..."}
 *   {"at":1763711231600,"kind":"role","instance":"VI_1","vrid":51,"from":"BACKUP","to":"MASTER","text":"VI_1 BACKUP -> MASTER (master down timer expired)"}
 * Nothing is built while nobody listens.
 */
import {formatCheck, parseStatus} from '../../../observe/stat-csv.js'
import type {CheckResult} from '../health/probe.js'

export type WireEvent =
  | {at: number; kind: 'health'; proxy: string; server: string; from: string; to: string; check: string; activeLeft?: number; backupLeft?: number; text: string}
  | {at: number; kind: 'request'; frontend: string; text: string}
  | {at: number; kind: 'role'; instance: string; vrid?: number; from: string; to: string; text: string}

export type EventListener = (line: string) => void

export class EventHub {
  private readonly listeners = new Set<EventListener>()

  constructor(
    /** Told when the first listener arrives and when the last one leaves. */
    private readonly onActive: (active: boolean) => void = () => {},
  ) {}

  get active(): boolean {
    return this.listeners.size > 0
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener)
    if (this.listeners.size === 1) this.onActive(true)
    return () => {
      if (!this.listeners.delete(listener)) return
      if (this.listeners.size === 0) this.onActive(false)
    }
  }

  publish(event: WireEvent): void {
    if (this.listeners.size === 0) return
    const line = `${JSON.stringify(event)}\n`
    for (const listener of this.listeners) listener(line)
  }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

/** A server state change (health check or admin), worded like src/observe/events.ts words polled ones. */
export function healthWireEvent(at: number, proxy: string, server: string, from: string, to: string, result: CheckResult | undefined, active?: number, backup?: number): WireEvent {
  const state = parseStatus(to).state
  const check = result ? formatCheck({status: result.status, ...(result.code !== undefined ? {code: result.code} : {}), durationMs: result.durationMs, inProgress: false}) : ''
  const parts = [`${proxy}/${server} ${to}`]
  if (check && (state === 'UP' || state === 'DOWN' || state === 'NOLB')) parts.push(check)
  if (active !== undefined) parts.push(`${plural(active, 'active server')}${backup ? ` and ${backup} backup` : ''} left`)
  return {
    at,
    kind: 'health',
    proxy,
    server,
    from: parseStatus(from).state,
    to: state,
    check,
    ...(active !== undefined ? {activeLeft: active, backupLeft: backup ?? 0} : {}),
    text: parts.join(', '),
  }
}
