/**
 * Lossless concrete syntax tree of one haproxy.cfg file: every line keeps its exact text and line ending,
 * so printing the lines back gives the input byte for byte. Sections group a header line and its body.
 */
import {type Diagnostic, diagnostic} from '../diagnostics.js'
import type {SourceFile} from '../source.js'
import {evaluateCondition} from './cfgcond.js'
import {type Env, firstWordStart, isPlainText, type LexComment, type LexedLine, type LexError, lexLine, readPlainWords, readWords, splitPlainWords, type Word, type WordCache} from './lexer.js'
import {directiveKeyword} from './directive-keyword.js'
import type {Directive} from './model.js'
import {isSectionKeyword, SECTION_KINDS, type SectionKind} from './keywords/sections.js'

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

const EOLS: readonly string[] = ['\n', '\r\n', '']

/** What the lines of one file share: its path, and while the model is built, the words already made. */
interface FileWords {
  readonly path: string
  /** Shares the words of re-lexed lines (see parseCst); dropped by releaseWordCache. */
  cache: WordCache | undefined
}

/**
 * One line of the CST, and the model's Directive for it once the build accepts it (see acceptDirective):
 * a big config has one directive per line (28,000 for 20,000 servers) and the parse keeps them all, so
 * the line is the directive rather than a second object pointing at it. Number, kind, `active` and name
 * are plain fields: the build and the checks read them on every line, and a getter is a call each time on a
 * cold JIT. The keyword is made when first read (see keyword). The line ending and the lexer's comment and errors (rare) share one field.
 *
 * A plain directive line (no quote, escape or `#`, at most 128 characters) keeps no words: `words` splits
 * its text again each time it is read (a new array; the same values, columns and kinds of word), which
 * does not depend on the environment. A parse keeps most of a big config's lines this way, and most of
 * them (server lines) are never read again once the model is built: keeping their words was a third of
 * the memory a parse holds. Once the line is a directive, words read are kept (a rule reading them word
 * by word splits once).
 */
class Line implements CstLine, Directive {
  // `declare`: fields set by the constructor only. Declared class fields would be defined once more by an
  // initializer V8 runs on every construction (ES2022 class fields), 32,000 times for a big config.
  declare readonly line: number
  declare readonly text: string
  declare readonly kind: LineKind
  declare active: boolean
  /** The directive's first word (see acceptDirective); '' until the build accepts the line. */
  declare name: string
  declare private ownKeyword: string
  declare private readonly src: FileWords
  declare private ownWords: Word[] | undefined
  declare private argValues: string[] | undefined
  /** The line ending's index in EOLS, or the lexer's result (with the ending) when the line has a comment or errors. */
  declare private readonly extra: number | {eol: number; lexed: LexedLine}

  constructor(src: FileWords, line: number, text: string, eol: number, kind: LineKind, words: Word[] | undefined, lexed: LexedLine | undefined, active: boolean) {
    this.line = line
    this.text = text
    this.kind = kind
    this.active = active
    this.name = ''
    this.ownKeyword = ''
    this.src = src
    this.ownWords = words
    this.argValues = undefined
    this.extra = lexed !== undefined && (lexed.comment !== undefined || lexed.errors.length > 0) ? {eol, lexed} : eol
  }

  get file(): string {
    return this.src.path
  }

  get words(): Word[] {
    if (this.ownWords !== undefined) return this.ownWords
    const words = splitPlainWords(this.text, this.src.cache) as Word[]
    if (this.name !== '') this.ownWords = words
    return words
  }

  get eol(): string {
    return EOLS[typeof this.extra === 'number' ? this.extra : this.extra.eol] as string
  }

  get comment(): LexComment | undefined {
    return typeof this.extra === 'number' ? undefined : this.extra.lexed.comment
  }

  get errors(): LexError[] {
    return typeof this.extra === 'number' ? NO_ERRORS : this.extra.lexed.errors
  }

  /** As a Directive: the line it was read from is itself. */
  get cst(): CstLine {
    return this
  }

  get column(): number {
    return firstWordColumn(this)
  }

  get prefix(): undefined {
    return undefined
  }

  get args(): string[] {
    return (this.argValues ??= wordValues(this.words, 1))
  }

  /**
   * Made when first read (by the checks, most often), not by the build's loop over every line: `timeout
   * connect` is a string made by concatenation, and V8 threw away the loop's optimized code at the first
   * such line it had not seen before (the first backend's `option httpchk`).
   */
  get keyword(): string {
    if (this.ownKeyword === '' && this.name !== '') this.ownKeyword = directiveKeyword(this.words)
    return this.ownKeyword
  }

