/**
 * Names that must resolve or be unique, as haproxy -c checks after parsing: backends named by
 * use_backend/default_backend, proxy and server names, tracked servers, resolvers; plus lbctl's
 * unused backends and ACLs.
 */
import type {Word} from '../lexer.js'
import {type Directive, hasBackendCap, hasFrontendCap, type Proxy, type Server} from '../model.js'
import {didYouMean} from '../keywords/args.js'
import {proxyDirectivesNamed, report, type RuleContext, serversOfNote, where} from './context.js'

export function duplicateProxies(ctx: RuleContext): void {
  // Frontends and backends live in separate namespaces; a listen is both, so it clashes with either.
  const frontends = new Map<string, Proxy>()
  const backends = new Map<string, Proxy>()
  for (let pi = 0; pi < ctx.model.proxies.length; pi++) {
    const p = ctx.model.proxies[pi] as Proxy
    const clash = (hasFrontendCap(p) ? frontends.get(p.name) : undefined) ?? (hasBackendCap(p) ? backends.get(p.name) : undefined)
    if (clash) {
      const kind = p.kind === 'listen' ? 'proxy' : p.kind
      const other = clash.kind === 'listen' ? 'proxy' : clash.kind
      report(ctx, 'error', 'haproxy/duplicate-proxy', p, `${kind} '${p.name}' has the same name as ${other} '${clash.name}' declared at ${where(clash)}.`, [`rename one of them; the other is declared at ${where(clash)}`])
      continue
    }
    if (hasFrontendCap(p)) frontends.set(p.name, p)
    if (hasBackendCap(p)) backends.set(p.name, p)
  }
}

/** Up to this many servers, a backend's names are compared pairwise: no Map per backend. */
const PAIRWISE_SERVERS = 24

export function duplicateServers(ctx: RuleContext): void {
  for (let pi = 0; pi < ctx.model.proxies.length; pi++) {
    const p = ctx.model.proxies[pi] as Proxy
    const servers = p.servers
    const seen = servers.length > PAIRWISE_SERVERS ? new Map<string, number>() : undefined
    for (let si = 0; si < servers.length; si++) {
      const s = servers[si] as Server
      if (s.template) continue
      const first = seen === undefined ? firstLineNamed(servers, si, s.name) : seen.get(s.name)
      if (first !== undefined) {
        report(ctx, 'error', 'haproxy/duplicate-server', s.directive, `backend '${p.name}', another server named '${s.name}' was already defined at line ${first}, please use distinct names.`, [`rename it; the first '${s.name}' is declared at ${s.file}:${first}`], s.directive.words[1])
      } else seen?.set(s.name, s.line)
    }
  }
}

/** The line of the first server (not a template) before index `end` named `name`. */
function firstLineNamed(servers: Server[], end: number, name: string): number | undefined {
  for (let i = 0; i < end; i++) {
    const s = servers[i] as Server
    if (s.name === name && !s.template) return s.line
  }
  return undefined
}

/** A backend name built from a log-format expression (`use_backend %[req.hdr(host)]`) is resolved at runtime. */
const isDynamic = (name: string): boolean => name.includes('%[')

export function undefinedBackends(ctx: RuleContext): void {
  const backendNames = new Map<string, Proxy>()
  for (let pi = 0; pi < ctx.model.proxies.length; pi++) {
    const p = ctx.model.proxies[pi] as Proxy
    if (hasBackendCap(p) && !backendNames.has(p.name)) backendNames.set(p.name, p)
  }
  const suggest = (name: string): string[] => {
    const guess = didYouMean(name, backendNames.keys())
    return guess ? [`did you mean '${guess}'?`] : [`declare 'backend ${name}' or fix the name`]
  }
  for (let pi = 0; pi < ctx.model.proxies.length; pi++) {
    const p = ctx.model.proxies[pi] as Proxy
    // haproxy -c resolves default_backend even where it is ignored (a backend, or inherited from defaults).
    const db = p.effective.defaultBackend
    const mode = p.effective.mode
    if (db !== undefined && !isDynamic(db)) {
      const target = backendNames.get(db)
      const at = p.defaultBackend?.location ?? p
      if (!target) report(ctx, 'error', 'haproxy/undefined-backend', at, `Proxy '${p.name}': unable to find required default_backend: '${db}'.`, suggest(db))
      else if (hasFrontendCap(p)) checkModes(ctx, p, target, mode, 'default_backend', at)
    }
    if (!hasFrontendCap(p)) continue
    for (let swi = 0; swi < p.useBackends.length; swi++) {
      const sw = p.useBackends[swi] as Proxy['useBackends'][number]
      if (isDynamic(sw.backend)) continue
      const target = backendNames.get(sw.backend)
      if (!target) report(ctx, 'error', 'haproxy/undefined-backend', sw.directive, `Proxy '${p.name}': unable to find required use_backend: '${sw.backend}'.`, suggest(sw.backend), sw.directive.words[1])
      else checkModes(ctx, p, target, mode, 'use_backend', sw.directive)
    }
  }
}

