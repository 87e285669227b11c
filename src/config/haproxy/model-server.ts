/**
 * The model's Server, kept small: a generated config has tens of thousands and the parse keeps them all.
 * A server stores its directive, its options and its typed fields; servers written with the same options
 * share both objects (see serverOptions), and the rest is read from the line when asked: the address from
 * its words, host and port by parsing the address again (cheap, and rarely read).
 */
import {atoi, parseSocketAddress, parseTime, serverAddressFamily, type SocketAddress} from './keywords/args.js'
import {plainWordsKey, SERVER_OPTIONS} from './keywords/server.js'
import type {Word} from './lexer.js'
import type {Directive, Server} from './model.js'

const DEFAULT_INTER = 2000

/** The typed fields a server's options set; absent ones keep HAProxy's defaults. */
type ServerFields = Pick<Server, 'weight' | 'check' | 'inter' | 'fastinter' | 'downinter' | 'rise' | 'fall' | 'backup' | 'disabled' | 'ssl' | 'cookie' | 'track' | 'resolvers' | 'initAddr' | 'maxconn' | 'maxqueue' | 'slowstart'>

/** A server's fields before its default-server settings are applied. */
const UNAPPLIED: ServerFields = {weight: 1, check: false, inter: DEFAULT_INTER, rise: 2, fall: 3, backup: false, disabled: false, ssl: false}

const SERVER_ADDRESS = {who: 'server', bind: false}

class ModelServer implements Server {
  // `declare`: set by the constructor only (no per-construction field initializer, see Line in cst.ts).
  declare readonly directive: Directive
  // Name and family are fields, not getters: the checks read them for every server (duplicate names are
  // compared pairwise), and a getter is a call each time on a cold JIT.
  declare readonly name: string
  declare readonly family: SocketAddress['family']
  /** Every option by name (after default-server), `true` for flags. Often shared with identical servers. */
  declare options: Record<string, string | true>
  declare template: {prefix: string; count: number} | undefined
  declare private fields: ServerFields

  constructor(directive: Directive, name: string, family: SocketAddress['family'], options: Record<string, string | true>) {
    this.directive = directive
    this.name = name
    this.family = family
    this.options = options
    this.template = undefined
    this.fields = UNAPPLIED
  }

  /** Gives the server its default-server settings (`defaults`: the proxy's effective ones, if any). */
  applyDefaults(defaults: Record<string, string | true> | undefined): void {
    if (defaults === undefined) {
      // The options object is often shared with identical servers: so are the fields derived from it.
      let fields = fieldsByOptions.get(this.options)
      if (fields === undefined) fieldsByOptions.set(this.options, (fields = serverFields(this.options)))
      this.fields = fields
      return
    }
    this.options = merged(defaults, this.options)
    this.fields = serverFields(this.options)
  }

  get file(): string {
    return this.directive.file
  }

  get line(): number {
    return this.directive.line
  }

  get column(): number {
    return this.directive.column
  }

  /** The address as written: the word after the name (after the range for server-template). */
  get address(): string {
    return this.directive.words[this.template === undefined ? 2 : 3]?.value ?? ''
  }

  get host(): string {
    const address = this.address
    const parsed = parseSocketAddress(address, SERVER_ADDRESS)
    return parsed.ok ? parsed.value.host : address
  }

  /** Absent when the server follows the client's port. */
  get port(): number | undefined {
    const parsed = parseSocketAddress(this.address, SERVER_ADDRESS)
    return parsed.ok && !parsed.value.portOffset ? parsed.value.port : undefined
  }

  get weight(): number {
    return this.fields.weight
  }

  get check(): boolean {
    return this.fields.check
  }

  get inter(): number {
    return this.fields.inter
  }

  get fastinter(): number | undefined {
    return this.fields.fastinter
  }

  get downinter(): number | undefined {
    return this.fields.downinter
  }

  get rise(): number {
    return this.fields.rise
  }

  get fall(): number {
    return this.fields.fall
  }

  get backup(): boolean {
    return this.fields.backup
  }

  get disabled(): boolean {
    return this.fields.disabled
  }

  get ssl(): boolean {
    return this.fields.ssl
  }

  get cookie(): string | undefined {
    return this.fields.cookie
  }

  get track(): string | undefined {
    return this.fields.track
  }

  get resolvers(): string | undefined {
    return this.fields.resolvers
  }

  get initAddr(): string | undefined {
    return this.fields.initAddr
  }

  get maxconn(): number | undefined {
    return this.fields.maxconn
  }

  get maxqueue(): number | undefined {
    return this.fields.maxqueue
  }

  get slowstart(): number | undefined {
    return this.fields.slowstart
  }

  /** The typed fields as plain data (what JSON.stringify and console.log show). */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {file: this.file, line: this.line, column: this.column, name: this.name, address: this.address, host: this.host, family: this.family}
    if (this.port !== undefined) out.port = this.port
    Object.assign(out, this.fields)
    if (this.template !== undefined) out.template = this.template
    out.options = this.options
    return out
  }
}

/**
 * A server from a `server` line (`optionsFrom` 3) or a `server-template` one (4, with its template), given
 * the words the build read (`d.words` would keep them: see Line in cst.ts). Its
 * typed fields come with applyServerDefaults, once the proxy's default-server settings are known.
 */
export function toServer(d: Directive, words: Word[], optionsFrom: number, template?: {prefix: string; count: number}): Server {
  const family = serverAddressFamily(words[optionsFrom - 1]?.value ?? '') ?? 'host'
  const s = new ModelServer(d, words[1]?.value ?? '', family, serverOptions(d.cst.text, words, optionsFrom))
  if (template !== undefined) s.template = template
  return s
}

