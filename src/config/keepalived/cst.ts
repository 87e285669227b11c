/**
 * Lossless concrete syntax tree of one keepalived.conf file: the flat token list (which prints back
 * byte for byte) plus statements nested by braces that point into it.
 */
import {type Diagnostic, diagnostic, type Range} from '../diagnostics.js'
import type {SourceFile} from '../source.js'
import {type Token, tokenize} from './lexer.js'

export interface Word extends Range {
  /** As written, quotes included. */
  text: string
  /** As keepalived reads it. */
  value: string
}

export interface Statement extends Range {
  file: string
  /** The words as written, including an `@id` prefix. */
  words: Word[]
  /** The keyword keepalived dispatches on (after the `@id` prefix and `$VAR` expansion). */
  keyword: string
  /** Argument values after `$VAR` expansion. */
  args: string[]
  /** Index of the word holding `keyword` (1 after an `@id` prefix). */
  keywordIndex: number
  block?: Block
  /** `@id line` / `@^id line`: applies only when keepalived runs with (or without) config id `id`. */
  condition?: {id: string; negate: boolean; active: boolean}
  /** `include PATTERN`: the files it expanded to, parsed in the context of the enclosing block. */
  include?: {pattern: string; files: KeepalivedFileCst[]}
  /** `$NAME=value`: a parameter definition. */
  definition?: {name: string; value: string}
  /** Lines keepalived would skip (inactive `@id`) or that lbctl does not interpret (`~SEQ`). */
  skipped?: boolean
  /** `[start, end)` indexes into the file's tokens. */
  tokenStart: number
  tokenEnd: number
}

export interface Block {
  open: Range
  close?: Range
  statements: Statement[]
}

export interface KeepalivedFileCst {
  source: SourceFile
  tokens: Token[]
  statements: Statement[]
}

export interface BuildContext {
  definitions: Map<string, string>
  configId?: string
  diagnostics: Diagnostic[]
  /** Called for each `include` in order, so definitions flow through included files as in keepalived. */
  include(pattern: string, statement: Statement): KeepalivedFileCst[]
}

export function printTokens(tokens: Token[]): string {
  let out = ''
  for (const t of tokens) out += t.text
  return out
}

export function buildFileCst(source: SourceFile, context: BuildContext): KeepalivedFileCst {
  const tokens = tokenize(source.text)
  const file = source.path
  const root: Statement[] = []
  const stack: {block: Block; owner: Statement}[] = []
  const current = () => (stack.length > 0 ? stack[stack.length - 1]!.block.statements : root)
  let pending: {words: Word[]; start: number; end: number} | undefined
  /** The last finished statement of the current block, while `{` may still open its block. */
  let canOpen: Statement | undefined

  const finish = () => {
    if (!pending) return
    const statement = makeStatement(file, pending.words, pending.start, pending.end, context)
    current().push(statement)
    pending = undefined
    canOpen = statement
  }

  tokens.forEach((token, index) => {
    if (token.kind === 'word') {
      if (token.unterminatedQuote) {
        context.diagnostics.push(
          diagnostic('keepalived/unterminated-quote', 'error', file, rangeOf(token), `Unterminated quote '${token.text}'`, [
            'close the double quote on the same line',
          ]),
        )
      }
      const word: Word = {...rangeOf(token), text: token.text, value: token.value}
      if (pending) {
        pending.words.push(word)
        pending.end = index + 1
      } else pending = {words: [word], start: index, end: index + 1}
      return
    }
    if (token.kind === 'newline') {
      finish()
      return
    }
    if (token.kind === 'open') {
      finish()
      const owner = canOpen
      if (owner && !owner.block && owner.include === undefined && owner.definition === undefined) {
        owner.block = {open: rangeOf(token), statements: []}
        stack.push({block: owner.block, owner})
      } else {
        context.diagnostics.push(
          diagnostic('keepalived/unexpected-open', 'error', file, rangeOf(token), "Unexpected '{' - ignoring", [
            'put the `{` on the line of the keyword that opens the block, or remove it',
          ]),
        )
      }
      canOpen = undefined
      return
    }
    if (token.kind === 'close') {
      finish()
      const top = stack.pop()
      if (top) {
        top.block.close = rangeOf(token)
        top.owner.tokenEnd = index + 1
      } else {
        context.diagnostics.push(
          diagnostic('keepalived/extra-close', 'error', file, rangeOf(token), "Extra '}' found", ['remove this `}` or add the `{` it closes']),
        )
      }
      canOpen = undefined
    }
  })
  finish()
  if (stack.length > 0) {
    const open = stack[stack.length - 1]!.owner
    context.diagnostics.push(
      diagnostic(
        'keepalived/missing-close',
        'error',
        file,
        {line: open.line, column: open.column, endLine: open.line, endColumn: open.column + open.keyword.length},
        `There are ${stack.length} missing '}'s or extra '{'s`,
        [`close the block '${open.words.map((w) => w.value).join(' ')}' opened at ${file}:${open.line} with '}'`],
      ),
    )
  }
  return {source, tokens, statements: root}
}

