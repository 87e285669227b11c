// A sink that records parser events as plain data, merging adjacent body slices so any split gives the same log.
import type {Http1Sink, RawHeaders, RequestHead, ResponseHead} from '../../../../src/engine/proxy/http1/index.js'

export type Event =
  | {type: 'head'; head: Record<string, unknown>}
  | {type: 'body'; data: string}
  | {type: 'trailers'; fields: [string, string][]}
  | {type: 'end'}
  | {type: 'error'; status: number; reason: string}
  | {type: 'tunnel'; data: string}

function describe(head: RequestHead | ResponseHead): Record<string, unknown> {
  const {headers, ...rest} = head
  return {...rest, headers: (headers as RawHeaders).toArray()}
}

export function recorder<H extends RequestHead | ResponseHead>(): {sink: Http1Sink<H>; events: Event[]} {
  const events: Event[] = []
  const append = (type: 'body' | 'tunnel', chunk: Buffer) => {
    if (chunk.length === 0) return
    const last = events.at(-1)
    if (last && last.type === type) last.data += chunk.toString('latin1')
    else events.push({type, data: chunk.toString('latin1')})
  }
  const sink: Http1Sink<H> = {
    onHead: (head) => events.push({type: 'head', head: describe(head)}),
    onBody: (chunk) => append('body', chunk),
    onTrailers: (fields) => events.push({type: 'trailers', fields: fields.toArray()}),
    onMessageEnd: () => events.push({type: 'end'}),
    onError: (e) => events.push({type: 'error', status: e.status, reason: e.reason}),
    onTunnelData: (chunk) => append('tunnel', chunk),
  }
  return {sink, events}
}
