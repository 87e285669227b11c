/** The section keywords of HAProxy 2.6 and what their header line takes. */

export type ProxyKind = 'defaults' | 'frontend' | 'backend' | 'listen'

export type SectionKind =
  | 'global'
  | ProxyKind
  | 'userlist'
  | 'peers'
  | 'resolvers'
  | 'mailers'
  | 'program'
  | 'http-errors'
  | 'ring'
  | 'cache'
  | 'fcgi-app'
  | 'log-forward'

export interface SectionSpec {
  kind: SectionKind
  /** How the header takes its name: required, optional (defaults) or none (global). */
  name: 'required' | 'optional' | 'none'
  /** haproxy -c's message when the name is missing. */
  missingName?: string
  /** Accepts `from <defaults>`. */
  from?: boolean
  ok: string[]
  fail: string[]
}

const spec = (s: SectionSpec): SectionSpec => s

export const SECTION_SPECS: Record<SectionKind, SectionSpec> = {
  global: spec({kind: 'global', name: 'none', ok: ['global'], fail: ['global foo']}),
  defaults: spec({kind: 'defaults', name: 'optional', from: true, ok: ['defaults', 'defaults web', 'defaults web from base'], fail: []}),
  frontend: spec({kind: 'frontend', name: 'required', from: true, missingName: "'frontend' expects an <id> argument", ok: ['frontend www', 'frontend w-1.a_b:c'], fail: ['frontend', 'frontend w@w']}),
  backend: spec({kind: 'backend', name: 'required', from: true, missingName: "'backend' expects an <id> argument", ok: ['backend app', 'backend app from web'], fail: ['backend', 'backend a/b']}),
  listen: spec({kind: 'listen', name: 'required', from: true, missingName: "'listen' expects an <id> argument", ok: ['listen stats'], fail: ['listen', 'listen l$1']}),
  userlist: spec({kind: 'userlist', name: 'required', missingName: "'userlist' expects <name> as arguments.", ok: ['userlist admins'], fail: ['userlist', 'userlist u$1']}),
  peers: spec({kind: 'peers', name: 'required', missingName: 'missing name for peers section.', ok: ['peers mypeers'], fail: ['peers', 'peers p*1']}),
  resolvers: spec({kind: 'resolvers', name: 'required', missingName: 'missing name for resolvers section.', ok: ['resolvers dns'], fail: ['resolvers', 'resolvers d!ns']}),
  mailers: spec({kind: 'mailers', name: 'required', missingName: 'missing name for mailers section.', ok: ['mailers alerts'], fail: ['mailers', 'mailers m+1']}),
  program: spec({kind: 'program', name: 'required', missingName: "'program' expects an <id> argument", ok: ['program api'], fail: ['program']}),
  'http-errors': spec({kind: 'http-errors', name: 'required', missingName: 'missing name for http-errors section.', ok: ['http-errors site'], fail: ['http-errors', 'http-errors s=1']}),
  ring: spec({kind: 'ring', name: 'required', missingName: 'missing ring name.', ok: ['ring buf1'], fail: ['ring', 'ring b%1']}),
  cache: spec({kind: 'cache', name: 'required', missingName: "'cache' expects a <name> argument", ok: ['cache static'], fail: ['cache']}),
  'fcgi-app': spec({kind: 'fcgi-app', name: 'required', missingName: "'fcgi-app' expects <name> as argument.", ok: ['fcgi-app php'], fail: ['fcgi-app']}),
  'log-forward': spec({kind: 'log-forward', name: 'required', missingName: 'missing name for ip-forward section.', ok: ['log-forward sylog'], fail: ['log-forward']}),
}

export const SECTION_KINDS = new Set<string>(Object.keys(SECTION_SPECS))

export function isSectionKeyword(word: string): word is SectionKind {
  return SECTION_KINDS.has(word)
}

const PROXY_KINDS: ReadonlySet<string> = new Set<ProxyKind>(['defaults', 'frontend', 'backend', 'listen'])

/**
 * One set lookup rather than a chain of comparisons: the build asks for every line, and code optimized while
 * reading `defaults` (the first comparison) was thrown away at the first backend line.
 */
export function isProxyKind(kind: SectionKind | 'none'): kind is ProxyKind {
  return PROXY_KINDS.has(kind)
}
