// Public API of the haproxy.cfg toolkit. Everything else in lbctl imports from here.
import type {Diagnostic} from '../diagnostics.js'
import type {OutlineSection} from '../outline.js'
import type {SourceFile} from '../source.js'
import {buildModel} from './build.js'
import {type HaproxyFileCst, parseCst, printCst} from './cst.js'
import type {HaproxyModel} from './model.js'
import {outline} from './outline.js'
import {runRules} from './rules/index.js'

export type {CstLine, CstSection, HaproxyFileCst} from './cst.js'
export type {Word} from './lexer.js'
export type * from './model.js'
export {findBackend, hasBackendCap, hasFrontendCap} from './model.js'
export {lexLine} from './lexer.js'

export interface HaproxyParseOptions {
  /** Environment for `${VAR}` expansion inside double quotes (default: process.env). */
  env?: Record<string, string | undefined>
}

export interface HaproxyCheckOptions {
  /** HAProxy version the config is meant for, e.g. '2.6'. */
  targetVersion: string
  /** Report environment-only problems (missing cert files, unresolvable names, unknown users) as errors. */
  strictEnv: boolean
  /** VIPs managed by keepalived on this node, for the nonlocal-bind check. */
  vips: string[]
  /** The nodes set net.ipv4.ip_nonlocal_bind=1 (lbctl.yaml's sysctl), so binding a VIP is safe on a BACKUP. */
  nonlocalBind?: boolean
}

export interface HaproxyConfigParse {
  files: HaproxyFileCst[]
  model: HaproxyModel
  /** Syntax and keyword diagnostics: what `haproxy -c` reports while parsing. */
  diagnostics: Diagnostic[]
}

/**
 * Parses one configuration made of several files, like `haproxy -f a -f b` (each file starts outside any
 * section; directories must already be expanded by the caller). Never throws on bad input.
 */
export function parseHaproxyFiles(sources: SourceFile[], options: HaproxyParseOptions = {}): HaproxyConfigParse {
  // A copy: setenv/presetenv/unsetenv in global change it as parsing goes, across all the files.
  const env = {...(options.env ?? process.env)}
  const files = sources.map((source) => parseCst(source, env))
  const built = buildModel(files)
  return {files, model: built.model, diagnostics: [...files.flatMap((f) => f.diagnostics), ...built.diagnostics]}
}

/** Gives back the file's text byte for byte (comments, spacing and line endings included). */
export function printHaproxyFile(file: HaproxyFileCst): string {
  return printCst(file)
}

/**
 * The checks that need the whole configuration: references (backends, ACLs, servers), duplicates,
 * what `haproxy -c` rejects after parsing, and lbctl's own warnings (unused, mode mismatches, rule order...).
 */
export function checkHaproxy(parse: HaproxyConfigParse, options: HaproxyCheckOptions): Diagnostic[] {
  return runRules(parse, options)
}

/** The semantic outline `diff` compares. */
export function outlineHaproxy(model: HaproxyModel): OutlineSection[] {
  return outline(model)
}