  serverHead(): ServerHead | undefined {
    if (this.ownWords !== undefined) return undefined
    const text = this.text
    if (readPlainWords(text, this.src.cache, 3) !== 3 || (readWords[0] as Word).value !== 'server') return undefined
    const address = readWords[2] as Word
    let i = address.endColumn - 1
    while (i < text.length && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++
    serverHead.name = (readWords[1] as Word).value
    serverHead.address = address.value
    serverHead.options = text.slice(i)
    return serverHead
  }

  /** Makes the line the directive `name`, keeping `words` (the line's own) when given. */
  accept(name: string, words: Word[] | undefined): Directive {
    this.name = name
    if (words !== undefined) this.ownWords = words
    return this
  }
}

/** A `server` line's name, address and text from its fourth word on (plainWordsKey's key: '' without options). */
export interface ServerHead {
  name: string
  address: string
  options: string
}

/** plainServerHead's answer, one object reused: valid until its next call. */
const serverHead: ServerHead = {name: '', address: '', options: ''}

/**
 * The head of a plain `server` line that keeps no words (see Line), read without making its words array;
 * undefined for any other line. The answer is valid until the next call.
 */
export function plainServerHead(line: CstLine): ServerHead | undefined {
  return (line as Line).serverHead()
}

/** Where the line's first word starts (1-based). */
export function firstWordColumn(line: CstLine): number {
  const text = line.text
  // Without quotes or escapes the first word starts at the first non-blank; otherwise ask the words.
  return isPlainText(text) ? firstWordStart(text) + 1 : (line.words[0] as Word).column
}

/**
 * The Directive for a line the build accepted without a `no`/`default` prefix: the line itself (see Line).
 * `words`: the line's words when the directive keeps them.
 */
export function acceptDirective(line: CstLine, name: string, words: Word[] | undefined): Directive {
  return (line as Line).accept(name, words)
}

/** The values of words[from..], in an array of exactly that length (push would leave spare capacity). */
export function wordValues(words: Word[], from: number): string[] {
  const out = new Array<string>(Math.max(0, words.length - from))
  for (let i = from; i < words.length; i++) out[i - from] = (words[i] as Word).value
  return out
}

/** Plain lines this long or shorter cannot have more than 64 words (HAProxy's limit, reported by the lexer). */
const MAX_LAZY_TEXT = 128

/**
 * A plain line (no quote, backslash or `#`) with a first word that neither starts with `.` (a conditional)
 * nor is a section keyword: one native test instead of a loop over each line's first characters.
 */
const PLAIN_DIRECTIVE = new RegExp(`^[ \\t]*(?!(?:${[...SECTION_KINDS].map((k) => k.replace(/[-.]/g, '\\$&')).join('|')})(?:[ \\t]|$))[^ \\t.#"'\\\\][^#"'\\\\]*$`)

/** Global keywords that change the environment while parsing (applyEnvDirective). */
const ENV_KEYWORDS = new Set(['setenv', 'presetenv', 'unsetenv', 'resetenv'])

const wordSharing = new WeakMap<HaproxyFileCst, FileWords>()

/**
 * Ends the sharing of words between the file's lines (called once its model is built): the cache holds
 * every distinct word the build read, and lines read later make their own.
 */
export function releaseWordCache(file: HaproxyFileCst): void {
  const src = wordSharing.get(file)
  if (src !== undefined) src.cache = undefined
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
  const src: FileWords = {path: file, cache: wordCache}
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
    const active = conds.length === 0 || (conds[conds.length - 1] as CondFrame).active
    // HAProxy stops a line at a stray CR as well; the CR of a CRLF ending is already removed.
    let words: Word[] | undefined
    let lexed: LexedLine | undefined
    let kind: LineKind
    if (text.length <= MAX_LAZY_TEXT && current.kind !== 'global' && PLAIN_DIRECTIVE.test(text)) {
      // Most lines of a big config: split when the model is built (see Line).
      kind = 'directive'
    } else if (text.length <= MAX_LAZY_TEXT && isPlainText(text)) {
      words = splitPlainWords(text, wordCache) as Word[]
      const first = words[0]
      kind = first === undefined ? 'blank' : first.value.charCodeAt(0) === 46 ? 'conditional' : isSectionKeyword(first.value) ? 'section' : 'directive'
      // Global lines keep their words only when they change the environment (read just below).
      if (kind === 'directive' && !ENV_KEYWORDS.has((first as Word).value)) words = undefined
    } else {
      lexed = lexLine(text, env, wordCache)
      words = lexed.words
      const first = words[0]
      if (words.length === 0 && lexed.errors.length === 0) kind = lexed.comment ? 'comment' : 'blank'
      else if (first !== undefined && first.value.startsWith('.') && !first.quoted) kind = 'conditional'
      else if (first !== undefined && first.value === '' && lexed.errors.length === 0) kind = 'blank' // HAProxy skips a line whose first word is empty
      else if (first !== undefined && isSectionKeyword(first.value)) kind = 'section'
      else kind = 'directive'
    }
    const errors = lexed === undefined ? NO_ERRORS : lexed.errors

    const cstLine = new Line(src, lineNo, text, eol, kind, words, lexed, active)
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
    if (kind === 'directive' && active && current.kind === 'global' && errors.length === 0 && words !== undefined) applyEnvDirective(words, env)
    if (kind === 'section' && active) {
      const first = (words as Word[])[0] as Word
      const nameWord = (words as Word[])[1]
      current = {kind: first.value as SectionKind, header: cstLine, body: [], file, line: lineNo, column: first.column}
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
  const cst: HaproxyFileCst = {source, lines, sections, diagnostics}
  wordSharing.set(cst, src)
  return cst
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
