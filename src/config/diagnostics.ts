import {palette} from './ansi.js'

export type Severity = 'error' | 'warning' | 'info'

/** A position span in a source file: 1-based lines and columns, endColumn exclusive. */
export interface Range {
  line: number
  column: number
  endLine: number
  endColumn: number
}

export interface Diagnostic extends Range {
  /** Stable identifier, e.g. `haproxy/unknown-keyword`. */
  code: string
  severity: Severity
  file: string
  message: string
  /** Concrete next steps, e.g. `did you mean 'timeout connect'?`. */
  suggestions: string[]
  /** Who produced it: lbctl's own rules or a real binary run as an oracle. */
  source?: 'lbctl' | 'haproxy' | 'keepalived'
  /** With --oracle: the real binaries that reported the same problem on the same line. */
  confirmedBy?: string[]
}

export function diagnostic(
  code: string,
  severity: Severity,
  file: string,
  range: Range,
  message: string,
  suggestions: string[] = [],
): Diagnostic {
  return {code, severity, file, ...range, message, suggestions}
}

/** A range covering a whole line (or the start of the file when the line is unknown). */
export function lineRange(line: number, column = 1, length = 1): Range {
  return {line, column, endLine: line, endColumn: column + Math.max(length, 1)}
}

const severityOrder: Record<Severity, number> = {error: 0, warning: 1, info: 2}

export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      severityOrder[a.severity] - severityOrder[b.severity] ||
      a.code.localeCompare(b.code),
  )
}

export function countBySeverity(diagnostics: Diagnostic[]): Record<Severity, number> {
  const counts: Record<Severity, number> = {error: 0, warning: 0, info: 0}
  for (const d of diagnostics) counts[d.severity]++
  return counts
}

export interface RenderOptions {
  color: boolean
  /** Source text per file, to print the offending line with a caret. */
  sources: Map<string, string>
}

/** `file:line:col: error[code]: message`, the source line, a caret, then suggestions. */
export function renderDiagnostic(d: Diagnostic, options: RenderOptions): string {
  const c = palette(options.color)
  const paint = d.severity === 'error' ? c.redBold : d.severity === 'warning' ? c.yellowBold : c.cyanBold
  const origin = d.source && d.source !== 'lbctl' ? ` (${d.source})` : d.confirmedBy ? ` (also ${d.confirmedBy.join(', ')})` : ''
  const lines = [`${c.bold(`${d.file}:${d.line}:${d.column}`)}: ${paint(d.severity)}[${d.code}]${origin}: ${d.message}`]
  const sourceLine = getLine(options.sources.get(d.file), d.line)
  if (sourceLine !== undefined) {
    const gutter = String(d.line).padStart(5) + ' | '
    const shown = sourceLine.replace(/\t/g, ' ')
    const width = d.endLine === d.line ? Math.max(1, d.endColumn - d.column) : Math.max(1, shown.length - d.column + 1)
    lines.push(c.dim(gutter) + shown)
    lines.push(' '.repeat(gutter.length + d.column - 1) + paint('^'.repeat(Math.min(width, Math.max(1, shown.length - d.column + 1)))))
  }
  for (const s of d.suggestions) lines.push(`      ${c.green('fix:')} ${s}`)
  return lines.join('\n')
}

function getLine(text: string | undefined, line: number): string | undefined {
  if (text === undefined || line < 1) return undefined
  let start = 0
  for (let i = 1; i < line; i++) {
    const next = text.indexOf('\n', start)
    if (next === -1) return undefined
    start = next + 1
  }
  const end = text.indexOf('\n', start)
  const raw = text.slice(start, end === -1 ? undefined : end)
  return raw.endsWith('\r') ? raw.slice(0, -1) : raw
}

/** The JSON shape of a diagnostic, with every field present. */
export function diagnosticToJson(d: Diagnostic) {
  return {
    code: d.code,
    severity: d.severity,
    file: d.file,
    line: d.line,
    column: d.column,
    endLine: d.endLine,
    endColumn: d.endColumn,
    message: d.message,
    suggestions: d.suggestions,
    source: d.source ?? 'lbctl',
    confirmedBy: d.confirmedBy ?? [],
  }
}
