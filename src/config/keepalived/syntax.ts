/**
 * Keyword-level checks: unknown keywords (with did-you-mean), missing parameters, block shape,
 * and each keyword's own argument checks from keywords/*.ts.
 */
import {type Diagnostic, diagnostic, type Range} from '../diagnostics.js'
import type {Statement} from './cst.js'
import {contexts, findKeyword, keywordNames, type Problem} from './keywords/index.js'
import {didYouMean} from './suggest.js'
import {blockStatements, topStatements} from './walk.js'
import type {KeepalivedFileCst} from './cst.js'

export function checkSyntax(main: KeepalivedFileCst): Diagnostic[] {
  const out: Diagnostic[] = []
  visit(topStatements(main), 'top', '', out)
  return out
}

function visit(statements: Statement[], context: string, owner: string, out: Diagnostic[]): void {
  const spec = contexts.get(context)
  for (const s of statements) {
    const keyword = findKeyword(context, s.keyword)
    if (!keyword) {
      out.push(unknownKeyword(s, context))
      continue
    }
    if (keyword.minArgs !== undefined && s.args.length < keyword.minArgs) {
      out.push(
        diagnostic(
          'keepalived/missing-parameter',
          'error',
          s.file,
          keywordRange(s),
          `*** Configuration line starting \`${s.keyword}\` is missing a parameter after keyword \`${s.words[s.words.length - 1]!.value}\` at word position ${s.args.length + 2}`,
          ['keepalived stops reading the configuration here: give the keyword its value'],
        ),
      )
      continue
    }
    const name = s.args[0] ?? ''
    for (const problem of keyword.check?.({keyword: s.keyword, args: s.args, owner: owner || name}) ?? []) out.push(fromProblem(s, problem))
    const block = keyword.block
    if (!block) {
      // Keywords only known to exist (no detailed spec) may hold blocks lbctl does not describe.
      if (s.block && spec?.keywords.some((k) => k.name === s.keyword))
        out.push(diagnostic('keepalived/unexpected-open', 'error', s.file, s.block.open, "Unexpected '{' - ignoring", [`'${s.keyword}' takes no block`]))
      continue
    }
    if (!s.block) {
      out.push(
        diagnostic('keepalived/missing-open', 'error', s.file, keywordRange(s), "Missing '{' at beginning of configuration block", [
          `write '${s.words.map((w) => w.value).join(' ')} {' and close the block with '}'`,
        ]),
      )
      continue
    }
    const inner = blockStatements(s.block)
    const innerOwner = context === 'top' ? name || s.keyword : owner
    if (block.kind === 'keywords') visit(inner, block.context, innerOwner, out)
    else if (block.line) {
      for (const line of inner) {
        if (line.block) {
          out.push(diagnostic('keepalived/unexpected-open', 'error', line.file, line.block.open, "Unexpected '{' - ignoring", [`the lines of '${s.keyword}' take no block`]))
        }
        for (const problem of block.line({keyword: line.keyword, args: line.args, owner: innerOwner})) out.push(fromProblem(line, problem))
      }
    }
  }
}

function unknownKeyword(s: Statement, context: string): Diagnostic {
  const spec = contexts.get(context)
  const replacement = spec?.removed?.[s.keyword]
  const suggestions: string[] = []
  if (replacement) suggestions.push(replacement)
  else {
    const close = didYouMean(s.keyword, keywordNames(context))
    if (close) suggestions.push(`did you mean '${close}'?`)
    else {
      const elsewhere = [...contexts.keys()].find((c) => c !== context && findKeyword(c, s.keyword))
      if (elsewhere) suggestions.push(`'${s.keyword}' belongs in ${elsewhere === 'top' ? 'the top level' : `a ${elsewhere} block`}`)
    }
  }
  return diagnostic('keepalived/unknown-keyword', 'error', s.file, keywordRange(s), `Unknown keyword '${s.keyword}'`, suggestions)
}

export function keywordRange(s: Statement): Range {
  const w = s.words[s.keywordIndex] ?? s.words[0]!
  return {line: w.line, column: w.column, endLine: w.endLine, endColumn: w.endColumn}
}

export function argRange(s: Statement, arg: number | undefined): Range {
  if (arg === undefined) return {line: s.line, column: s.column, endLine: s.endLine, endColumn: s.endColumn}
  const w = s.words[s.keywordIndex + 1 + arg]
  return w ? {line: w.line, column: w.column, endLine: w.endLine, endColumn: w.endColumn} : keywordRange(s)
}

function fromProblem(s: Statement, p: Problem): Diagnostic {
  return diagnostic(p.code, p.severity ?? 'error', s.file, argRange(s, p.arg), p.message, p.suggestions ?? [])
}