function checkModes(ctx: RuleContext, fe: Proxy, be: Proxy, mode: string, how: string, at: Parameters<typeof report>[3]): void {
  if (mode === 'http' && be.effective.mode !== 'http') {
    const what = how === 'default_backend' ? 'as its default backend' : 'in a use_backend rule'
    report(ctx, 'error', 'haproxy/mode-mismatch', at, `http frontend '${fe.name}' (${where(fe)}) tries to use incompatible tcp backend '${be.name}' (${where(be)}) ${what} (see 'mode').`, [`set 'mode http' in backend '${be.name}', or 'mode tcp' in '${fe.name}'`])
  }
}

export function serverReferences(ctx: RuleContext): void {
  const referencing = serversOfNote(ctx).referencing
  if (referencing.length === 0) return
  const resolvers = new Set(ctx.model.others.filter((o) => o.kind === 'resolvers').map((o) => o.name))
  const byName = new Map(ctx.model.proxies.filter(hasBackendCap).map((p) => [p.name, p]))
  for (const {proxy: p, server: s} of referencing) {
    if (s.track !== undefined) {
      const [proxyName, serverName] = s.track.includes('/') ? s.track.split('/', 2) : [p.name, s.track]
      const target = byName.get(proxyName ?? '')
      if (!target || !target.servers.some((x) => x.name === serverName)) {
        report(ctx, 'error', 'haproxy/undefined-server', s.directive, `'server ${p.name}/${s.name}' : unable to find required server '${s.track}' for tracking.`, ['track an existing server: track BACKEND/SERVER'])
      }
    }
    if (s.resolvers !== undefined && !resolvers.has(s.resolvers)) {
      report(ctx, 'error', 'haproxy/undefined-resolvers', s.directive, `backend '${p.name}', server '${s.name}': unable to find required resolvers '${s.resolvers}'`, [`declare 'resolvers ${s.resolvers}' with a nameserver`])
    }
  }
}

export function frontendWithoutBind(ctx: RuleContext): void {
  for (let pi = 0; pi < ctx.model.proxies.length; pi++) {
    const p = ctx.model.proxies[pi] as Proxy
    if (p.kind === 'frontend' && p.binds.length === 0) {
      report(ctx, 'warning', 'haproxy/no-bind', p, `frontend '${p.name}' has no 'bind' directive. Please declare it as a backend if this was intended.`, ["add 'bind :80' (or the address to listen on)"])
    }
  }
}

/** lbctl: backends no frontend can reach. */
export function unusedBackends(ctx: RuleContext): void {
  const used = new Set<string>()
  let dynamic = false
  for (let pi = 0; pi < ctx.model.proxies.length; pi++) {
    const p = ctx.model.proxies[pi] as Proxy
    for (let swi = 0; swi < p.useBackends.length; swi++) {
      const sw = p.useBackends[swi] as Proxy['useBackends'][number]
      if (isDynamic(sw.backend)) dynamic = true
      used.add(sw.backend)
    }
    if (p.effective.defaultBackend !== undefined) used.add(p.effective.defaultBackend)
  }
  if (dynamic) return
  for (let pi = 0; pi < ctx.model.backends.length; pi++) {
    const p = ctx.model.backends[pi] as Proxy
    if (!used.has(p.name)) report(ctx, 'warning', 'haproxy/unused-backend', p, `backend '${p.name}' is never used: no use_backend or default_backend names it.`, [`route to it ('use_backend ${p.name} if ...' / 'default_backend ${p.name}') or remove it`])
  }
}

