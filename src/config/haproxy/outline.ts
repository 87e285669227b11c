/**
 * Reduces the model to the outline `diff` compares. Directives are keyed so the same server, bind,
 * timeout or option pairs up across two configs; rules whose order matters share an order group.
 */
import type {OutlineDirective, OutlineSection} from '../outline.js'
import type {Directive, HaproxyModel, Section} from './model.js'

/** Rule families whose relative order changes what HAProxy does. */
const ORDERED: Record<string, string> = {
  acl: 'acl',
  use_backend: 'use_backend',
  'use-server': 'use-server',
  'http-request': 'http-request',
  'http-response': 'http-response',
  'http-after-response': 'http-after-response',
  'tcp-request': 'tcp-request',
  'tcp-response': 'tcp-response',
  redirect: 'redirect',
  'http-check': 'http-check',
  'tcp-check': 'tcp-check',
}

/** Keywords that may appear several times and are identified by their first argument. */
const BY_FIRST_ARG = new Set(['server', 'server-template', 'bind', 'errorfile', 'errorloc', 'errorloc302', 'errorloc303', 'capture', 'peer', 'nameserver', 'mailer', 'user', 'group', 'setenv', 'presetenv', 'cpu-map'])
/** Keywords that repeat with no natural identity: numbered in order of appearance. */
const REPEATED = new Set(['log', 'stats socket', 'lua-load', 'unsetenv', 'stats auth', 'stats scope', 'monitor fail', 'stick', 'email-alert to'])

function directiveKey(d: Directive, counters: Map<string, number>, section: Section): string {
  const base = d.prefix ? `${d.prefix} ${d.keyword}` : d.keyword
  const first = d.name
  if (first === 'acl') return numbered(`acl ${d.args[0] ?? ''}`, counters)
  if (first === 'user' && section.type === 'global') return base
  if (first === 'group' && section.type === 'global') return base
  if (BY_FIRST_ARG.has(first)) return `${first} ${d.args[0] ?? ''}`
  if (ORDERED[first] !== undefined || REPEATED.has(d.keyword) || REPEATED.has(first)) return numbered(base, counters)
  return base
}

function numbered(key: string, counters: Map<string, number>): string {
  const n = (counters.get(key) ?? 0) + 1
  counters.set(key, n)
  return `${key} #${n}`
}

function secretArgs(d: Directive, section: Section): number[] | undefined {
  // args are after the keyword's first word: `stats auth u:p` → args ['auth', 'u:p'].
  if (d.keyword === 'stats auth') return [1]
  if (section.type === 'other' && section.other.kind === 'userlist' && d.keyword === 'user') {
    const out: number[] = []
    d.args.forEach((a, i) => {
      if ((a === 'password' || a === 'insecure-password') && i + 1 < d.args.length) out.push(i + 1)
    })
    return out.length > 0 ? out : undefined
  }
  if (d.keyword === 'cluster-secret' || d.keyword === 'ca-sign-pass') return [0]
  if (d.keyword === 'bind' || d.keyword === 'server') {
    const i = d.args.indexOf('ca-sign-pass')
    if (i !== -1) return [i + 1]
  }
  return undefined
}

function toDirectives(directives: Directive[], section: Section): OutlineDirective[] {
  const counters = new Map<string, number>()
  return directives.map((d) => {
    const first = d.name
    const out: OutlineDirective = {
      key: directiveKey(d, counters, section),
      keyword: d.prefix ? `${d.prefix} ${d.keyword}` : d.keyword,
      args: d.keyword.includes(' ') ? d.args.slice(1) : d.args,
      file: d.file,
      line: d.line,
    }
    const group = ORDERED[first]
    if (group !== undefined) out.orderGroup = first === 'tcp-request' || first === 'tcp-response' ? `${first} ${d.args[0] ?? ''}` : group
    const secrets = secretArgs(d, section)
    if (secrets) out.secretArgs = d.keyword.includes(' ') ? secrets.map((i) => i - 1) : secrets
    return out
  })
}

export function outline(model: HaproxyModel): OutlineSection[] {
  const out: OutlineSection[] = []
  const seen = new Map<string, number>()
  for (const s of model.sections) {
    let kind: string
    let name: string
    let directives: Directive[]
    let file: string
    let line: number
    if (s.type === 'global') {
      ;({file, line, directives} = s.global)
      kind = 'global'
      name = ''
    } else if (s.type === 'proxy') {
      ;({file, line, directives, kind, name} = s.proxy)
    } else {
      ;({file, line, directives, kind, name} = s.other)
    }
    let key = name === '' ? kind : `${kind} ${name}`
    // Two unnamed defaults sections (or a repeated name) stay distinct.
    const n = (seen.get(key) ?? 0) + 1
    seen.set(key, n)
    if (n > 1) key = `${key} #${n}`
    out.push({key, kind, name, file, line, directives: toDirectives(directives, s), children: []})
  }
  return out
}
