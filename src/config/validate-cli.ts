/**
 * `lbctl validate` without loading oclif. Loading @oclif/core and its config takes about 80 ms, a third of
 * validating a 20,000-server config, and the target is to be no slower than `haproxy -c`. bin/run.js calls
 * this first: it handles only plain invocations (files and the command's own flags, written `--flag value`)
 * with exactly the output, JSON and exit codes of src/commands/validate.ts, and declines everything else
 * (help, `--flag=value`, unknown or repeated flags, no file, a crash) so oclif runs the command as usual.
 * This is CLI code: it prints and sets process.exitCode.
 */
import {ExitCode, isUserError} from '../errors.js'
import {validateConfigs, validateReport, type ValidateOptions} from './validate.js'

/** The validate command's flags: name → the values it takes (`true` for a boolean flag, `null` for any value). */
export const FAST_PATH_FLAGS: Record<string, true | readonly string[] | null> = {
  json: true,
  type: ['haproxy', 'keepalived'],
  pair: true,
  strict: true,
  'strict-env': true,
  'target-version': null,
  oracle: true,
  quiet: true,
}

interface FastArgs {
  files: string[]
  flags: Map<string, string | true>
}

/** The argv after `validate` when this path can run it exactly like oclif would; undefined otherwise. */
export function parseFastArgs(argv: string[]): FastArgs | undefined {
  const files: string[] = []
  const flags = new Map<string, string | true>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (!arg.startsWith('-')) {
      files.push(arg)
      continue
    }
    const name = arg === '-q' ? 'quiet' : arg.startsWith('--') ? arg.slice(2) : undefined
    const spec = name === undefined ? undefined : FAST_PATH_FLAGS[name]
    if (name === undefined || spec === undefined || flags.has(name)) return undefined
    if (spec === true) {
      flags.set(name, true)
      continue
    }
    const value = argv[++i]
    if (value === undefined || value.startsWith('-') || (spec !== null && !spec.includes(value))) return undefined
    flags.set(name, value)
  }
  return files.length > 0 ? {files, flags} : undefined
}

/** Runs `lbctl validate ARGV` and returns true, or returns false without output when oclif must run it. */
export async function runValidateFastPath(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const parsed = parseFastArgs(argv)
  if (parsed === undefined || env.LBCTL_CONTENT_TYPE !== undefined) return false
  const {files, flags} = parsed
  const json = flags.has('json')
  const options: ValidateOptions = {
    paths: files,
    pair: flags.has('pair'),
    strict: flags.has('strict'),
    strictEnv: flags.has('strict-env'),
    targetVersion: (flags.get('target-version') as string | undefined) ?? '2.6',
    oracle: flags.has('oracle'),
  }
  const type = flags.get('type')
  if (type === 'haproxy' || type === 'keepalived') options.type = type
  let run
  try {
    run = await validateConfigs(options)
  } catch (error) {
    if (!isUserError(error)) return false // oclif runs it again and reports the crash its way
    // BaseCommand.catch's output for a user mistake.
    if (json) process.stdout.write(JSON.stringify({error: {code: error.code, message: error.message, hint: error.hint ?? null}}, null, 2) + '\n')
    else process.stderr.write(`lbctl: ${error.message}\n${error.hint ? `  next: ${error.hint}\n` : ''}`)
    process.exitCode = error.exitCode
    return true
  }
  if (json) process.stdout.write(JSON.stringify(run.result, null, 2) + '\n')
  else {
    const color = Boolean(process.stdout.isTTY) && !env.NO_COLOR && env.TERM !== 'dumb'
    process.stdout.write(validateReport(run, {quiet: flags.has('quiet'), color}).join('\n') + '\n')
  }
  if (!run.result.valid) process.exitCode = ExitCode.checkFailed
  return true
}
