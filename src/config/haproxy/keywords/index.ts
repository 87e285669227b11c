/** The keyword registry: which keywords each section accepts, and the generic checks every directive gets. */
import {ARG_LIMITS} from './arg-limits.js'
import {ACL_KEYWORD} from './acl.js'
import {didYouMean} from './args.js'
import {BIND_KEYWORD} from './bind.js'
import {GLOBAL_KEYWORDS} from './global.js'
import {MISC_KEYWORDS} from './misc.js'
import {OPTION_KEYWORD} from './options.js'
import {PROXY_KEYWORDS} from './proxies.js'
import {RULE_KEYWORDS} from './rules.js'
import {isProxyKind, type ProxyKind, type SectionKind} from './sections.js'
import {SERVER_KEYWORDS} from './server.js'
import type {KeywordContext, KeywordSpec} from './spec.js'
import {STATS_KEYWORD} from './stats.js'

export const PROXY_SPECS: KeywordSpec[] = [...PROXY_KEYWORDS, OPTION_KEYWORD, BIND_KEYWORD, ...SERVER_KEYWORDS, ACL_KEYWORD, ...RULE_KEYWORDS, STATS_KEYWORD]

/** Every spec, for table tests. */
export const ALL_SPECS: KeywordSpec[] = [...GLOBAL_KEYWORDS, ...PROXY_SPECS, ...MISC_KEYWORDS]

const bySection = new Map<string, Map<string, KeywordSpec>>()
function register(section: string, s: KeywordSpec): void {
  let table = bySection.get(section)
  if (!table) bySection.set(section, (table = new Map()))
  table.set(s.name, s)
}
for (const s of [...GLOBAL_KEYWORDS, ...MISC_KEYWORDS]) for (const section of s.sections ?? []) register(section, s)
for (const s of PROXY_SPECS) register('proxy', s)
for (const [section, limits] of Object.entries(ARG_LIMITS)) {
  for (const [name, max] of Object.entries(limits)) {
    const s = bySection.get(section)?.get(name)
    if (s !== undefined) s.maxArgs ??= max
  }
}

export function lookupKeyword(section: SectionKind, name: string): KeywordSpec | undefined {
  return bySection.get(isProxyKind(section) ? 'proxy' : section)?.get(name)
}

export function keywordNames(section: SectionKind): string[] {
  return [...(bySection.get(isProxyKind(section) ? 'proxy' : section)?.keys() ?? [])]
}

const MATRIX_INDEX: Record<ProxyKind, number> = {defaults: 0, frontend: 1, listen: 2, backend: 3}

/**
 * Runs the generic checks for one directive whose keyword is known: removal, placement in the proxy
 * matrix, argument count, then the spec's own validation. Returns false when the directive is rejected.
 */
export function checkDirective(s: KeywordSpec, ctx: KeywordContext, named: boolean): boolean {
  const keyword = ctx.words[0]
  if (s.removed) {
    ctx.report('error', 'haproxy/removed-keyword', s.removed.message, keyword, replacementHint(s.removed.message))
    return false
  }
  if (s.deprecated) ctx.report('warning', 'haproxy/deprecated-keyword', s.deprecated.message, keyword)
  const kind = ctx.section
  if (s.proxy && isProxyKind(kind)) {
    const flag = s.proxy[MATRIX_INDEX[kind]] ?? 'X'
    if (flag === '-' || flag === 'e' || (flag === 'n' && !named)) {
      const custom = s.misplaced?.(kind, ctx.sectionName, named)
      const message =
        custom ??
        (kind === 'defaults'
          ? `'${s.name}' not allowed in ${flag === 'n' ? 'anonymous ' : ''}'defaults' section.`
          : `'${s.name}' not allowed because ${kind} '${ctx.sectionName}' has no ${kind === 'frontend' ? 'backend' : 'frontend'} capability.`)
      const hint = kind === 'defaults' ? (flag === 'n' ? ['name the defaults section (defaults NAME) or move this line into the proxy'] : ['move this line into a frontend, backend or listen section']) : [`move it to a ${kind === 'frontend' ? 'backend or listen' : 'frontend or listen'} section`]
      ctx.report('error', 'haproxy/misplaced-keyword', message, keyword, hint)
      return false
    }
    if (flag === 'w') {
      const message = s.misplaced?.(kind, ctx.sectionName, named) ?? `'${s.name}' ignored because ${kind} '${ctx.sectionName}' has no ${kind === 'frontend' ? 'backend' : 'frontend'} capability.`
      ctx.report('warning', 'haproxy/ignored-keyword', message, keyword)
      return true
    }
  }
  const argc = ctx.words.length - 1
  if (s.minArgs !== undefined && argc < s.minArgs) {
    ctx.report('error', 'haproxy/missing-argument', s.missing ?? `'${s.name}' expects at least ${s.minArgs} argument${s.minArgs === 1 ? '' : 's'}.`, keyword)
    return false
  }
  if (s.maxArgs !== undefined && argc > s.maxArgs) {
    const extra = ctx.words[s.maxArgs + 1]
    ctx.report('error', 'haproxy/too-many-arguments', `'${s.name}' cannot handle unexpected argument '${extra?.value ?? ''}'.`, extra)
    return false
  }
  s.validate?.(ctx)
  return true
}

function replacementHint(message: string): string[] {
  const m = /Use (.*?)(?: instead| which|\.$|$)/.exec(message)
  return m?.[1] ? [`use ${m[1].replace(/\.$/, '')}`] : ['remove this line']
}

/** HAProxy's unknown-keyword message, plus a did-you-mean over the section's keywords. */
export function unknownKeyword(section: SectionKind | 'none', name: string): {message: string; suggestions: string[]} {
  if (section === 'none') {
    return {message: `unknown keyword '${name}' out of section.`, suggestions: ['start a section first (global, defaults, frontend NAME, backend NAME, listen NAME...)']}
  }
  const guess = didYouMean(name, keywordNames(section))
  return {message: `unknown keyword '${name}' in '${section}' section`, suggestions: guess ? [`did you mean '${guess}'?`] : []}
}
