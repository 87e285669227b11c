/**
 * The model's Directive for one accepted configuration line, kept small: a big config has one per line
 * (28,000 for 20,000 servers), and the parse keeps them all. Only the line, name and keyword are stored;
 * file, line, column and words are read from the CST line, `args` is made the first time something
 * reads it (the build and the checks read server lines through their words, so most are never made).
 */
import type {CstLine} from './cst.js'
import {firstWordStart, isPlainText, type Word} from './lexer.js'
import type {Directive} from './model.js'

/** Keywords whose identity includes their second word (`timeout connect`, `option httplog`, `stats auth`). */
const TWO_WORD = new Set(['timeout', 'option', 'stats', 'capture', 'tcp-request', 'tcp-response', 'http-check', 'tcp-check', 'rate-limit', 'stick', 'email-alert', 'compression', 'external-check', 'monitor'])

/**
 * `words`: the line's words without its `no`/`default` prefix, if any. A directive keeps them, except a
 * server line's: most of a big config, and read again only to report a problem or run the engine.
 */
export function toDirective(line: CstLine, words: Word[], prefix: 'no' | 'default' | undefined): Directive {
  const first = words[0] as Word
  const second = words[1]
  const name = first.value
  const keyword = TWO_WORD.has(name) && second !== undefined ? `${name} ${second.value}` : name
  if (prefix !== undefined) return new PrefixedDirective(line, name, keyword, words, prefix)
  return new LineDirective(line, name, keyword, name === 'server' ? undefined : words)
}

class LineDirective implements Directive {
  // `declare`: set by the constructor only (no per-construction field initializer, see Line in cst.ts).
  declare readonly cst: CstLine
  /** A field, not a getter: the checks read every directive's name (a call each time on a cold JIT). */
  declare readonly name: string
  declare readonly keyword: string
  declare private ownWords: Word[] | undefined
  declare private argValues: string[] | undefined

  constructor(line: CstLine, name: string, keyword: string, words: Word[] | undefined) {
    this.cst = line
    this.name = name
    this.keyword = keyword
    this.ownWords = words
    this.argValues = undefined
  }

  get file(): string {
    return this.cst.file
  }

  get line(): number {
    return this.cst.line
  }

  /** Where the line's first word starts (its prefix, if any). */
  get column(): number {
    const text = this.cst.text
    const start = firstWordStart(text)
    // Without quotes or escapes the first word starts at the first non-blank; otherwise ask the words.
    return isPlainText(text) ? start + 1 : (this.cst.words[0] as Word).column
  }

  /** Kept once read: a plain line makes new words on each read (see cst.ts). */
  get words(): Word[] {
    return (this.ownWords ??= this.cst.words)
  }

  get prefix(): 'no' | 'default' | undefined {
    return undefined
  }

  get args(): string[] {
    return (this.argValues ??= wordValues(this.words, 1))
  }
}

/** `no option x`, `default option x`: the words after the prefix. */
class PrefixedDirective extends LineDirective {
  declare private readonly unprefixed: Word[]
  declare private readonly prefixWord: 'no' | 'default'

  constructor(line: CstLine, name: string, keyword: string, words: Word[], prefix: 'no' | 'default') {
    super(line, name, keyword, undefined)
    this.unprefixed = words
    this.prefixWord = prefix
  }

  override get words(): Word[] {
    return this.unprefixed
  }

  override get prefix(): 'no' | 'default' {
    return this.prefixWord
  }
}

/** The values of words[from..], in an array of exactly that length (push would leave spare capacity). */
export function wordValues(words: Word[], from: number): string[] {
  const out = new Array<string>(Math.max(0, words.length - from))
  for (let i = from; i < words.length; i++) out[i - from] = (words[i] as Word).value
  return out
}

/** The values of words[from..] joined by one space (without the arrays of slice, map and join). */
export function joinValues(words: Word[], from: number): string {
  let out = ''
  for (let i = from; i < words.length; i++) out = i === from ? (words[i] as Word).value : `${out} ${(words[i] as Word).value}`
  return out
}
