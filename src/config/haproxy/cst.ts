/**
 * Lossless concrete syntax tree of one haproxy.cfg file: every line keeps its exact text and line ending,
 * so printing the lines back gives the input byte for byte. Sections group a header line and its body.
 */
import {type Diagnostic, diagnostic} from '../diagnostics.js'
import type {SourceFile} from '../source.js'
import {evaluateCondition} from './cfgcond.js'
import {type Env, type LexComment, type LexedLine, type LexError, lexLine, plainWords, type Word, type WordCache} from './lexer.js'
import {isSectionKeyword, type SectionKind} from './keywords/sections.js'

export type LineKind = 'blank' | 'comment' | 'section' | 'directive' | 'conditional'

export interface CstLine {
  readonly file: string
  /** 1-based line number. */
  readonly line: number
  /** The line's text without its ending. */
  readonly text: string
  /** Exactly how the line ended: '\n', '\r\n' or '' for a last line without newline. */
  readonly eol: string
  readonly kind: LineKind
  readonly words: Word[]
  readonly comment?: LexComment
  readonly errors: LexError[]
  /** False inside a `.if` branch that is not taken: HAProxy ignores the line. */
  active: boolean
}

const KINDS: readonly LineKind[] = ['blank', 'comment', 'section', 'directive', 'conditional']
const KIND_INDEX: Record<LineKind, number> = {blank: 0, comment: 1, section: 2, directive: 3, conditional: 4}
const EOLS: readonly string[] = ['\n', '\r\n', '']

/**
 * A CstLine in five fields (a big config has one per line, all kept): line number, kind, line ending and
 * `active` packed in one number (line * 64 + kind * 8 + eol * 2 + active: exact for any line count, the low
 * bits read with `& 63` even beyond 32 bits), comment and errors only for the lines that have them.
 */
class Line implements CstLine {
  readonly file: string
  readonly text: string
  readonly words: Word[]
  #bits: number
  /** The lexer's result when the line has a comment or errors. */
  readonly #lexed: LexedLine | undefined

  constructor(file: string, line: number, text: string, eol: number, kind: LineKind, words: Word[], lexed: LexedLine | undefined, active: boolean) {
    this.file = file
    this.text = text
    this.words = words
    this.#bits = line * 64 + KIND_INDEX[kind] * 8 + eol * 2 + (active ? 1 : 0)
    this.#lexed = lexed !== undefined && (lexed.comment !== undefined || lexed.errors.length > 0) ? lexed : undefined
  }

