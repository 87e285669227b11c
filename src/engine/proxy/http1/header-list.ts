import type {RawHeaders} from './raw-headers.js'

/**
 * A mutable, ordered header list for rules (set-header, del-header, ...) and for serializing.
 * Names keep the case they arrived with; lookups are case-insensitive.
 */
export class HeaderList {
  private names: string[] = []
  private values: string[] = []

  static fromRaw(raw: RawHeaders, options: {dropContentLength?: boolean} = {}): HeaderList {
    const list = new HeaderList()
    for (let i = 0; i < raw.length; i++) {
      if (options.dropContentLength && raw.nameIs(i, 'content-length')) continue
      list.names.push(raw.name(i))
      list.values.push(raw.value(i))
    }
    return list
  }

  static from(pairs: Iterable<readonly [string, string]>): HeaderList {
    const list = new HeaderList()
    for (const [name, value] of pairs) list.add(name, value)
    return list
  }

  get length(): number {
    return this.names.length
  }

  name(i: number): string {
    return this.names[i] ?? ''
  }

  value(i: number): string {
    return this.values[i] ?? ''
  }

  private index(name: string, from = 0): number {
    const lower = name.toLowerCase()
    for (let i = from; i < this.names.length; i++) {
      const n = this.names[i]!
      if (n.length === lower.length && n.toLowerCase() === lower) return i
    }
    return -1
  }

  has(name: string): boolean {
    return this.index(name) >= 0
  }

  get(name: string): string | undefined {
    const i = this.index(name)
    return i < 0 ? undefined : this.values[i]
  }

  getAll(name: string): string[] {
    const out: string[] = []
    for (let i = this.index(name); i >= 0; i = this.index(name, i + 1)) out.push(this.values[i]!)
    return out
  }

  /** `http-request add-header`: appends, keeping existing occurrences. */
  add(name: string, value: string): this {
    this.names.push(name)
    this.values.push(value)
    return this
  }

  /** `http-request set-header`: removes every occurrence, then appends one (HAProxy's order). */
  set(name: string, value: string): this {
    this.delete(name)
    return this.add(name, value)
  }

  /** `del-header`: removes every occurrence; returns how many were removed. */
  delete(name: string): number {
    let removed = 0
    for (let i = this.index(name); i >= 0; i = this.index(name, i)) {
      this.names.splice(i, 1)
      this.values.splice(i, 1)
      removed++
    }
    return removed
  }

  /** `replace-header` / `replace-value` style edit: maps each value of the header. */
  replace(name: string, fn: (value: string) => string): number {
    let changed = 0
    for (let i = this.index(name); i >= 0; i = this.index(name, i + 1)) {
      this.values[i] = fn(this.values[i]!)
      changed++
    }
    return changed
  }

  toArray(): [string, string][] {
    return this.names.map((n, i) => [n, this.values[i]!])
  }
}
