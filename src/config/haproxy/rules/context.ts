/** What every rule receives, and the helpers they share to report diagnostics at a model location. */
import {type Diagnostic, diagnostic, type Severity} from '../../diagnostics.js'
import type {HaproxyCheckOptions, HaproxyConfigParse} from '../index.js'
import type {Word} from '../lexer.js'
import type {Directive, HaproxyModel, Location, Proxy, Server} from '../model.js'

export interface RuleContext {
  parse: HaproxyConfigParse
  model: HaproxyModel
  options: HaproxyCheckOptions
  out: Diagnostic[]
}

export type Rule = (ctx: RuleContext) => void

/** Reports at a directive (optionally at one of its words) or at a bare location. */
export function report(
  ctx: RuleContext,
  severity: Severity,
  code: string,
  at: Directive | Location,
  message: string,
  suggestions: string[] = [],
  word?: Word,
): void {
  const line = at.line
  const column = word?.column ?? at.column
  const endColumn = word?.endColumn ?? ('cst' in at ? at.cst.text.length + 1 : column + 1)
  ctx.out.push(diagnostic(code, severity, at.file, {line, column, endLine: line, endColumn: Math.max(endColumn, column + 1)}, message, suggestions))
}

/** Environment-only findings are warnings unless --strict-env. */
export function envSeverity(ctx: RuleContext): Severity {
  return ctx.options.strictEnv ? 'error' : 'warning'
}

export const where = (l: Location): string => `${l.file}:${l.line}`

export interface ProxyDirective {
  proxy: Proxy
  directive: Directive
}

const withoutServerLines = new WeakMap<RuleContext, Map<Proxy, Directive[]>>()

/**
 * `p`'s directives without its server lines (isServerLine), in file order, made once per check: the rules
 * about keywords, rules and sample expressions never read server lines, which are most of a big config.
 */
export function directivesWithoutServers(ctx: RuleContext, p: Proxy): Directive[] {
  let byProxy = withoutServerLines.get(ctx)
  if (byProxy === undefined) withoutServerLines.set(ctx, (byProxy = new Map()))
  let list = byProxy.get(p)
  if (list === undefined) {
    const all = p.directives
    list = all
    for (let di = 0; di < all.length; di++) {
      const d = all[di] as Directive
      if (!isServerLine(d)) {
        if (list !== all) list.push(d)
      } else if (list === all) list = all.slice(0, di)
    }
    byProxy.set(p, list)
  }
  return list
}

/** The first words rules look up with proxyDirectivesNamed: rare ones, so the index stays small. */
const INDEXED = ['stick-table', 'stick', 'use-server', 'external-check'] as const
export type IndexedDirectiveName = (typeof INDEXED)[number]
const INDEXED_NAMES: ReadonlySet<string> = new Set(INDEXED)
const directiveIndexes = new WeakMap<RuleContext, Map<string, ProxyDirective[]>>()

/** The directives of frontends, backends and listens whose first word is `name`, in file order (indexed once per check). */
export function proxyDirectivesNamed(ctx: RuleContext, name: IndexedDirectiveName): ProxyDirective[] {
  let index = directiveIndexes.get(ctx)
  if (index === undefined) {
    index = new Map()
    for (let proxyi = 0; proxyi < ctx.model.proxies.length; proxyi++) {
      const proxy = ctx.model.proxies[proxyi] as Proxy
      const directives = directivesWithoutServers(ctx, proxy)
      for (let di = 0; di < directives.length; di++) {
        const directive = directives[di] as Directive
        if (!INDEXED_NAMES.has(directive.name)) continue
        const list = index.get(directive.name)
        if (list === undefined) index.set(directive.name, [{proxy, directive}])
        else list.push({proxy, directive})
      }
    }
    directiveIndexes.set(ctx, index)
  }
  return index.get(name) ?? []
}

export interface ProxyServer {
  proxy: Proxy
  server: Server
}

/** The few servers some rule must look at, found in one pass over every server (see serversOfNote). */
export interface ServersOfNote {
  /** Servers with `track` or `resolvers`, in file order. */
  referencing: ProxyServer[]
  /** Servers (not templates) whose address is a host name, in file order. */
  hostNamed: ProxyServer[]
}

const notableServers = new WeakMap<RuleContext, ServersOfNote>()

/**
 * The servers the reference, option-conflict and host-name rules check, made once per check: a big config
 * has tens of thousands of servers and few of them track, use resolvers or name a host, so three passes
 * over all of them (on a cold JIT) become one.
 */
export function serversOfNote(ctx: RuleContext): ServersOfNote {
  let found = notableServers.get(ctx)
  if (found !== undefined) return found
  found = {referencing: [], hostNamed: []}
  const proxies = ctx.model.proxies
  for (let pi = 0; pi < proxies.length; pi++) {
    const proxy = proxies[pi] as Proxy
    const servers = proxy.servers
    for (let si = 0; si < servers.length; si++) {
      const server = servers[si] as Server
      if (server.track !== undefined || server.resolvers !== undefined) found.referencing.push({proxy, server})
      if (server.family === 'host' && server.template === undefined) found.hostNamed.push({proxy, server})
    }
  }
  notableServers.set(ctx, found)
  return found
}

const QUOTE_OR_ESCAPE = /["'\\]/

/** Server lines (most of a big config) take no sample expression: no ACL fetch, converter or pattern file. */
export const isServerLine = (d: Directive): boolean => d.name === 'server' || d.name === 'server-template' || d.name === 'default-server'

/**
 * False when no argument of `d` can contain any of `needles`: without quotes or backslashes every word is
 * a slice of the line's text, so a needle absent from the text is absent from the words. A cheap filter
 * for rules that look for a substring in every argument.
 */
export function argsMayContain(d: Directive, needles: readonly string[]): boolean {
  const text = d.cst.text
  for (let i = 0; i < needles.length; i++) if (text.includes(needles[i] as string)) return true
  return QUOTE_OR_ESCAPE.test(text)
}
