/**
 * What a running VRRP node reports: the engine's side of lbctl's event stream. Every event has
 * the clock time (ms) and, when it concerns one instance, its name.
 */
import type {VrrpRole} from './machine.js'
import type {AdvertRejection} from './packet.js'

export type VrrpEvent =
  | {type: 'advert_sent'; time: number; instance: string; priority: number; to: string}
  | {type: 'advert_received'; time: number; instance: string; from: string; priority: number}
  | {type: 'transition'; time: number; instance: string; from: VrrpRole; to: VrrpRole; reason: string}
  | {type: 'dropped'; time: number; instance: string | undefined; from: string; reason: AdvertRejection; message: string}
  | {type: 'vips'; time: number; instance: string; action: 'add' | 'remove'; vips: string[]}
  | {type: 'log'; time: number; instance: string | undefined; message: string}
  /** A tracked object (vrrp_script, track_interface, track_file) changed and what that did: `chk_haproxy failed (exit 1) -> priority 110-20=90`. */
  | {type: 'track'; time: number; instance: string; object: string; status: string; message: string}
  | {type: 'error'; time: number; instance: string | undefined; message: string}

export type VrrpEventType = VrrpEvent['type']

/** `12:00:01.234` in local time. */
export function formatClockTime(time: number): string {
  const date = new Date(time)
  const pad = (value: number, width = 2) => String(value).padStart(width, '0')
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`
}

/** One human line per event: `12:00:01.234 VI_1 BACKUP -> MASTER (master down timer expired)`. */
export function formatEvent(event: VrrpEvent): string {
  const head = `${formatClockTime(event.time)}${event.instance === undefined ? '' : ` ${event.instance}`}`
  switch (event.type) {
    case 'transition':
      return `${head} ${event.from} -> ${event.to} (${event.reason})`
    case 'advert_sent':
      return `${head} advert sent to ${event.to} priority ${event.priority}`
    case 'advert_received':
      return `${head} advert received from ${event.from} priority ${event.priority}`
    case 'dropped':
      return `${head} dropped packet from ${event.from}: ${event.message}`
    case 'vips':
      return `${head} ${event.action === 'add' ? 'added' : 'removed'} ${event.vips.join(', ')}`
    case 'log':
    case 'track':
      return `${head} ${event.message}`
    case 'error':
      return `${head} error: ${event.message}`
  }
}
