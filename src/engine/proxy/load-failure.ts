/** Why a haproxy.cfg cannot run under the bundled engine, written out line by line and summed up as one UserError. */
import {renderDiagnostic} from '../../config/diagnostics.js'
import {UserError} from '../../errors.js'
import type {LoadResult} from './load.js'

export function loadFailure(result: Extract<LoadResult, {ok: false}>, files: string[], log: (line: string) => void): UserError {
  for (const d of result.errors) log(renderDiagnostic(d, {color: false, sources: result.sources}))
  for (const p of result.problems) log(`error: ${p}`)
  const subject = `${files.join(', ')}: `
  if (result.errors.length > 0) {
    return new UserError('run/invalid-config', `${subject}${result.errors.length} error(s): refusing to run it`, {hint: `fix them; \`lbctl validate ${files.join(' ')}\` shows everything`})
  }
  // Plan-time problems mix configuration mistakes (a missing certificate, an unknown backend) with features the
  // engine lacks; each line above says which, so the summary does not guess.
  return new UserError('run/invalid-config', `${subject}${result.problems.length} problem(s) stop the bundled engine: refusing to run it`, {
    hint: 'fix what the lines above describe; for a feature the bundled engine does not support yet, run this configuration with haproxy itself',
  })
}
