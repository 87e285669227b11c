import {dirname, isAbsolute, join} from 'node:path'
import {execa} from 'execa'
import {type Diagnostic, diagnostic, lineRange, type Severity} from './diagnostics.js'

/** What a real binary (`haproxy -c`, `keepalived -t`) said about a config. */
export interface OracleResult {
  tool: 'haproxy' | 'keepalived'
  /** False when the binary is not installed: nothing was checked. */
  available: boolean
  /** The binary accepted the config. */
  ok: boolean
  exitCode: number | null
  diagnostics: Diagnostic[]
  /** The same findings before they became diagnostics: `line` is absent when the binary gave no position. */
  messages: OracleMessage[]
  output: string
}

/** One complaint of a real binary, as it printed it. */
export interface OracleMessage {
  severity: Severity
  /** The file as the binary named it (the path as given on its command line). */
  file?: string
  line?: number
  text: string
}

export interface OracleOptions {
  /** Kill the binary after this many milliseconds (default 20 s: haproxy may wait on DNS). */
  timeoutMs?: number
  /** Run from this directory (relative paths are resolved by the binary against it). */
  cwd?: string
}

const DEFAULT_TIMEOUT_MS = 20_000
export const ORACLE_CODE = {haproxy: 'haproxy/oracle', keepalived: 'keepalived/oracle'} as const

/**
 * `haproxy -c -f p1 -f p2 ...`. Exit 0 is valid, 2 is "valid but will not start" (no listener):
 * both are accepted. Exit 1 is rejected.
 */
export async function runHaproxyOracle(paths: string[], options: OracleOptions = {}): Promise<OracleResult> {
  const args = ['-c', ...paths.flatMap((p) => ['-f', p])]
  const run = await runBinary('haproxy', args, options)
  if (run.missing) return unavailable('haproxy')
  const messages = run.timedOut ? [timeoutMessage('haproxy', options)] : parseHaproxyOutput(run.output)
  const ok = !run.timedOut && (run.exitCode === 0 || run.exitCode === 2)
  return {
    tool: 'haproxy',
    available: true,
    ok,
    exitCode: run.exitCode,
    messages,
    diagnostics: toDiagnostics('haproxy', messages, paths[0] ?? ''),
    output: run.output,
  }
}

/**
 * `keepalived -t -f PATH`: a config test that never starts the daemon, never forks and never touches
 * the network configuration. keepalived 2.2 exits 0 when clean, 4 when it cannot run the config,
 * 5 for any other configuration error and 6 when script security is the (last) complaint. Its exit
 * code is the *least* severe category seen, so 6 can hide real errors: a run counts as accepted
 * when it exits 0, or 6 with nothing but the script-security message.
 */
export async function runKeepalivedOracle(path: string, options: OracleOptions = {}): Promise<OracleResult> {
  const run = await runBinary('keepalived', ['--config-test', '--dont-fork', '--log-console', '--no-syslog', '-f', path], options)
  if (run.missing) return unavailable('keepalived')
  const messages = run.timedOut ? [timeoutMessage('keepalived', options)] : parseKeepalivedOutput(run.output, run.exitCode, path)
  const ok = !run.timedOut && keepalivedAccepted(run.exitCode, messages)
  return {
    tool: 'keepalived',
    available: true,
    ok,
    exitCode: run.exitCode,
    messages,
    diagnostics: toDiagnostics('keepalived', messages, path),
    output: run.output,
  }
}

export function keepalivedAccepted(exitCode: number | null, messages: OracleMessage[]): boolean {
  if (messages.some((m) => m.severity === 'error')) return false
  if (exitCode === 0) return true
  return exitCode === KEEPALIVED_EXIT_SECURITY && messages.every((m) => isSecurityMessage(m.text))
}

const KEEPALIVED_EXIT_SECURITY = 6

function isSecurityMessage(text: string): boolean {
  return text.startsWith('SECURITY VIOLATION')
}

// ─── haproxy output ─────────────────────────────────────────────────────────

const HAPROXY_LINE = /^\[(ALERT|WARNING)\]\s*\(\d+\)\s*:\s*(.*)$/
const HAPROXY_CONTINUATION = /^\s+\|\s?(.*)$/
// `parsing [file:line]`, `Parsing [file:line]:` and the bare `[file:line] :` of server keywords.
const HAPROXY_POSITION = /\[([^\]\s]+):(\d+)\]/
// Post-parse checks point back with `(at file:line)` or `(file:line)`.
const HAPROXY_BACK_REFERENCE = /\((?:at )?([^\s():]+):(\d+)\)/
const HAPROXY_SUMMARY = /^(Error\(s\) found in configuration file : |Fatal errors found in configuration\.)/

/**
 * Every `[ALERT]` / `[WARNING]` of `haproxy -c`, with its `| ...` continuation lines joined.
 * The closing summaries ("Error(s) found in configuration file", "Fatal errors found") are kept
 * only when nothing else explains the failure.
 */
export function parseHaproxyOutput(output: string): OracleMessage[] {
  const messages: OracleMessage[] = []
  for (const raw of output.split('\n')) {
    const line = raw.replace(/\r$/, '')
    const head = HAPROXY_LINE.exec(line)
    if (head) {
      const severity: Severity = head[1] === 'ALERT' ? 'error' : 'warning'
      const text = (head[2] ?? '').replace(/^config\s*:\s*/, '').trim()
      const position = HAPROXY_POSITION.exec(text) ?? HAPROXY_BACK_REFERENCE.exec(text)
      const message: OracleMessage = {severity, text}
      if (position) {
        message.file = position[1]
        message.line = Number(position[2])
        if (position[0].startsWith('[')) message.text = cleanHaproxyText(text, position[0])
      }
      messages.push(message)
      continue
    }
    const continuation = HAPROXY_CONTINUATION.exec(line)
    const last = messages.at(-1)
    if (continuation && last) last.text = `${last.text} ${(continuation[1] ?? '').trim()}`.trim()
  }
  const explained = messages.some((m) => m.severity === 'error' && !HAPROXY_SUMMARY.test(m.text))
  return explained ? messages.filter((m) => !HAPROXY_SUMMARY.test(m.text)) : messages
}