  get line(): number {
    return (this.#bits - (this.#bits & 63)) / 64
  }

  get kind(): LineKind {
    return KINDS[(this.#bits & 63) >> 3] as LineKind
  }

  get eol(): string {
    return EOLS[(this.#bits & 7) >> 1] as string
  }

  get active(): boolean {
    return (this.#bits & 1) === 1
  }

  set active(value: boolean) {
    this.#bits = this.#bits - (this.#bits & 1) + (value ? 1 : 0)
  }

  get comment(): LexComment | undefined {
    return this.#lexed?.comment
  }

  get errors(): LexError[] {
    return this.#lexed === undefined ? NO_ERRORS : this.#lexed.errors
  }
}

const NO_ERRORS: LexError[] = []

export interface CstSection {
  /** 'none' for the lines before the first section header of a file. */
  kind: SectionKind | 'none'
  /** The section's name (`backend app` → `app`); undefined for global and unnamed defaults. */
  name?: string
  header?: CstLine
  /** Every line after the header up to the next header, blanks and comments included. */
  body: CstLine[]
  file: string
  line: number
  column: number
}

export interface HaproxyFileCst {
  source: SourceFile
  lines: CstLine[]
  sections: CstSection[]
  /** Lexer and conditional-block diagnostics. */
  diagnostics: Diagnostic[]
}

interface CondFrame {
  /** This branch is being read. */
  active: boolean
  /** Some branch of this block was already taken. */
  taken: boolean
  /** The enclosing block is active. */
  parentActive: boolean
  line: number
}

/** Splits text into lines keeping each line's ending. */
export function splitLines(text: string): {text: string; eol: string}[] {
  const out: {text: string; eol: string}[] = []
  let start = 0
  while (start < text.length) {
    const nl = text.indexOf('\n', start)
    if (nl === -1) {
      out.push({text: text.slice(start), eol: ''})
      break
    }
    const cr = nl > start && text.charCodeAt(nl - 1) === 13
    out.push({text: text.slice(start, cr ? nl - 1 : nl), eol: cr ? '\r\n' : '\n'})
    start = nl + 1
  }
  return out
}

export function parseCst(source: SourceFile, env: Env): HaproxyFileCst {
  const file = source.path
  const lines: CstLine[] = []
  const sections: CstSection[] = []
  const diagnostics: Diagnostic[] = []
  const conds: CondFrame[] = []
  const wordCache: WordCache = new Map()
  let current: CstSection = {kind: 'none', body: [], file, line: 1, column: 1}
  sections.push(current)

  // The same split as splitLines, without an intermediate object per line.
  const all = source.text
  let lineNo = 0
  for (let start = 0; start < all.length; ) {
    const nl = all.indexOf('\n', start)
    const cr = nl > start && all.charCodeAt(nl - 1) === 13
    const text = nl === -1 ? all.slice(start) : all.slice(start, cr ? nl - 1 : nl)
    const eol = nl === -1 ? 2 : cr ? 1 : 0
    start = nl === -1 ? all.length : nl + 1
    lineNo++
    // HAProxy stops a line at a stray CR as well; the CR of a CRLF ending is already removed.
    const plain = plainWords(text, wordCache)
    const lexed = plain === undefined ? lexLine(text, env, wordCache) : undefined
    const words = plain ?? (lexed as LexedLine).words
    const errors = lexed === undefined ? NO_ERRORS : lexed.errors
    const active = conds.length === 0 || (conds[conds.length - 1] as CondFrame).active
    const first = words[0]
    let kind: LineKind
    if (words.length === 0 && errors.length === 0) kind = lexed?.comment ? 'comment' : 'blank'
    else if (first !== undefined && first.value.startsWith('.') && !first.quoted) kind = 'conditional'
    else if (first !== undefined && first.value === '' && errors.length === 0) kind = 'blank' // HAProxy skips a line whose first word is empty
    else if (first !== undefined && isSectionKeyword(first.value)) kind = 'section'
    else kind = 'directive'

    const cstLine = new Line(file, lineNo, text, eol, kind, words, lexed, active)
    lines.push(cstLine)

    if (kind === 'conditional') {
      cstLine.active = handleConditional(cstLine, conds, env, diagnostics)
      current.body.push(cstLine)
      continue
    }
    if (active && errors.length > 0) {
      for (const error of errors) {
        diagnostics.push(diagnostic(error.code, 'error', file, {line: lineNo, column: error.column, endLine: lineNo, endColumn: error.endColumn}, error.message))
      }
    }
    if (kind === 'directive' && active && current.kind === 'global' && errors.length === 0) applyEnvDirective(words, env)
    if (kind === 'section' && active) {
      const nameWord = words[1]
      current = {kind: first?.value as SectionKind, header: cstLine, body: [], file, line: lineNo, column: first?.column ?? 1}
      if (nameWord !== undefined && current.kind !== 'global') current.name = nameWord.value
      sections.push(current)
      continue
    }
    current.body.push(cstLine)
  }
  const last = lines[lines.length - 1]
  if (last !== undefined && last.eol === '' && last.text !== '') {
    // HAProxy 2.6 refuses a last line without LF, even a comment or blanks: the file may be truncated.
    diagnostics.push(
      diagnostic('haproxy/missing-final-newline', 'error', file, {line: last.line, column: last.text.length + 1, endLine: last.line, endColumn: last.text.length + 2}, `Missing LF on last line, file might have been truncated at position ${last.text.length + 1}.`, [
        'end the file with a newline',
      ]),
    )
  }
  for (const frame of conds) {
    diagnostics.push(diagnostic('haproxy/unterminated-if', 'error', file, {line: frame.line, column: 1, endLine: frame.line, endColumn: 4}, `non-terminated '.if' block.`, ["close the block with '.endif'"]))
  }
  return {source, lines, sections, diagnostics}
}

function handleConditional(line: CstLine, conds: CondFrame[], env: Env, diagnostics: Diagnostic[]): boolean {
  const word = line.words[0] as Word
  const directive = word.value
  const top = conds[conds.length - 1]
  const enclosingActive = top === undefined || top.active
  const range = {line: line.line, column: word.column, endLine: line.line, endColumn: word.endColumn}
  const evaluate = (): boolean => {
    const result = evaluateCondition(line.words.slice(1), env)
    if ('error' in result) {
      diagnostics.push(diagnostic('haproxy/bad-condition', 'error', line.file, range, `${result.error}`))
      return false
    }
    return result.value
  }
  switch (directive) {
    case '.if': {
      const value = enclosingActive ? evaluate() : false
      conds.push({active: enclosingActive && value, taken: value, parentActive: enclosingActive, line: line.line})
      return enclosingActive
    }
    case '.elif':
    case '.else': {
      if (top === undefined) {
        diagnostics.push(diagnostic('haproxy/bad-condition', 'error', line.file, range, `'${directive}' without matching '.if'.`))
        return true
      }
      if (!top.parentActive || top.taken) {
        top.active = false
        return top.parentActive
      }
      const value = directive === '.else' ? true : evaluate()
      top.active = value
      top.taken = value
      return true
    }
    case '.endif':
      if (top === undefined) diagnostics.push(diagnostic('haproxy/bad-condition', 'error', line.file, range, `'.endif' without matching '.if'.`))
      else conds.pop()
      return enclosingActive
    case '.diag':
    case '.notice':
    case '.warning':
    case '.alert': {
      if (!enclosingActive) return false
      const text = line.words.slice(1).map((w) => w.value).join(' ')
      const severity = directive === '.alert' ? 'error' : directive === '.warning' ? 'warning' : 'info'
      diagnostics.push(diagnostic(`haproxy/directive-${directive.slice(1)}`, severity, line.file, range, `'${text}'.`))
      return true
    }
    default:
      if (enclosingActive) diagnostics.push(diagnostic('haproxy/unknown-directive', 'error', line.file, range, `unknown directive '${directive}'.`, ["conditional directives are '.if', '.elif', '.else', '.endif', '.diag', '.notice', '.warning', '.alert'"]))
      return enclosingActive
  }
}

/**
 * `setenv`, `presetenv`, `unsetenv` and `resetenv` in global change the environment that later lines
 * expand (HAProxy applies them while parsing). `env` is the parse's own copy, shared by all its files.
 */
function applyEnvDirective(words: Word[], env: Env): void {
  const [kw, name, value] = words.map((w) => w.value)
  if (kw === 'setenv' && name !== undefined && value !== undefined) env[name] = value
  else if (kw === 'presetenv' && name !== undefined && value !== undefined && env[name] === undefined) env[name] = value
  else if (kw === 'unsetenv') for (const w of words.slice(1)) delete env[w.value]
  else if (kw === 'resetenv') {
    const keep = new Set(words.slice(1).map((w) => w.value))
    for (const k of Object.keys(env)) if (!keep.has(k)) delete env[k]
  }
}

/** Gives back the file's text byte for byte. */
export function printCst(cst: HaproxyFileCst): string {
  let out = ''
  for (const line of cst.lines) out += line.text + line.eol
  return out
}
