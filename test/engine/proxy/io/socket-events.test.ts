import {EventEmitter} from 'node:events'
import {describe, expect, it} from 'vitest'
import {SocketEvents} from '../../../../src/engine/proxy/io/socket-events.js'

/** The same steps on a SocketEvents and on an EventEmitter: what each listener saw, in order. */
type Fn = (x?: unknown) => void
interface Emitter {
  on(event: string, fn: Fn): unknown
  once(event: string, fn: Fn): unknown
  off(event: string, fn: Fn): unknown
  emit(event: string, arg?: unknown): boolean
  listenerCount(event: string): number
}

function run(emitter: Emitter): string[] {
  const seen: string[] = []
  const a = (x: unknown) => seen.push(`a${String(x)}`)
  const b = (x: unknown) => seen.push(`b${String(x)}`)
  const c = () => seen.push('c')
  emitter.on('data', a)
  emitter.once('data', b)
  emitter.on('data', a)
  emitter.emit('data', 1) // a1 b1 a1
  emitter.emit('data', 2) // a2 a2
  emitter.off('data', a) // the last one added goes
  emitter.emit('data', 3) // a3
  emitter.once('close', c)
  emitter.off('close', c) // a once listener is removed by the listener itself
  seen.push(`emitted ${String(emitter.emit('close'))}`)
  // A listener added while emitting waits for the next emit; one removed while emitting still runs this time.
  const late = () => seen.push('late')
  emitter.on('end', () => {
    emitter.on('end', late)
    emitter.off('end', d)
  })
  const d = () => seen.push('d')
  emitter.on('end', d)
  emitter.emit('end')
  emitter.emit('end')
  seen.push(`count ${String(emitter.listenerCount('data'))} ${String(emitter.listenerCount('end'))} ${String(emitter.listenerCount('error'))}`)
  return seen
}

describe('SocketEvents', () => {
  it('behaves as EventEmitter for on, once, off, emit and listenerCount', () => {
    const expected = run(new EventEmitter())
    expect(run(new SocketEvents())).toEqual(expected)
    expect(expected).toEqual(['a1', 'b1', 'a1', 'a2', 'a2', 'a3', 'emitted false', 'd', 'late', 'count 1 3 0'])
  })

  it('refuses a listener for an event a socket never emits', () => {
    expect(() => new SocketEvents().on('connect', () => {})).toThrow("a socket has no 'connect' event")
  })
})
