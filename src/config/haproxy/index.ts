// Public API of the haproxy.cfg toolkit. Everything else in lbctl imports from here.
import type {Diagnostic} from '../diagnostics.js'
import type {OutlineSection} from '../outline.js'
import type {SourceFile} from '../source.js'

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
}

// Placeholder until the parser lands.
export interface HaproxyFileCst {
  source: SourceFile
}
export interface HaproxyModel {
  sections: unknown[]
}
export interface HaproxyConfigParse {
  files: HaproxyFileCst[]
  model: HaproxyModel
  diagnostics: Diagnostic[]
}

export function parseHaproxyFiles(sources: SourceFile[], _options: HaproxyParseOptions = {}): HaproxyConfigParse {
  return {files: sources.map((source) => ({source})), model: {sections: []}, diagnostics: []}
}

export function printHaproxyFile(file: HaproxyFileCst): string {
  return file.source.text
}

export function checkHaproxy(_parse: HaproxyConfigParse, _options: HaproxyCheckOptions): Diagnostic[] {
  return []
}

export function outlineHaproxy(_model: HaproxyModel): OutlineSection[] {
  return []
}
