import type {ValueLine} from '../model.js'
import type {RuleContext} from './context.js'

/** Route types written before the destination (vrrp_iproute.c). */
const routeTypes = new Set(['unicast', 'blackhole', 'unreachable', 'prohibit', 'throw', 'local', 'broadcast', 'multicast', 'nat', 'anycast'])
/** keepalived's default rule preference when none is given, counting down for each such rule. */
const FIRST_DEFAULT_PREFERENCE = 16384

/**
 * static_routes/virtual_routes and static_rules/virtual_rules: keepalived tracks routes by their
 * interface (so a route without `dev` cannot be tracked unless it says `no_track`) and numbers rules
 * without a preference itself, which rarely gives the intended order.
 */
export function checkRoutesAndRules(ctx: RuleContext): void {
  const {model} = ctx
  for (const route of [...model.staticRoutes, ...model.vrrpInstances.flatMap((vi) => vi.virtualRoutes)]) checkRoute(ctx, route)
  const rules = inSourceOrder([...model.staticRules, ...model.vrrpInstances.flatMap((vi) => vi.virtualRules)])
  let preference = FIRST_DEFAULT_PREFERENCE
  for (const rule of rules) {
    if (rule.words.some((w) => w === 'priority' || w === 'preference' || w === 'order')) continue
    ctx.report('keepalived/rule-no-preference', 'error', rule.at, `Rule has no preference specified - setting to ${preference}. This is probably not what you want.`, [
      'add `priority N` so the rule order is yours, not keepalived\'s',
    ])
    preference--
  }
}

function checkRoute(ctx: RuleContext, route: ValueLine): void {
  const {words} = route
  if (words.includes('no_track')) return
  const nexthop = words.indexOf('nexthop')
  const own = nexthop === -1 ? words : words.slice(0, nexthop)
  if (own.includes('dev') || own.includes('oif')) return
  let i = 0
  while (i < words.length && routeTypes.has(words[i]!)) i++
  if (words[i] === 'to') i++
  const destination = words[i] ?? words[0] ?? ''
  ctx.report('keepalived/route-untrackable', 'error', route.at, `Warning - cannot track route ${destination} with no interface specified, not tracking`, [
    'add `dev IFNAME` to the route, or `no_track` if its state should not matter',
  ])
}

function inSourceOrder(lines: ValueLine[]): ValueLine[] {
  const files = [...new Set(lines.map((l) => l.at.file))]
  return [...lines].sort((a, b) => files.indexOf(a.at.file) - files.indexOf(b.at.file) || a.at.line - b.at.line)
}