/** `parsing [t.cfg:5] : unknown keyword ...` → `unknown keyword ...` (the position is in the range). */
function cleanHaproxyText(text: string, position: string): string {
  const at = text.indexOf(position)
  const before = text.slice(0, at).trim()
  if (before !== '' && !/^parsing$/i.test(before)) return text
  const rest = text.slice(at + position.length).replace(/^\s*:\s*/, '').trim()
  // `[f:10] : parsing [f:10] : msg` says the position twice.
  const again = `parsing ${position}`
  const cleaned = rest.startsWith(again) ? rest.slice(again.length).replace(/^\s*:\s*/, '').trim() : rest
  return cleaned || text
}

// ─── keepalived output ──────────────────────────────────────────────────────

const KEEPALIVED_FILE_LINE = /^\((.+?): Line (\d+)\)\s*(.*)$/
const KEEPALIVED_LINE_ONLY = /^\(Line (\d+)\)\s*(.*)$/

/**
 * Lines of `keepalived -t` (stderr): `(FILE: Line N) message`, `(Line N) message` (the main file)
 * or a bare message. keepalived checks the config once per subsystem, so the same line is printed
 * several times: each finding is kept once. Severity follows what keepalived does: with a failing
 * exit code every complaint is an error, except the script-security notice which never stops it.
 */
export function parseKeepalivedOutput(output: string, exitCode: number | null, path: string): OracleMessage[] {
  const failing = exitCode !== 0
  const seen = new Set<string>()
  const messages: OracleMessage[] = []
  for (const raw of output.split('\n')) {
    const line = raw.replace(/\r$/, '').trim()
    if (line === '') continue
    let message: OracleMessage
    const withFile = KEEPALIVED_FILE_LINE.exec(line)
    const lineOnly = withFile ? null : KEEPALIVED_LINE_ONLY.exec(line)
    if (withFile) message = {severity: 'error', file: includedPath(withFile[1] ?? path, path), line: Number(withFile[2]), text: withFile[3] ?? ''}
    else if (lineOnly) message = {severity: 'error', file: path, line: Number(lineOnly[1]), text: lineOnly[2] ?? ''}
    else message = {severity: 'error', text: line}
    message.severity = (failing && !isSecurityMessage(message.text)) || missesMainFile(message.text, path) ? 'error' : 'warning'
    const key = `${message.file ?? ''}:${message.line ?? ''}:${message.text}`
    if (seen.has(key)) continue
    seen.add(key)
    messages.push(message)
  }
  return messages
}

/** keepalived names an included file as written in `include`, relative to the including file. */
function includedPath(file: string, mainPath: string): string {
  if (file === mainPath || isAbsolute(file)) return file
  return join(dirname(mainPath), file)
}

/** keepalived -t exits 0 when the file it was given does not exist: nothing was checked. */
function missesMainFile(text: string, path: string): boolean {
  return text === `Config files missing '${path}'.`
}

// ─── shared ─────────────────────────────────────────────────────────────────

function toDiagnostics(tool: 'haproxy' | 'keepalived', messages: OracleMessage[], fallbackFile: string): Diagnostic[] {
  return messages.map((m) => {
    // A whole-line range: the binaries point at lines, never at columns.
    const range = m.line === undefined ? lineRange(1) : {line: m.line, column: 1, endLine: m.line + 1, endColumn: 1}
    return {...diagnostic(ORACLE_CODE[tool], m.severity, m.file ?? fallbackFile, range, m.text), source: tool}
  })
}

function timeoutMessage(tool: string, options: OracleOptions): OracleMessage {
  const seconds = Math.round((options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000)
  return {severity: 'error', text: `${tool} did not finish its config check within ${seconds}s and was stopped`}
}

function unavailable(tool: 'haproxy' | 'keepalived'): OracleResult {
  return {tool, available: false, ok: true, exitCode: null, diagnostics: [], messages: [], output: ''}
}

interface BinaryRun {
  missing: boolean
  timedOut: boolean
  exitCode: number | null
  /** stderr then stdout: both binaries report on stderr, haproxy adds its verdict on stdout. */
  output: string
}

async function runBinary(file: string, args: string[], options: OracleOptions): Promise<BinaryRun> {
  const result = await execa(file, args, {
    reject: false,
    stdin: 'ignore',
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    killSignal: 'SIGKILL',
    cwd: options.cwd,
    // C locale: the messages we parse are the untranslated ones.
    env: {LC_ALL: 'C', LANG: 'C'},
    stripFinalNewline: false,
  })
  const code = (result as {code?: string}).code
  if (code === 'ENOENT' || (result.failed && result.exitCode === undefined && !result.timedOut && /ENOENT/.test(String(result.message)))) {
    return {missing: true, timedOut: false, exitCode: null, output: ''}
  }
  const stderr = typeof result.stderr === 'string' ? result.stderr : ''
  const stdout = typeof result.stdout === 'string' ? result.stdout : ''
  return {missing: false, timedOut: result.timedOut, exitCode: result.exitCode ?? null, output: stderr + stdout}
}
