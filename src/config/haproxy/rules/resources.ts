/** References to named resources haproxy -c resolves after parsing: stick tables, caches, userlists, servers. */
import {atol} from '../keywords/args.js'
import {EXPERIMENTAL_ACTIONS} from '../keywords/rules.js'
import {type Directive, hasBackendCap, type Proxy} from '../model.js'
import {argsMayContain, directivesWithoutServers, proxyDirectivesNamed, report, type RuleContext, serversOfNote} from './context.js'
import {stickTableNames} from './sections.js'

/** `stick on|match|store-*` without `table X` needs a stick-table in the same proxy. */
export function stickTables(ctx: RuleContext): void {
  const withTable = stickTableNames(ctx)
  for (const {proxy: p, directive: d} of proxyDirectivesNamed(ctx, 'stick')) {
    if (!hasBackendCap(p)) continue
    const t = d.args.indexOf('table')
    const table = t !== -1 ? (d.args[t + 1] ?? '') : p.name
    if (!withTable.has(table)) {
      report(ctx, 'error', 'haproxy/undefined-table', d, `Proxy '${p.name}': unable to find stick-table '${table}'.`, [`add 'stick-table type ip size 100k expire 30m' to ${p.kind} '${table}'`])
    }
  }
}

export function cacheReferences(ctx: RuleContext): void {
  const caches = new Set(ctx.model.others.filter((o) => o.kind === 'cache').map((o) => o.name))
  for (let pi = 0; pi < ctx.model.proxies.length; pi++) {
    const p = ctx.model.proxies[pi] as Proxy
    let reported: Set<string> | undefined
    for (let ri = 0; ri < p.rules.length; ri++) {
      const r = p.rules[ri] as Proxy['rules'][number]
      if (r.action !== 'cache-use' && r.action !== 'cache-store') continue
      const name = r.args[0] ?? ''
      if (caches.has(name) || reported?.has(name) === true) continue
      ;(reported ??= new Set()).add(name)
      report(ctx, 'error', 'haproxy/undefined-cache', r.directive, `proxy '${p.name}': unable to find the cache '${name}' referenced by the filter 'cache'.`, [`declare 'cache ${name}' with total-max-size`])
    }
  }
}

const HTTP_AUTH = ['http_auth']

export function userlistReferences(ctx: RuleContext): void {
  const lists = ctx.model.userlists
  const pattern = /http_auth(?:_group)?\(([^),]+)/g
  for (let pi = 0; pi < ctx.model.proxies.length; pi++) {
    const p = ctx.model.proxies[pi] as Proxy
    const directives = directivesWithoutServers(ctx, p)
    for (let di = 0; di < directives.length; di++) {
      const d = directives[di] as Directive
      if (!argsMayContain(d, HTTP_AUTH)) continue
      for (const arg of d.args) {
        if (!arg.includes('http_auth')) continue
        for (const m of arg.matchAll(pattern)) {
          const name = m[1] as string
          if (!lists.has(name)) {
            report(ctx, 'error', 'haproxy/undefined-userlist', d, `unable to find userlist '${name}' referenced in arg 1 of ACL keyword 'http_auth' in proxy '${p.name}'.`, [`declare 'userlist ${name}' with its users`])
          }
        }
      }
    }
  }
}

export function serverOptionConflicts(ctx: RuleContext): void {
  for (const {proxy: p, server: s} of serversOfNote(ctx).referencing) {
    if (s.track !== undefined && s.check) {
      report(ctx, 'error', 'haproxy/conflicting-settings', s.directive, `'server ${p.name}/${s.name}' : unable to enable checks and tracking at the same time!`, ["remove 'check' (the tracked server's checks decide) or remove 'track'"])
    }
  }
}

/**
 * A checked server needs a port to check: its own (`10.0.0.1:80`) or `port N` (haproxy takes `port 0`/garbage as
 * none). Only IPv4 addresses and names are judged: there a missing `:` is a missing port without doubt.
 */
export function checkPorts(ctx: RuleContext): void {
  const proxies = ctx.model.proxies
  for (let pi = 0; pi < proxies.length; pi++) {
    const p = proxies[pi] as Proxy
    for (let si = 0; si < p.servers.length; si++) {
      const s = p.servers[si] as Proxy['servers'][number]
      if (!s.check || s.template !== undefined || s.track !== undefined || (s.family !== 'ipv4' && s.family !== 'host') || s.address.includes(':')) continue
      const port = s.options.port
      if (typeof port === 'string' && atol(port) !== 0) continue
      report(ctx, 'error', 'haproxy/missing-port', s.directive, `config: ${p.kind === 'listen' ? 'proxy' : p.kind} '${p.name}': server '${s.name}' has neither service port nor check port.`, [`give the server a port (${s.address}:80) or its checks one ('check port 80')`], s.directive.words[2])
    }
  }
}

/** `use-server NAME` must name a server of the proxy, even where it is ignored (a frontend). */
export function useServerTargets(ctx: RuleContext): void {
  const serverNames = new Map<Proxy, Set<string>>()
  for (const {proxy: p, directive: d} of proxyDirectivesNamed(ctx, 'use-server')) {
    let names = serverNames.get(p)
    if (names === undefined) serverNames.set(p, (names = new Set(p.servers.map((s) => s.name))))
    const name = d.args[0] ?? ''
    if (!names.has(name)) {
      report(ctx, 'error', 'haproxy/undefined-server', d, `${p.kind === 'listen' ? 'proxy' : p.kind} '${p.name}' : unable to find server '${name}' referenced in a 'use-server' rule.`, ['name a server declared in this backend'])
    }
  }
}

export function experimentalActions(ctx: RuleContext): void {
  if (ctx.model.global?.directives.some((d) => d.name === 'expose-experimental-directives')) return
  for (const p of [...ctx.model.defaults, ...ctx.model.proxies]) {
    for (let ri = 0; ri < p.rules.length; ri++) {
      const r = p.rules[ri] as Proxy['rules'][number]
      if (EXPERIMENTAL_ACTIONS.has(r.action)) {
        report(ctx, 'error', 'haproxy/experimental', r.directive, `'${r.action}' action is experimental, must be allowed via a global 'expose-experimental-directives'`, ["add 'expose-experimental-directives' to the global section"])
      }
    }
  }
}
