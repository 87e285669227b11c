/** Keywords checked against --target-version: deprecated ones that a later version removes, newer ones an older version lacks. */
import {compareVersions} from '../cfgcond.js'
import type {Directive} from '../model.js'
import {directivesWithoutServers, report, type RuleContext} from './context.js'

interface VersionedKeyword {
  /** The directive's first word: only directives named so are matched. */
  name: string
  /** Matches a directive: keyword (as in the model) and, optionally, its first argument. */
  match: (d: Directive) => boolean
  label: string
  since?: string
  removedIn?: string
  instead?: string
}

const kw = (keyword: string, arg0?: string) => (d: Directive) => d.keyword === keyword && (arg0 === undefined || d.args[0] === arg0 || (d.keyword.includes(' ') && d.args[0] === keyword.split(' ')[1] && d.args[1] === arg0))
const action = (set: string, name: string) => (d: Directive) => d.keyword === set && d.args[0] === name

const TABLE: VersionedKeyword[] = [
  {name: 'bind-process', match: kw('bind-process'), label: 'bind-process', removedIn: '2.7', instead: 'remove it: threads replace processes'},
  {name: 'bind', match: (d) => d.keyword === 'bind' && d.args.includes('process'), label: "'process' on bind lines", removedIn: '2.7', instead: "use 'thread' instead"},
  {name: 'tune.ssl.capture-cipherlist-size', match: kw('tune.ssl.capture-cipherlist-size'), label: 'tune.ssl.capture-cipherlist-size', removedIn: '2.7', instead: "use 'tune.ssl.capture-buffer-size'"},
  {name: 'http-after-response', match: kw('http-after-response'), label: 'http-after-response', since: '2.2'},
  {name: 'http-request', match: action('http-request', 'return'), label: "'http-request return'", since: '2.2'},
  {name: 'http-error', match: kw('http-error'), label: 'http-error', since: '2.2'},
  {name: 'errorfiles', match: kw('errorfiles'), label: 'errorfiles', since: '2.2'},
  {name: 'http-request', match: action('http-request', 'set-timeout'), label: "'http-request set-timeout'", since: '2.4'},
  {name: 'http-request', match: action('http-request', 'normalize-uri'), label: "'http-request normalize-uri'", since: '2.4'},
  {name: 'option', match: kw('option httpslog'), label: "'option httpslog'", since: '2.5'},
  {name: 'balance', match: (d) => d.keyword === 'balance' && d.args[0] === 'hash', label: "'balance hash'", since: '2.6'},
  {name: 'option', match: kw('option http-restrict-req-hdr-names'), label: "'option http-restrict-req-hdr-names'", since: '2.6'},
]

/** TABLE by first word: other directives are skipped with one lookup. */
const BY_NAME = new Map<string, VersionedKeyword[]>()
for (const v of TABLE) BY_NAME.set(v.name, [...(BY_NAME.get(v.name) ?? []), v])

export function versionedKeywords(ctx: RuleContext): void {
  const target = ctx.options.targetVersion
  if (!target) return
  // No versioned keyword is a server line.
  const groups: Directive[][] = [ctx.model.global?.directives ?? [], ...ctx.model.defaults.map((p) => p.directives), ...ctx.model.proxies.map((p) => directivesWithoutServers(ctx, p))]
  for (const group of groups) for (let di = 0; di < group.length; di++) {
    const d = group[di] as Directive
    const candidates = BY_NAME.get(d.name)
    if (candidates === undefined) continue
    for (let vi = 0; vi < candidates.length; vi++) {
      const v = candidates[vi] as VersionedKeyword
      if (!v.match(d)) continue
      if (v.removedIn && compareVersions(target, v.removedIn) >= 0) {
        report(ctx, 'error', 'haproxy/removed-keyword', d, `${v.label} is not supported anymore since HAProxy ${v.removedIn} (target version ${target}).`, v.instead ? [v.instead] : [])
      } else if (v.since && compareVersions(target, v.since) < 0) {
        report(ctx, 'error', 'haproxy/unsupported-keyword', d, `${v.label} needs HAProxy ${v.since} or later (target version ${target}).`, [`upgrade to HAProxy ${v.since}+ or drop it`])
      }
    }
  }
  if (compareVersions(target, '2.5') < 0) {
    for (const p of [...ctx.model.defaults, ...ctx.model.proxies]) {
      if ((p.kind === 'defaults' && p.name !== '') || p.from !== undefined) {
        report(ctx, 'error', 'haproxy/unsupported-keyword', p, `named defaults sections and 'from' need HAProxy 2.5 or later (target version ${target}).`, ['use a single anonymous defaults section before the proxies'])
      }
    }
  }
}