/** Derives a server's typed fields from its options merged over `defaults` (the default-server ones, if any). */
export function applyServerDefaults(s: Server, defaults: Record<string, string | true> | undefined): void {
  ;(s as ModelServer).applyDefaults(defaults)
}

/**
 * Servers written with the same plain option words share one options object: a generated config repeats
 * them on thousands of lines. Nothing changes a server's options after the build (default-server settings
 * make a new merged object). Bounded: cleared when full.
 */
const sharedServerOptions = new Map<string, Record<string, string | true>>()
const MAX_SHARED_OPTIONS = 4096

/** The options object of servers written with the option text `key` (plainWordsKey), if one was made. */
export const sharedOptionsOf = (key: string): Record<string, string | true> | undefined => sharedServerOptions.get(key)

/** A server from a `server` line whose name, address family and options object are already known. */
export function knownServer(d: Directive, name: string, family: SocketAddress['family'], options: Record<string, string | true>): Server {
  return new ModelServer(d, name, family, options)
}

function serverOptions(lineText: string, words: Word[], optionsFrom: number): Record<string, string | true> {
  const key = plainWordsKey(words, optionsFrom, lineText)
  if (key === undefined) return readServerOptions(words, optionsFrom)
  let options = sharedServerOptions.get(key)
  if (options === undefined) {
    options = readServerOptions(words, optionsFrom)
    if (sharedServerOptions.size >= MAX_SHARED_OPTIONS) sharedServerOptions.clear()
    sharedServerOptions.set(key, options)
  }
  return options
}

/** Server options by name from word `from` on (`true` for flags, the value for options with an argument). */
function readServerOptions(words: Word[], from: number): Record<string, string | true> {
  const out: Record<string, string | true> = {}
  for (let i = from; i < words.length; i++) {
    const name = (words[i] as Word).value
    const n = SERVER_OPTIONS[name] ?? 0
    out[name] = n > 0 ? (words[i + 1]?.value ?? '') : true
    i += n
  }
  return out
}

const fieldsByOptions = new WeakMap<Record<string, string | true>, ServerFields>()

function serverFields(o: Record<string, string | true>): ServerFields {
  // One pass over the few options a server has, rather than a lookup for each field it could set.
  let weight: number | undefined, inter: number | undefined, fastinter: number | undefined, downinter: number | undefined
  let rise: number | undefined, fall: number | undefined, maxconn: number | undefined, maxqueue: number | undefined, slowstart: number | undefined
  let cookie: string | undefined, track: string | undefined, resolvers: string | undefined, initAddr: string | undefined
  let flags = 0
  for (const k in o) {
    const v = o[k]
    if (v === true) {
      flags |= FLAG_BITS[k] ?? 0
      continue
    }
    if (v === undefined) continue
    switch (k) {
      case 'weight': weight = atoi(v); break
      case 'inter': inter = timeOption(v); break
      case 'fastinter': fastinter = timeOption(v); break
      case 'downinter': downinter = timeOption(v); break
      case 'rise': rise = atoi(v); break
      case 'fall': fall = atoi(v); break
      case 'maxconn': maxconn = atoi(v); break
      case 'maxqueue': maxqueue = atoi(v); break
      case 'slowstart': slowstart = timeOption(v); break
      case 'cookie': cookie = v; break
      case 'track': track = v; break
      case 'resolvers': resolvers = v; break
      case 'init-addr': initAddr = v; break
    }
  }
  const f: ServerFields = {
    weight: weight ?? 1,
    check: (flags & (CHECK | NO_CHECK)) === CHECK,
    inter: inter ?? DEFAULT_INTER,
    rise: rise ?? 2,
    fall: fall ?? 3,
    backup: (flags & (BACKUP | NO_BACKUP)) === BACKUP,
    disabled: (flags & (DISABLED | ENABLED)) === DISABLED,
    ssl: (flags & (SSL | NO_SSL)) === SSL,
  }
  if (fastinter !== undefined) f.fastinter = fastinter
  if (downinter !== undefined) f.downinter = downinter
  if (cookie !== undefined) f.cookie = cookie
  if (track !== undefined) f.track = track
  if (resolvers !== undefined) f.resolvers = resolvers
  if (initAddr !== undefined) f.initAddr = initAddr
  if (maxconn !== undefined) f.maxconn = maxconn
  if (maxqueue !== undefined) f.maxqueue = maxqueue
  if (slowstart !== undefined) f.slowstart = slowstart
  return f
}

const CHECK = 1
const NO_CHECK = 2
const BACKUP = 4
const NO_BACKUP = 8
const DISABLED = 16
const ENABLED = 32
const SSL = 64
const NO_SSL = 128
/** Server flags serverFields pairs up (`check` unless `no-check`, ...). */
const FLAG_BITS: Record<string, number> = Object.assign(Object.create(null) as Record<string, number>, {check: CHECK, 'no-check': NO_CHECK, backup: BACKUP, 'no-backup': NO_BACKUP, disabled: DISABLED, enabled: ENABLED, ssl: SSL, 'no-ssl': NO_SSL})

function timeOption(v: string): number | undefined {
  const t = parseTime(v)
  return t.ok ? t.value : undefined
}

/** `{...base, ...own}` (same keys, order and values) without the spread's slow path. */
export function merged<T>(base: Record<string, T>, own: Record<string, T>): Record<string, T> {
  // for-in rather than Object.keys: no key array (these records are plain, without inherited keys).
  const out: Record<string, T> = {}
  for (const k in base) out[k] = base[k] as T
  for (const k in own) out[k] = own[k] as T
  return out
}
