/** Reads haproxy.cfg files and turns them into an engine plan, or the reasons it cannot run. */
import type {Diagnostic} from '../../config/diagnostics.js'
import {parseHaproxyFiles} from '../../config/haproxy/index.js'
import {readSourceFile, type SourceFile} from '../../config/source.js'
import {type EnginePlan, planEngine} from './plan.js'

export type LoadResult =
  | {ok: true; plan: EnginePlan; warnings: Diagnostic[]}
  | {ok: false; errors: Diagnostic[]; problems: string[]; sources: Map<string, string>}

export function loadHaproxyConfig(paths: string[], env?: Record<string, string | undefined>): LoadResult {
  const sources: SourceFile[] = paths.map((path) => readSourceFile(path))
  const parse = parseHaproxyFiles(sources, env ? {env} : {})
  const errors = parse.diagnostics.filter((d) => d.severity === 'error')
  const texts = new Map(sources.map((s) => [s.path, s.text] as const))
  if (errors.length > 0) return {ok: false, errors, problems: [], sources: texts}
  const planned = planEngine(parse.model)
  if (!planned.ok) return {ok: false, errors: [], problems: planned.problems, sources: texts}
  return {ok: true, plan: planned.plan, warnings: parse.diagnostics.filter((d) => d.severity === 'warning')}
}