function rangeOf(token: Token): Range {
  return {line: token.line, column: token.column, endLine: token.line, endColumn: token.column + token.text.length}
}

function makeStatement(file: string, words: Word[], start: number, end: number, context: BuildContext): Statement {
  const first = words[0]!
  const last = words[words.length - 1]!
  const statement: Statement = {
    file,
    words,
    keyword: first.value,
    args: words.slice(1).map((w) => w.value),
    keywordIndex: 0,
    line: first.line,
    column: first.column,
    endLine: last.endLine,
    endColumn: last.endColumn,
    tokenStart: start,
    tokenEnd: end,
  }
  let values = words.map((w) => w.value)
  const prefix = /^@(\^?)(.*)$/.exec(first.value)
  if (prefix) {
    const negate = prefix[1] === '^'
    const id = prefix[2] ?? ''
    const matches = context.configId !== undefined && context.configId === id
    statement.condition = {id, negate, active: matches !== negate}
    statement.keywordIndex = 1
    values = values.slice(1)
    if (!statement.condition.active || values.length === 0) statement.skipped = true
  }
  if (values.length === 0) {
    statement.keyword = ''
    statement.args = []
    return statement
  }
  const raw = words
    .slice(statement.keywordIndex)
    .map((w) => w.text)
    .join(' ')
  const definition = /^\$([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(raw)
  if (definition && !statement.skipped) {
    const name = definition[1]!
    const value = definition[2] ?? ''
    statement.definition = {name, value}
    statement.keyword = `$${name}`
    statement.args = []
    if (value.endsWith('\\')) {
      context.diagnostics.push(
        diagnostic('keepalived/unsupported-syntax', 'info', file, statement, `multiline definition $${name} is not expanded by lbctl`, [
          'lines using it are checked as written',
        ]),
      )
    } else context.definitions.set(name, value)
    return statement
  }
  if (values[0]!.startsWith('~SEQ')) {
    statement.skipped = true
    context.diagnostics.push(
      diagnostic('keepalived/unsupported-syntax', 'info', file, statement, '~SEQ lines are not expanded by lbctl; the line is not checked'),
    )
  }
  if (context.definitions.size > 0 && values.some((v) => v.includes('$'))) values = expand(values, context.definitions)
  statement.keyword = values[0] ?? ''
  statement.args = values.slice(1)
  if (statement.keyword === 'include' && statement.args.length === 1 && !statement.skipped) {
    statement.include = {pattern: statement.args[0]!, files: []}
    statement.include.files = context.include(statement.args[0]!, statement)
  }
  return statement
}

/** `$NAME` and `${NAME}` are replaced by their definition, then the line is split into words again. */
function expand(values: string[], definitions: Map<string, string>): string[] {
  const line = values
    .map((v) => (/\s/.test(v) ? `"${v}"` : v))
    .join(' ')
    .replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, braced: string | undefined, bare: string | undefined) => {
      const value = definitions.get((braced ?? bare)!)
      return value ?? whole
    })
  return tokenize(line)
    .filter((t) => t.kind === 'word')
    .map((t) => t.value)
}
