/** What every rule receives, and the helpers they share to report diagnostics at a model location. */
import {type Diagnostic, diagnostic, type Severity} from '../../diagnostics.js'
import type {HaproxyCheckOptions, HaproxyConfigParse} from '../index.js'
import type {Word} from '../lexer.js'
import type {Directive, HaproxyModel, Location} from '../model.js'

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
