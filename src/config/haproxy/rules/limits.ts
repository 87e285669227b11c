/** Capacity settings that contradict each other: ulimit-n vs maxconn, frontend maxconn above the global one. */
import type {Proxy} from '../model.js'
import {report, type RuleContext} from './context.js'

/** HAProxy needs two file descriptors per connection plus a few for listeners, logs and checks. */
export const fdsNeeded = (maxconn: number): number => maxconn * 2 + 18

export function ulimitVsMaxconn(ctx: RuleContext): void {
  const g = ctx.model.global
  if (g?.ulimitN === undefined || g.maxconn === undefined) return
  const need = fdsNeeded(g.maxconn)
  if (g.ulimitN < need) {
    const at = g.directives.find((d) => d.keyword === 'ulimit-n') ?? g
    report(ctx, 'warning', 'haproxy/ulimit-too-low', at, `ulimit-n ${g.ulimitN} is below what maxconn ${g.maxconn} needs (maxconn×2+18 = ${need}): haproxy will refuse connections or lower maxconn.`, [`set 'ulimit-n ${need}' or remove it and let haproxy compute it`])
  }
}

export function frontendMaxconn(ctx: RuleContext): void {
  const globalMax = ctx.model.global?.maxconn
  if (globalMax === undefined) return
  for (let pi = 0; pi < ctx.model.proxies.length; pi++) {
    const p = ctx.model.proxies[pi] as Proxy
    if (p.maxconn !== undefined && p.maxconn > globalMax) {
      const at = p.directives.find((d) => d.keyword === 'maxconn') ?? p
      report(ctx, 'warning', 'haproxy/maxconn-above-global', at, `${p.kind} '${p.name}' allows maxconn ${p.maxconn}, above the global maxconn ${globalMax}: the global limit wins.`, [`raise the global maxconn or lower this one to ${globalMax}`])
    }
  }
}
