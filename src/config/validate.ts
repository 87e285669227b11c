import {readdirSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {UserError} from '../errors.js'
import {type ConfigType, detectConfigType} from './detect.js'
import {countBySeverity, type Diagnostic, diagnostic, diagnosticToJson, lineRange, renderDiagnostic, sortDiagnostics} from './diagnostics.js'
import type {KeepalivedConfigParse} from './keepalived/index.js'
import {readSourceFile, type SourceFile} from './source.js'

// Each toolkit is imported only when a file needs it: start-up time is most of a CLI run on small
// configs, and the oracle runner (execa), the YAML parser and the keepalived toolkit are not free to load.

export interface ValidateOptions {
  /** Files or directories (a directory is read like `haproxy -f DIR`: its files in lexical order). */
  paths: string[]
  /** Force every file to be read as this type instead of detecting it. */
  type?: 'haproxy' | 'keepalived'
  /** Treat the keepalived files as the nodes of one cluster and run the pair checks. */
  pair: boolean
  /** Warnings fail the check too. */
  strict: boolean
  /** Environment-only problems (missing certs, unresolvable names) are errors, not warnings. */
  strictEnv: boolean
  /** HAProxy version to check keywords against. */
  targetVersion: string
  /** Also run the real `haproxy -c` / `keepalived -t` and merge what they say. */
  oracle: boolean
}

export interface ValidatedFile {
  path: string
  type: ConfigType
}

export interface ValidateResult {
  valid: boolean
  files: ValidatedFile[]
  diagnostics: ReturnType<typeof diagnosticToJson>[]
  /** Which real binaries were run with --oracle, and whether they accepted the config. */
  oracle: {tool: string; available: boolean; ok: boolean}[]
}

export interface ValidateRun {
  result: ValidateResult
  diagnostics: Diagnostic[]
  /** Every text read, by path, for rendering source lines. */
  sources: Map<string, string>
}

export async function validateConfigs(options: ValidateOptions): Promise<ValidateRun> {
  const paths = expandPaths(options.paths)
  const sources = paths.map((path) => readSourceFile(path))
  const texts = new Map(sources.map((s) => [s.path, s.text]))
  const diagnostics: Diagnostic[] = []
  const files: ValidatedFile[] = []
  const haproxySources: SourceFile[] = []
  const keepalivedSources: SourceFile[] = []
  let nonlocalBind = false

  for (const source of sources) {
    if (source.text.trim() === '') {
      diagnostics.push(
        diagnostic('input/empty', 'error', source.path, lineRange(1), 'the file is empty: there is nothing to validate', [
          'run `lbctl init DIR` to scaffold haproxy.cfg and keepalived.conf',
        ]),
      )
      continue
    }
    const type = options.type ?? detectConfigType(source.path, source.text)
    if (type === undefined) {
      diagnostics.push(
        diagnostic('input/unknown-type', 'error', source.path, lineRange(1), 'cannot tell whether this is a haproxy.cfg or a keepalived.conf', [
          'pass --type haproxy or --type keepalived',
        ]),
      )
      continue
    }
    files.push({path: source.path, type})
    if (type === 'haproxy') haproxySources.push(source)
    else if (type === 'keepalived') keepalivedSources.push(source)
    else {
      const inventory = await checkInventory(source)
      diagnostics.push(...inventory.diagnostics)
      nonlocalBind ||= inventory.nonlocalBind
    }
  }

  const keepalivedParses: KeepalivedConfigParse[] = []
  const vips: string[] = []
  if (keepalivedSources.length > 0) {
    const keepalived = await import('./keepalived/index.js')
    for (const source of keepalivedSources) {
      const parse = keepalived.parseKeepalived(source)
      for (const file of parse.files) texts.set(file.source.path, file.source.text)
      diagnostics.push(...parse.diagnostics, ...keepalived.checkKeepalived(parse, {strictEnv: options.strictEnv}))
      keepalivedParses.push(parse)
      vips.push(...keepalived.keepalivedVips(parse.model))
    }
  }
  if (options.pair && keepalivedParses.length > 0) {
    const {checkPair} = await import('./pair.js')
    diagnostics.push(...checkPair(keepalivedParses))
  }

  if (haproxySources.length > 0) {
    // Several haproxy files form one configuration, as with `haproxy -f a -f b`.
    const {checkHaproxy, parseHaproxyFiles} = await import('./haproxy/index.js')
    const parse = parseHaproxyFiles(haproxySources)
    diagnostics.push(
      ...parse.diagnostics,
      ...checkHaproxy(parse, {targetVersion: options.targetVersion, strictEnv: options.strictEnv, vips, nonlocalBind}),
    )
  }

  const oracle: ValidateResult['oracle'] = []
  if (options.oracle) {
    const {runHaproxyOracle, runKeepalivedOracle} = await import('./oracle.js')
    const runs = [
      ...(haproxySources.length > 0 ? [runHaproxyOracle(haproxySources.map((s) => s.path))] : []),
      ...keepalivedSources.map((s) => runKeepalivedOracle(s.path)),
    ]
    for (const run of await Promise.all(runs)) {
      oracle.push({tool: run.tool, available: run.available, ok: run.ok})
      diagnostics.push(...mergeOracle(diagnostics, run.diagnostics))
    }
  }

  const sorted = sortDiagnostics(dedupe(diagnostics))
  const failing = sorted.filter((d) => d.severity === 'error' || (options.strict && d.severity === 'warning'))
  return {
    result: {valid: failing.length === 0, files, diagnostics: sorted.map(diagnosticToJson), oracle},
    diagnostics: sorted,
    sources: texts,
  }
}

/** What `lbctl validate` prints without --json, one entry per `log` call: each diagnostic with its source line, then the verdict. */
export function validateReport(run: ValidateRun, options: {quiet: boolean; color: boolean}): string[] {
  const shown = options.quiet ? run.diagnostics.filter((d) => d.severity === 'error') : run.diagnostics
  const out = shown.map((d) => renderDiagnostic(d, {color: options.color, sources: run.sources}) + '\n')
  const counts = countBySeverity(run.diagnostics)
  const verdict = run.result.valid ? 'valid' : 'INVALID'
  const names = run.result.files.map((f) => `${f.path} (${f.type})`).join(', ')
  out.push(`${verdict}: ${names || 'no configuration'} — ${counts.error} error(s), ${counts.warning} warning(s), ${counts.info} note(s)`)
  for (const o of run.result.oracle) {
    if (!o.available) out.push(`note: ${o.tool} is not installed; --oracle checked nothing for it`)
  }
  return out
}

/** Directories expand like `haproxy -f DIR`: the regular, non-hidden files inside, in lexical order. */
function expandPaths(paths: string[]): string[] {
  if (paths.length === 0) {
    throw new UserError('usage/no-files', 'no configuration file given', {hint: 'lbctl validate haproxy.cfg keepalived.conf'})
  }
  const out: string[] = []
  for (const path of paths) {
    let isDirectory = false
    try {
      isDirectory = statSync(path).isDirectory()
    } catch {
      // readSourceFile reports the missing file with a next step
    }
    if (!isDirectory) {
      out.push(path)
      continue
    }
    const entries = readdirSync(path)
      .filter((name) => !name.startsWith('.') && /\.(cfg|conf)$|^lbctl\.ya?ml$/.test(name))
      .sort()
      .map((name) => join(path, name))
      .filter((file) => statSync(file).isFile())
    if (entries.length === 0) {
      throw new UserError('input/empty-directory', `${path} holds no .cfg or .conf file`, {hint: 'name the configuration files to validate'})
    }
    out.push(...entries)
  }
  return out
}

/** lbctl.yaml: its errors as diagnostics, and whether it makes the nodes accept binds to absent VIPs. */
async function checkInventory(source: SourceFile): Promise<{diagnostics: Diagnostic[]; nonlocalBind: boolean}> {
  const {parseInventory} = await import('../deploy/inventory.js')
  try {
    const inventory = parseInventory(source.text, source.path)
    return {diagnostics: [], nonlocalBind: inventory.sysctl['net.ipv4.ip_nonlocal_bind'] === '1'}
  } catch (error) {
    if (!(error instanceof UserError)) throw error
    const position = /:(\d+):(\d+): /.exec(error.message)
    const range = position ? lineRange(Number(position[1]), Number(position[2])) : lineRange(1)
    const message = position ? error.message.slice(position.index + position[0].length) : error.message
    return {diagnostics: [diagnostic('inventory/invalid', 'error', source.path, range, message, error.hint ? [error.hint] : [])], nonlocalBind: false}
  }
}

/**
 * The oracle's messages that lbctl did not already say. Where lbctl reports the same message on the same
 * line, the oracle's copy is folded into lbctl's diagnostic (which has the column and a fix) as a confirmation.
 */
function mergeOracle(own: Diagnostic[], fromOracle: Diagnostic[]): Diagnostic[] {
  return fromOracle.filter((o) => {
    const same = own.find((d) => d.file === o.file && d.line === o.line && d.message.includes(o.message))
    if (!same) return true
    same.confirmedBy = [...(same.confirmedBy ?? []), o.source ?? 'oracle']
    return false
  })
}

function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>()
  return diagnostics.filter((d) => {
    const key = `${d.file}:${d.line}:${d.column}:${d.code}:${d.message}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
