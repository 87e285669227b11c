/** Whole-section requirements haproxy -c enforces after parsing: stick tables, userlist groups, program, cache. */
import type {Proxy} from '../model.js'
import {proxyDirectivesNamed, report, type RuleContext} from './context.js'

/** `track-sc0 <key> [table <name>]` needs a stick-table in the named proxy, or in its own. */
/** Every stick table: proxies with a stick-table, and `table NAME` lines of peers sections (`peers/NAME`). */
export function stickTableNames(ctx: RuleContext): Set<string> {
  const tables = new Set(proxyDirectivesNamed(ctx, 'stick-table').map((e) => e.proxy.name))
  for (const o of ctx.model.others) if (o.kind === 'peers') for (const d of o.directives) if (d.name === 'table') tables.add(`${o.name}/${d.args[0] ?? ''}`)
  return tables
}

export function trackedTables(ctx: RuleContext): void {
  const tables = stickTableNames(ctx)
  for (let pi = 0; pi < ctx.model.proxies.length; pi++) {
    const p = ctx.model.proxies[pi] as Proxy
    for (let ri = 0; ri < p.rules.length; ri++) {
      const r = p.rules[ri] as Proxy['rules'][number]
      const m = /^track-sc(\d+)$/.exec(r.action)
      if (!m) continue
      const t = r.args.indexOf('table')
      const table = t !== -1 ? (r.args[t + 1] ?? '') : p.name
      if (!tables.has(table)) {
        report(ctx, 'error', 'haproxy/undefined-table', r.directive, `Proxy '${p.name}': unable to find table '${table}' referenced by track-sc${m[1]}.`, [t === -1 ? `add 'stick-table type ip size 100k expire 30s' to ${p.kind} '${p.name}', or name a table: track-sc${m[1]} src table NAME` : `declare a stick-table in backend '${table}'`])
      }
    }
  }
}

export function userlistGroups(ctx: RuleContext): void {
  for (const o of ctx.model.others) {
    if (o.kind !== 'userlist') continue
    const groups = new Set(o.directives.filter((d) => d.name === 'group').map((d) => d.args[0]))
    for (const u of ctx.model.userlists.get(o.name) ?? []) {
      for (const g of u.groups) {
        if (!groups.has(g)) {
          const at = o.directives.find((d) => d.name === 'user' && d.line === u.line) ?? u
          report(ctx, 'error', 'haproxy/undefined-group', at, `userlist '${o.name}': no such group '${g}' specified in user '${u.name}'`, [`declare 'group ${g}' in userlist '${o.name}' before the users`])
        }
      }
    }
  }
}

export function programNeedsMasterWorker(ctx: RuleContext): void {
  const program = ctx.model.others.find((o) => o.kind === 'program')
  if (!program) return
  if (ctx.model.global?.directives.some((d) => d.name === 'master-worker')) return
  report(ctx, 'error', 'haproxy/program-without-master-worker', program, "Can't use a 'program' section without master worker mode.", ["add 'master-worker' to the global section (or run haproxy with -W)"])
}

export function cacheSize(ctx: RuleContext): void {
  for (const o of ctx.model.others) {
    if (o.kind === 'cache' && !o.directives.some((d) => d.name === 'total-max-size')) {
      report(ctx, 'error', 'haproxy/missing-argument', o, `Size not specified for cache '${o.name}'`, ["add 'total-max-size <megabytes>'"])
    }
  }
}
