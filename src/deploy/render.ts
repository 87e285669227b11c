/** Human output of deploy, rollback and status: the plan, the summary table, the status table. */
import {Chalk} from 'chalk'
import {renderChanges} from '../config/diff-render.js'
import type {HostPlan} from './plan.js'
import type {DeployResult, HostResult} from './result.js'
import type {StatusResult} from './status.js'

/** Per host: which files change and what that means; secrets are already redacted by the diff. */
export function renderPlan(plans: HostPlan[], color: boolean): string {
  const c = new Chalk({level: color ? 1 : 0})
  const out: string[] = []
  for (const plan of plans) {
    const role = plan.target.role ? ` (${plan.target.role}${plan.target.priority ? ` ${plan.target.priority}` : ''})` : ''
    out.push(c.bold(`${plan.target.name}${role}${plan.target.dest === plan.target.name ? '' : ` ${c.dim(plan.target.dest)}`}`))
    for (const f of plan.files) {
      if (!f.changed) {
        out.push(`  ${f.file.remotePath}: unchanged`)
        continue
      }
      const what = f.current === undefined ? 'new file' : f.diff.length === 0 ? 'changes in comments or spacing only' : `${f.diff.length} change${f.diff.length === 1 ? '' : 's'}`
      out.push(`  ${f.file.remotePath}: ${what}`)
      if (f.diff.length > 0 && f.current !== undefined) out.push(indent(renderChanges(f.diff, color), 4))
    }
  }
  return out.join('\n')
}

/** One row per host: what happened, the failed step, time. */
export function renderSummary(result: DeployResult, roles: Map<string, string | undefined>, dryRun: boolean): string {
  const rows = result.hosts.map((h) => [h.host, roles.get(h.host) ?? '-', outcome(h, dryRun), `${h.diff.length}`, h.steps.length === 0 ? '-' : `${totalMs(h)} ms`])
  const header = ['HOST', 'ROLE', 'RESULT', 'CHANGES', 'TIME']
  const lines = table([header, ...rows])
  const failed = result.hosts.filter((h) => h.steps.some((s) => !s.ok))
  for (const h of failed) {
    const step = h.steps.find((s) => !s.ok)!
    lines.push('', `${h.host}: ${step.name} failed:`, indent(step.output, 2))
  }
  const stopped = !result.ok && failed.length === 0
  lines.push(
    '',
    dryRun
      ? 'dry run: nothing was changed'
      : result.ok
        ? 'all hosts deployed'
        : stopped
          ? 'stopped (Ctrl-C): the skipped hosts were not touched'
          : 'FAILED: see above; hosts after the failed one were not touched',
  )
  return lines.join('\n')
}

function outcome(h: HostResult, dryRun: boolean): string {
  if (h.steps.length === 0) return dryRun ? (h.diff.length > 0 ? 'would change' : 'planned') : 'skipped'
  const failed = h.steps.find((s) => !s.ok)
  if (!failed) return h.steps.some((s) => s.name === 'unchanged') ? 'unchanged' : h.rolledBack ? 'rolled back' : 'deployed'
  if (h.rolledBack) return hostRestored(h) ? `rolled back (${failed.name} failed)` : `FAILED at ${failed.name}; restore failed`
  return `FAILED at ${failed.name} (host untouched)`
}

function hostRestored(h: HostResult): boolean {
  const after = h.steps.slice(h.steps.findIndex((s) => s.name === 'restore'))
  return after.length > 0 && after.every((s) => s.ok)
}

export function renderStatus(status: StatusResult): string {
  const rows = [['HOST', 'VERSION', 'RUNS', 'FILES', 'KEPT VERSIONS']]
  for (const h of status.hosts) {
    if (h.files === null) {
      rows.push([h.host, '-', 'unreachable', h.error ?? '', ''])
      continue
    }
    const files = h.files.map((f) => `${f.config} ${f.sha256 ?? 'missing'}${f.matchesLocal === false ? ' (differs from local)' : ''}`).join(', ')
    rows.push([h.host, h.version ?? '-', h.runs ?? '-', files, h.versions.map((v) => `${v.version}:${v.hash.slice(0, 8)}`).join(' ') || 'none'])
  }
  return table(rows).join('\n')
}

function totalMs(h: HostResult): number {
  return h.steps.reduce((sum, s) => sum + s.ms, 0)
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)))
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd())
}

function indent(text: string, n: number): string {
  const pad = ' '.repeat(n)
  return text
    .split('\n')
    .map((l) => pad + l)
    .join('\n')
}
