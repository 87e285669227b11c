/**
 * The typed model of a haproxy configuration: what the engine, deploy and top build on.
 * Every element keeps where it was written (file, line, column). `Proxy.effective` holds the values
 * after defaults inheritance, the way HAProxy resolves them.
 */
import type {CstLine} from './cst.js'
import type {SocketAddress} from './keywords/args.js'
import type {ParsedCondition} from './keywords/acl.js'
import type {ProxyKind, SectionKind} from './keywords/sections.js'
import type {Word} from './lexer.js'

export interface Location {
  file: string
  line: number
  column: number
}

/** One configuration line as a keyword and its unescaped arguments. */
export interface Directive extends Location {
  /** The first word: `timeout`, `option`, `server`, `http-request`... */
  name: string
  /** The keyword as HAProxy names it: `timeout connect`, `option httplog`, `server`, `http-request`... */
  keyword: string
  /** Words after the first one, unescaped (for `timeout connect 5s`: `['connect', '5s']`). */
  args: string[]
  words: Word[]
  /** `no option x` / `default option x`. */
  prefix?: 'no' | 'default'
  cst: CstLine
}

export interface Condition {
  kind: 'if' | 'unless'
  /** The condition as written after if/unless, words joined by one space. */
  text: string
  /** Named ACLs it uses, in order. */
  aclNames: string[]
  parsed: ParsedCondition
}

export interface BindAddress {
  /** The address as written: `:80`, `0.0.0.0:443`, `[::1]:8443`, `/run/x.sock`. */
  text: string
  family: SocketAddress['family']
  /** '' for any address. */
  host: string
  port?: number
  portEnd?: number
}

export interface Bind extends Location {
  addresses: BindAddress[]
  /** Options by name: `true` for flags, the value for options with an argument (`crt` keeps the last one). */
  options: Record<string, string | true>
  ssl: boolean
  /** Every `crt` given. */
  certificates: string[]
  transparent: boolean
  name?: string
  maxconn?: number
  directive: Directive
}

export interface Server extends Location {
  name: string
  /** The address as written (`10.0.0.1:80`, `web1.local:8080`, `127.0.0.1`). */
  address: string
  host: string
  family: SocketAddress['family']
  /** Absent when the server follows the client's port. */
  port?: number
  weight: number
  check: boolean
  /** Health-check interval in ms (HAProxy's default is 2000). */
  inter: number
  fastinter?: number
  downinter?: number
  rise: number
  fall: number
  backup: boolean
  disabled: boolean
  cookie?: string
  maxconn?: number
  maxqueue?: number
  slowstart?: number
  ssl: boolean
  /** `server-template` expands into several servers: the template name and count. */
  template?: {prefix: string; count: number}
  track?: string
  resolvers?: string
  initAddr?: string
  /** Every option by name (after default-server), `true` for flags. */
  options: Record<string, string | true>
  directive: Directive
}

export interface Acl extends Location {
  name: string
  /** The fetch and converters: `path_beg`, `hdr_beg(host)`, `req.hdr(host),lower`. */
  criterion: string
  /** Flags and patterns after the criterion. */
  args: string[]
  directive: Directive
}

export interface BackendSwitch extends Location {
  backend: string
  condition?: Condition
  directive: Directive
}

export type RuleSet = 'http-request' | 'http-response' | 'http-after-response' | 'tcp-request connection' | 'tcp-request session' | 'tcp-request content' | 'tcp-response content'

export interface Rule extends Location {
  set: RuleSet
  /** `deny`, `set-header`, `set-var(txn.x)`... */
  action: string
  args: string[]
  condition?: Condition
  directive: Directive
}

export interface CookieSettings extends Location {
  name: string
  /** Words after the name: `insert`, `indirect`, `nocache`, `domain`, ... */
  options: string[]
  mode: 'rewrite' | 'insert' | 'prefix' | 'passive'
}

export interface StatsSettings {
  enabled: boolean
  uri?: string
  realm?: string
  /** `user:password` pairs (secrets). */
  auth: {user: string; password: string; location: Location}[]
  refreshMs?: number
  admin?: Condition
  hideVersion: boolean
  scope: string[]
}

