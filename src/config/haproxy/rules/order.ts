/**
 * Rule-order traps: rules HAProxy will never reach, and rules written in an order HAProxy does not
 * follow (it processes tcp-request, then http-request, then redirect, then use_backend, whatever the file says).
 */
import type {Directive, Proxy} from '../model.js'
import {directivesWithoutServers, report, type RuleContext} from './context.js'

/** Actions that end the evaluation of their rule set. */
const FINAL_ACTIONS: Record<string, Set<string>> = {
  'http-request': new Set(['allow', 'deny', 'reject', 'tarpit', 'redirect', 'return', 'auth', 'silent-drop', 'use-service']),
  'http-response': new Set(['allow', 'deny', 'redirect', 'return', 'silent-drop']),
  'http-after-response': new Set(['allow']),
  'tcp-request connection': new Set(['accept', 'reject', 'silent-drop']),
  'tcp-request session': new Set(['accept', 'reject', 'silent-drop']),
  'tcp-request content': new Set(['accept', 'reject', 'silent-drop', 'use-service']),
  'tcp-response content': new Set(['accept', 'reject', 'close', 'silent-drop']),
}

const isUnconditional = (sw: Proxy['useBackends'][number]): boolean => sw.condition === undefined

export function unreachableRules(ctx: RuleContext): void {
  // One map for every proxy, cleared for those with rules (a clear makes a new table; most proxies of a big config have no rule).
  const firstFinal = new Map<string, Directive>()
  for (let pi = 0; pi < ctx.model.proxies.length; pi++) {
    const p = ctx.model.proxies[pi] as Proxy
    if (p.rules.length > 0) firstFinal.clear()
    for (let ri = 0; ri < p.rules.length; ri++) {
      const r = p.rules[ri] as Proxy['rules'][number]
      const blocker = firstFinal.get(r.set)
      if (blocker) {
        report(ctx, 'warning', 'haproxy/unreachable-rule', r.directive, `this '${r.set} ${r.action}' rule is never evaluated: the unconditional '${blocker.args.join(' ')}' at line ${blocker.line} ends ${r.set} processing first.`, [`move it above line ${blocker.line}, or give that rule a condition`])
        continue
      }
      if (r.condition === undefined && FINAL_ACTIONS[r.set]?.has(r.action)) firstFinal.set(r.set, r.directive)
    }
    const unconditional = p.useBackends.find(isUnconditional)
    if (unconditional) {
      for (let swi = 0; swi < p.useBackends.length; swi++) {
        const sw = p.useBackends[swi] as Proxy['useBackends'][number]
        if (sw.line > unconditional.line) {
          report(ctx, 'warning', 'haproxy/unreachable-rule', sw.directive, `'use_backend ${sw.backend}' is never evaluated: 'use_backend ${unconditional.backend}' at line ${unconditional.line} has no condition and always matches first.`, ['give the earlier use_backend a condition, or use default_backend for the fallback'])
        }
      }
      if (p.defaultBackend && p.defaultBackend.location.line > unconditional.line && p.defaultBackend.location.file === unconditional.file) {
        report(ctx, 'warning', 'haproxy/unreachable-rule', p.defaultBackend.location, `'default_backend ${p.defaultBackend.name}' is never used: 'use_backend ${unconditional.backend}' at line ${unconditional.line} has no condition.`, ['replace the unconditional use_backend with default_backend'])
      }
    }
  }
}

/** HAProxy's own "rule placed after ... will still be processed before" warnings. */
export function misorderedRules(ctx: RuleContext): void {
  for (let pi = 0; pi < ctx.model.proxies.length; pi++) {
    const p = ctx.model.proxies[pi] as Proxy
    let seenHttpRequest: Directive | undefined
    let seenRedirect: Directive | undefined
    let seenTcpContent: Directive | undefined
    const directives = directivesWithoutServers(ctx, p)
    for (let di = 0; di < directives.length; di++) {
      const d = directives[di] as Directive
      const kw = d.name
      if (kw === 'tcp-request') {
        if (seenHttpRequest) report(ctx, 'warning', 'haproxy/rule-order', d, "a 'tcp-request' rule placed after an 'http-request' rule will still be processed before.", ["move tcp-request rules above http-request rules to match the processing order"])
        else if (d.args[0] === 'connection' && seenTcpContent) report(ctx, 'warning', 'haproxy/rule-order', d, "a 'tcp-request' rule placed after a 'tcp-request content' rule will still be processed before.", ['move it above the tcp-request content rules'])
        if (d.args[0] === 'content') seenTcpContent = d
      } else if (kw === 'http-request') {
        if (seenRedirect) report(ctx, 'warning', 'haproxy/rule-order', d, "a 'http-request' rule placed after a 'redirect' rule will still be processed before.", ['move http-request rules above redirect rules'])
        seenHttpRequest = d
      } else if (kw === 'redirect') seenRedirect = d
      else if (kw === 'monitor' && seenHttpRequest) {
        report(ctx, 'warning', 'haproxy/rule-order', d, "a 'monitor fail' rule placed after an 'http-request' rule will still be processed before.", ['move it above the http-request rules'])
      }
    }
  }
}