/** lbctl: ACLs declared but never used in any condition of their proxy. */
export function unusedAcls(ctx: RuleContext): void {
  for (let pi = 0; pi < ctx.model.proxies.length; pi++) {
    const p = ctx.model.proxies[pi] as Proxy
    if (p.acls.length === 0) continue
    const used = new Set<string>()
    const add = (names: string[] | undefined) => names?.forEach((n) => used.add(n))
    for (let swi = 0; swi < p.useBackends.length; swi++) {
      const sw = p.useBackends[swi] as Proxy['useBackends'][number]
      add(sw.condition?.aclNames)
    }
    for (let ri = 0; ri < p.rules.length; ri++) {
      const r = p.rules[ri] as Proxy['rules'][number]
      add(r.condition?.aclNames)
    }
    add(p.stats.admin?.aclNames)
    // Other conditional keywords (redirect, monitor, use-server...) only show up as raw words.
    // Through the words (args are their values after the first), so no args array is made per line.
    for (let di = 0; di < p.directives.length; di++) {
      const d = p.directives[di] as Directive
      if (d.name === 'acl') continue
      for (let i = 1; i < d.words.length; i++) {
        const a = (d.words[i] as Word).value
        used.add(a.startsWith('!') ? a.slice(1) : a)
      }
    }
    const reported = new Set<string>()
    for (let acli = 0; acli < p.acls.length; acli++) {
      const acl = p.acls[acli] as Proxy['acls'][number]
      if (used.has(acl.name) || reported.has(acl.name)) continue
      reported.add(acl.name)
      report(ctx, 'warning', 'haproxy/unused-acl', acl.directive, `ACL '${acl.name}' is declared in ${p.kind} '${p.name}' but never used.`, ['use it in a condition (if/unless) or remove it'], acl.directive.words[1])
    }
  }
}

/** haproxy -c: `option transparent` routes to the original destination, so a balance algorithm contradicts it. */
export function transparentWithBalance(ctx: RuleContext): void {
  for (let pi = 0; pi < ctx.model.proxies.length; pi++) {
    const p = ctx.model.proxies[pi] as Proxy
    if (!hasBackendCap(p)) continue
    const t = p.effective.options.transparent
    if (t?.enabled && p.effective.balance) {
      report(ctx, 'error', 'haproxy/conflicting-settings', t, `${p.kind === 'listen' ? 'proxy' : 'backend'} '${p.name}' cannot use both transparent and balance mode.`, ["remove 'balance' (transparent mode connects to the original destination) or remove 'option transparent'"])
    }
  }
}

/** haproxy -c: an external-check command needs an absolute path or an `external-check path`. */
export function externalCheckCommand(ctx: RuleContext): void {
  // Only proxies that set it or inherit it can be concerned: skip the walk when no section has it.
  if (proxyDirectivesNamed(ctx, 'external-check').length === 0 && !ctx.model.defaults.some((p) => p.directives.some((d) => d.name === 'external-check'))) return
  for (let pi = 0; pi < ctx.model.proxies.length; pi++) {
    const p = ctx.model.proxies[pi] as Proxy
    if (!p.directives.some((d) => d.keyword === 'external-check command') && !p.inheritsFrom?.directives.some((d) => d.keyword === 'external-check command')) continue
    const all = [...(p.inheritsFrom?.directives ?? []), ...p.directives]
    const command = all.filter((d) => d.keyword === 'external-check command').pop()
    const path = all.some((d) => d.keyword === 'external-check path')
    if (command && !(command.args[1] ?? '').startsWith('/') && !path) {
      report(ctx, 'error', 'haproxy/invalid-argument', command, `Proxy '${p.name}': 'external-check command' does not have a leading '/' and 'external-check path' is not set.`, ['give the absolute path of the command, or set external-check path'])
    }
  }
}
