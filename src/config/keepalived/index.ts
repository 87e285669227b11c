// Public API of the keepalived.conf toolkit. Everything else in lbctl imports from here.
//
// Severity mapping, checked against keepalived 2.2.7 (test/config/keepalived/agreement.test.ts):
// `keepalived -t` exits non-zero (4 fatal/bad interface, 5 any other config error, 6 SECURITY VIOLATION)
// for every message it reports while reading, even the ones the daemon itself only logs and then
// works around ("Using default 100", "Truncating auth_pass", "rounding"). So everything keepalived
// reports is an `error` here, worded like keepalived, with what keepalived does about it in the message.
// Environment-only problems (KEEPALIVED_ENV_CODES) are warnings unless strictEnv. lbctl's own extra
// checks (pair checks, startup takeover) are errors when failover breaks and warnings otherwise.
import type {Diagnostic} from '../diagnostics.js'
import type {OutlineSection} from '../outline.js'
import type {SourceFile} from '../source.js'
import {type KeepalivedFileCst, printTokens} from './cst.js'
import {type KeepalivedEnvironment, localEnvironment} from './env.js'
import {buildModel, type KeepalivedModel} from './model.js'
import {outlineKeepalived as outline} from './outline.js'
import {readKeepalivedFiles} from './parser.js'
import {fsConfigReader} from './reader.js'
import {runRules} from './rules/index.js'
import {checkSyntax} from './syntax.js'

export type {Block, KeepalivedFileCst, Statement, Word} from './cst.js'
export type {KeepalivedEnvironment} from './env.js'
export {localEnvironment, unknownEnvironment} from './env.js'
export type * from './model.js'
export {fsConfigReader} from './reader.js'

/** How `include` reaches the file system; tests pass an in-memory one. */
export interface ConfigReader {
  read(path: string): SourceFile
  /** Expands a glob pattern (as keepalived does with glob(3)), sorted. */
  glob(pattern: string): string[]
}

export interface KeepalivedParseOptions {
  /** Defaults to the real file system. */
  reader?: ConfigReader
  /** keepalived's config id (`-i ID`, default none): decides which `@ID` lines apply. */
  configId?: string
}

export interface KeepalivedCheckOptions {
  /** Report environment-only problems (missing scripts, interfaces, users) as errors. */
  strictEnv: boolean
  /** The machine the checks look at; defaults to this one. */
  env?: KeepalivedEnvironment
}

export interface KeepalivedConfigParse {
  /** The main file first, then every included file in inclusion order. */
  files: KeepalivedFileCst[]
  model: KeepalivedModel
  /** Syntax and keyword diagnostics (what keepalived reports while reading). */
  diagnostics: Diagnostic[]
}

/**
 * Diagnostic codes whose outcome depends on the machine (interfaces, users, script files): warnings unless
 * strictEnv, while `keepalived -t` on a machine without them exits non-zero.
 */
export const KEEPALIVED_ENV_CODES: readonly string[] = ['keepalived/unknown-interface', 'keepalived/script-not-found', 'keepalived/script-user-missing', 'keepalived/include-not-found', 'keepalived/include-unreadable', 'keepalived/track-file-not-regular']

export function parseKeepalived(source: SourceFile, options: KeepalivedParseOptions = {}): KeepalivedConfigParse {
  const {files, diagnostics} = readKeepalivedFiles(source, options.reader ?? fsConfigReader, options.configId)
  const main = files[0]!
  diagnostics.push(...checkSyntax(main))
  return {files, model: buildModel(main), diagnostics}
}

/** Gives back the file's text byte for byte. */
export function printKeepalivedFile(file: KeepalivedFileCst): string {
  return printTokens(file.tokens)
}

/** Semantic rules over the model: what keepalived reports after reading, plus lbctl's own checks. */
export function checkKeepalived(parse: KeepalivedConfigParse, options: KeepalivedCheckOptions): Diagnostic[] {
  return runRules(parse.model, options.env ?? localEnvironment, options.strictEnv)
}

export function outlineKeepalived(model: KeepalivedModel): OutlineSection[] {
  return outline(model)
}

/** Every VIP (address without prefix) of every vrrp_instance, for cross checks with haproxy binds. */
export function keepalivedVips(model: KeepalivedModel): string[] {
  return [...new Set(model.vrrpInstances.flatMap((vi) => vi.virtualIpaddresses.map((a) => a.address)))]
}
