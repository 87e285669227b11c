/**
 * Whether a parsed keepalived.conf can run, judged like the keepalived daemon rather than `keepalived -t`:
 * the daemon logs an unknown keyword or an out-of-range number and goes on without that line (the
 * seeds' `nat_mask`, `nb_get_retry`, `persistence_timeout 0` under keepalived 2.x), so `lbctl run` does
 * too, printing them as warnings. Every other error refuses the file, as before.
 */
import {type Diagnostic, renderDiagnostic} from '../config/diagnostics.js'
import type {parseKeepalived} from '../config/keepalived/index.js'
import type {SourceFile} from '../config/source.js'
import {UserError} from '../errors.js'

/** Complaints after which the keepalived daemon skips the line and runs. */
const SKIPPED_BY_THE_DAEMON = new Set(['keepalived/unknown-keyword', 'keepalived/number-range'])

export function checkRunnableKeepalived(source: SourceFile, parse: ReturnType<typeof parseKeepalived>, log: (line: string) => void): void {
  const errors = parse.diagnostics.filter((d) => d.severity === 'error')
  if (errors.length === 0) return
  const sources = new Map(parse.files.map((file) => [file.source.path, file.source.text] as const))
  sources.set(source.path, source.text)
  const render = (d: Diagnostic) => log(renderDiagnostic(d, {color: false, sources}))
  const refused = errors.filter((d) => !SKIPPED_BY_THE_DAEMON.has(d.code))
  if (refused.length > 0) {
    refused.forEach(render)
    throw new UserError('run/invalid-config', `${source.path} has ${refused.length} error(s): refusing to run it`, {hint: `fix them; \`lbctl validate ${source.path}\` shows everything`})
  }
  for (const d of errors) render({...d, severity: 'warning', message: `${d.message} (keepalived skips this line and runs; so does lbctl run)`})
}
