import {type Diagnostic, diagnostic, type Range, type Severity} from '../../diagnostics.js'
import type {KeepalivedEnvironment} from '../env.js'
import type {KeepalivedModel, SourceRef} from '../model.js'

export interface RuleContext {
  model: KeepalivedModel
  env: KeepalivedEnvironment
  strictEnv: boolean
  report(code: string, severity: Severity, at: SourceRef, message: string, suggestions?: string[]): void
  /** Environment-only problems: warnings unless strictEnv. */
  reportEnv(code: string, at: SourceRef, message: string, suggestions?: string[]): void
}

export function createRuleContext(model: KeepalivedModel, env: KeepalivedEnvironment, strictEnv: boolean, out: Diagnostic[]): RuleContext {
  return {
    model,
    env,
    strictEnv,
    report: (code, severity, at, message, suggestions = []) => out.push(diagnostic(code, severity, at.file, lineOnly(at), message, suggestions)),
    reportEnv: (code, at, message, suggestions = []) =>
      out.push(diagnostic(code, strictEnv ? 'error' : 'warning', at.file, lineOnly(at), message, [...suggestions, ...(strictEnv ? [] : ['this depends on the machine keepalived runs on'])])),
  }
}

/** Diagnostics point at one line even when the statement opens a block. */
function lineOnly(at: SourceRef): Range {
  return at.endLine === at.line ? at : {line: at.line, column: at.column, endLine: at.line, endColumn: at.column + 1}
}

export const where = (at: SourceRef) => `${at.file}:${at.line}`