export interface OptionValue extends Location {
  enabled: boolean
  /** Words after the option name (`option httpchk GET /health` → `['GET', '/health']`). */
  args: string[]
}

export interface TimeoutValue extends Location {
  ms: number
}

export interface Balance extends Location {
  /** `roundrobin`, `leastconn`, `source`, `uri`, `hdr`, `random`, ... */
  algorithm: string
  /** The parenthesised parameter (`hdr(host)` → `host`) then the other words. */
  args: string[]
}

/** The settings a proxy inherits from its defaults section. */
export interface InheritedSettings {
  mode: 'http' | 'tcp'
  balance?: Balance
  timeouts: Record<string, TimeoutValue>
  options: Record<string, OptionValue>
  maxconn?: number
  retries?: number
  /** `log global` or explicit targets; undefined when no log line applies. */
  log?: Directive[]
  cookie?: CookieSettings
  /** default-server options. */
  defaultServer: Record<string, string | true>
  stats: StatsSettings
  defaultBackend?: string
}

export interface Proxy extends Location {
  kind: ProxyKind
  /** '' for an unnamed defaults section. */
  name: string
  /** The defaults section this one inherits from (name, '' for the anonymous one), if any. */
  from?: string
  /** What this section itself sets (undefined/empty: not set here). */
  mode?: 'http' | 'tcp'
  balance?: Balance
  binds: Bind[]
  servers: Server[]
  defaultServer: Record<string, string | true>
  acls: Acl[]
  useBackends: BackendSwitch[]
  defaultBackend?: {name: string; location: Location}
  rules: Rule[]
  options: Record<string, OptionValue>
  timeouts: Record<string, TimeoutValue>
  cookie?: CookieSettings
  stats: StatsSettings
  maxconn?: number
  retries?: number
  logs: Directive[]
  /** Every directive in order, the header excluded. */
  directives: Directive[]
  /** Values after defaults inheritance (for defaults sections: after their own `from`). */
  effective: InheritedSettings
  /** The defaults section actually inherited from. */
  inheritsFrom?: Proxy
}

export interface GlobalSettings extends Location {
  maxconn?: number
  ulimitN?: number
  nbthread?: number
  user?: string
  group?: string
  uid?: number
  gid?: number
  daemon: boolean
  chroot?: string
  pidfile?: string
  statsSockets: {address: string; options: string[]; location: Location}[]
  statsTimeoutMs?: number
  logs: Directive[]
  directives: Directive[]
}

/** Sections other than global and proxies: userlist, peers, resolvers, mailers, program, ... */
export interface OtherSection extends Location {
  kind: Exclude<SectionKind, ProxyKind | 'global'>
  name: string
  directives: Directive[]
}

export interface UserlistUser extends Location {
  name: string
  password?: string
  insecure: boolean
  groups: string[]
}

export type Section = {type: 'global'; global: GlobalSettings} | {type: 'proxy'; proxy: Proxy} | {type: 'other'; other: OtherSection}

export interface HaproxyModel {
  /** Merged from every `global` section (HAProxy merges them too); undefined when there is none. */
  global?: GlobalSettings
  defaults: Proxy[]
  frontends: Proxy[]
  backends: Proxy[]
  listens: Proxy[]
  /** Frontends, listens and backends in file order (the defaults excluded). */
  proxies: Proxy[]
  others: OtherSection[]
  userlists: Map<string, UserlistUser[]>
  /** Every section in order, for diff and printing. */
  sections: Section[]
}

/** Proxies that can receive traffic from a use_backend/default_backend: backends and listens. */
export function findBackend(model: HaproxyModel, name: string): Proxy | undefined {
  return model.backends.find((p) => p.name === name) ?? model.listens.find((p) => p.name === name)
}

export const hasFrontendCap = (p: Proxy): boolean => p.kind === 'frontend' || p.kind === 'listen'
export const hasBackendCap = (p: Proxy): boolean => p.kind === 'backend' || p.kind === 'listen'

export function emptyStats(): StatsSettings {
  return {enabled: false, auth: [], hideVersion: false, scope: []}
}
