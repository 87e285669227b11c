// Public API of the keepalived.conf toolkit. Everything else in lbctl imports from here.
import type {Diagnostic} from '../diagnostics.js'
import type {OutlineSection} from '../outline.js'
import type {SourceFile} from '../source.js'

/** How `include` reaches the file system; tests pass an in-memory one. */
export interface ConfigReader {
  read(path: string): SourceFile
  /** Expands a glob pattern (as keepalived does with glob(3)), sorted. */
  glob(pattern: string): string[]
}

export interface KeepalivedParseOptions {
  reader?: ConfigReader
}

export interface KeepalivedCheckOptions {
  /** Report environment-only problems (missing scripts, interfaces) as errors. */
  strictEnv: boolean
}

// Placeholder until the parser lands.
export interface KeepalivedFileCst {
  source: SourceFile
}
export interface KeepalivedModel {
  instances: unknown[]
}
export interface KeepalivedConfigParse {
  /** The main file first, then every included file in inclusion order. */
  files: KeepalivedFileCst[]
  model: KeepalivedModel
  diagnostics: Diagnostic[]
}

export function parseKeepalived(source: SourceFile, _options: KeepalivedParseOptions = {}): KeepalivedConfigParse {
  return {files: [{source}], model: {instances: []}, diagnostics: []}
}

export function printKeepalivedFile(file: KeepalivedFileCst): string {
  return file.source.text
}

export function checkKeepalived(_parse: KeepalivedConfigParse, _options: KeepalivedCheckOptions): Diagnostic[] {
  return []
}

export function outlineKeepalived(_model: KeepalivedModel): OutlineSection[] {
  return []
}

/** Every VIP (address without prefix) of every vrrp_instance, for cross checks with haproxy binds. */
export function keepalivedVips(_model: KeepalivedModel): string[] {
  return []
}
