/**
 * The events of a proxy socket (data, end, drain, finish, close, error) with EventEmitter's on/once/off and
 * emit semantics, kept in one field per event: a socket usually has a single listener per event, and
 * EventEmitter's bookkeeping (an events object per socket, arrays once a second listener comes, the once
 * wrappers) cost about 0.3 µs per connection against a few ns for a field.
 */
export type SocketEvent = 'data' | 'end' | 'drain' | 'finish' | 'close' | 'error'

type Listener = (this: unknown, arg?: unknown) => void
type Slot = Listener | Listener[] | undefined

/** once(): the wrapper remembers the listener it calls, so off(event, listener) finds it (as EventEmitter does). */
interface OnceWrapper extends Listener {
  listener: Listener
}

export class SocketEvents {
  private onData: Slot = undefined
  private onEnd: Slot = undefined
  private onDrain: Slot = undefined
  private onFinish: Slot = undefined
  private onClose: Slot = undefined
  private onError: Slot = undefined

  on(event: SocketEvent | (string & {}) | symbol, listener: (...args: never[]) => void): this {
    const fn = listener as Listener
    const slot = this.slot(event)
    this.setSlot(event, slot === undefined ? fn : typeof slot === 'function' ? [slot, fn] : [...slot, fn])
    return this
  }

  addListener(event: SocketEvent | (string & {}) | symbol, listener: (...args: never[]) => void): this {
    return this.on(event, listener)
  }

  once(event: SocketEvent | (string & {}) | symbol, listener: (...args: never[]) => void): this {
    const fn = listener as Listener
    const wrapper = function (this: SocketEvents, arg?: unknown): void {
      this.off(event, wrapper)
      fn.call(this, arg)
    } as OnceWrapper
    wrapper.listener = fn
    return this.on(event, wrapper)
  }

  off(event: SocketEvent | (string & {}) | symbol, listener: (...args: never[]) => void): this {
    const slot = this.slot(event)
    const matches = (f: Listener) => f === listener || (f as Partial<OnceWrapper>).listener === listener
    if (typeof slot === 'function') {
      if (matches(slot)) this.setSlot(event, undefined)
    } else if (slot !== undefined) {
      // The last one added goes first, as EventEmitter removes it.
      for (let i = slot.length - 1; i >= 0; i--) {
        if (!matches(slot[i]!)) continue
        const rest = slot.filter((_, j) => j !== i)
        this.setSlot(event, rest.length === 0 ? undefined : rest.length === 1 ? rest[0] : rest)
        break
      }
    }
    return this
  }

  removeListener(event: SocketEvent | (string & {}) | symbol, listener: (...args: never[]) => void): this {
    return this.off(event, listener)
  }

  removeAllListeners(event?: SocketEvent | (string & {}) | symbol): this {
    if (event !== undefined) this.setSlot(event, undefined)
    else for (const e of ['data', 'end', 'drain', 'finish', 'close', 'error'] as const) this.setSlot(e, undefined)
    return this
  }

  listenerCount(event: SocketEvent | (string & {}) | symbol): number {
    const slot = this.slot(event)
    return slot === undefined ? 0 : typeof slot === 'function' ? 1 : slot.length
  }

  /** Calls the listeners with `this` as the socket; false when there were none. Listeners added meanwhile wait for the next emit. */
  emit(event: SocketEvent | (string & {}) | symbol, arg?: unknown): boolean {
    const slot = this.slot(event)
    if (slot === undefined) return false
    if (typeof slot === 'function') slot.call(this, arg)
    else for (const fn of slot.slice()) fn.call(this, arg)
    return true
  }

  private slot(event: string | symbol): Slot {
    switch (event) {
      case 'data':
        return this.onData
      case 'end':
        return this.onEnd
      case 'drain':
        return this.onDrain
      case 'finish':
        return this.onFinish
      case 'close':
        return this.onClose
      case 'error':
        return this.onError
      default:
        return undefined
    }
  }

  private setSlot(event: string | symbol, slot: Slot): void {
    switch (event) {
      case 'data':
        this.onData = slot
        break
      case 'end':
        this.onEnd = slot
        break
      case 'drain':
        this.onDrain = slot
        break
      case 'finish':
        this.onFinish = slot
        break
      case 'close':
        this.onClose = slot
        break
      case 'error':
        this.onError = slot
        break
      default:
        // Only these six events exist: a listener for another would silently never run.
        if (slot !== undefined) throw new TypeError(`a socket has no '${String(event)}' event`)
    }
  }
}
