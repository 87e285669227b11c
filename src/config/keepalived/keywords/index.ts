import {globalDefsContexts} from './global-defs.js'
import type {ContextSpec, KeywordSpec} from './spec.js'
import {topContexts} from './static.js'
import {virtualServerContexts} from './virtual-server.js'
import {vrrpInstanceContexts} from './vrrp-instance.js'
import {vrrpScriptContexts} from './vrrp-script.js'
import {vrrpSyncGroupContexts} from './vrrp-sync-group.js'

export * from './spec.js'

export const contexts: ReadonlyMap<string, ContextSpec> = new Map(
  [...topContexts, ...globalDefsContexts, ...vrrpScriptContexts, ...vrrpInstanceContexts, ...vrrpSyncGroupContexts, ...virtualServerContexts].map((c) => [c.name, c]),
)

/** The spec of `keyword` in `context`: a detailed one, or a bare one for keywords only known to exist. */
export function findKeyword(context: string, keyword: string): KeywordSpec | undefined {
  const spec = contexts.get(context)
  if (!spec) return undefined
  return spec.keywords.find((k) => k.name === keyword) ?? (spec.known?.includes(keyword) ? {name: keyword} : undefined)
}

export function keywordNames(context: string): string[] {
  const spec = contexts.get(context)
  if (!spec) return []
  return [...new Set([...spec.keywords.map((k) => k.name), ...(spec.known ?? [])])]
}
