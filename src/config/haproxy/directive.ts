/**
 * The model's Directive for one accepted configuration line. A big config has one per line (28,000 for
 * 20,000 servers) and the parse keeps them all, so a line without a `no`/`default` prefix is its own
 * directive (see Line in cst.ts); `args` is made the first time something reads it (the build and the
 * checks read server lines through their words, so most are never made).
 */
import {acceptDirective, type CstLine, firstWordColumn, wordValues} from './cst.js'
import {directiveKeyword} from './directive-keyword.js'
import type {Word} from './lexer.js'
import type {Directive} from './model.js'

export {wordValues}

/**
 * `words`: the line's words without its `no`/`default` prefix, if any. A directive keeps them, except a
 * server line's: most of a big config, and read again only to report a problem or run the engine.
 */
export function toDirective(line: CstLine, words: Word[], prefix: 'no' | 'default' | undefined): Directive {
  const name = (words[0] as Word).value
  if (prefix !== undefined) return new PrefixedDirective(line, name, directiveKeyword(words), words, prefix)
  return acceptDirective(line, name, name === 'server' ? undefined : words)
}

/** `no option x`, `default option x`: the words after the prefix. */
class PrefixedDirective implements Directive {
  declare readonly cst: CstLine
  declare readonly name: string
  declare readonly keyword: string
  declare readonly words: Word[]
  declare readonly prefix: 'no' | 'default'
  declare private argValues: string[] | undefined

  constructor(line: CstLine, name: string, keyword: string, words: Word[], prefix: 'no' | 'default') {
    this.cst = line
    this.name = name
    this.keyword = keyword
    this.words = words
    this.prefix = prefix
    this.argValues = undefined
  }

  get file(): string {
    return this.cst.file
  }

  get line(): number {
    return this.cst.line
  }

  /** Where the line's first word (the prefix) starts. */
  get column(): number {
    return firstWordColumn(this.cst)
  }

  get args(): string[] {
    return (this.argValues ??= wordValues(this.words, 1))
  }
}

/** The values of words[from..] joined by one space (without the arrays of slice, map and join). */
export function joinValues(words: Word[], from: number): string {
  let out = ''
  for (let i = from; i < words.length; i++) out = i === from ? (words[i] as Word).value : `${out} ${(words[i] as Word).value}`
  return out
}
