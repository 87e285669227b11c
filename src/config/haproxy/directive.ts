/**
 * The model's Directive for one accepted configuration line, kept small: a big config has one per line
 * (28,000 for 20,000 servers), and the parse keeps them all. Only the line and the keyword are stored;
 * file, line, column, name and words are read from the CST line, `args` is made the first time something
 * reads it (the build and the checks read server lines through their words, so most are never made).
 */
import type {CstLine} from './cst.js'
import type {Word} from './lexer.js'
import type {Directive} from './model.js'

/** Keywords whose identity includes their second word (`timeout connect`, `option httplog`, `stats auth`). */
const TWO_WORD = new Set(['timeout', 'option', 'stats', 'capture', 'tcp-request', 'tcp-response', 'http-check', 'tcp-check', 'rate-limit', 'stick', 'email-alert', 'compression', 'external-check', 'monitor'])

/** `words`: the line's words without its `no`/`default` prefix, if any. */
export function toDirective(line: CstLine, words: Word[], prefix: 'no' | 'default' | undefined): Directive {
  const first = words[0] as Word
  const second = words[1]
  const keyword = TWO_WORD.has(first.value) && second !== undefined ? `${first.value} ${second.value}` : first.value
  return prefix === undefined ? new LineDirective(line, keyword) : new PrefixedDirective(line, keyword, words, prefix)
}

class LineDirective implements Directive {
  readonly cst: CstLine
  readonly keyword: string
  #args: string[] | undefined

  constructor(line: CstLine, keyword: string) {
    this.cst = line
    this.keyword = keyword
    this.#args = undefined
  }

  get file(): string {
    return this.cst.file
  }

  get line(): number {
    return this.cst.line
  }

  /** Where the line's first word starts (its prefix, if any). */
  get column(): number {
    return (this.cst.words[0] as Word).column
  }

  get words(): Word[] {
    return this.cst.words
  }

  get name(): string {
    return (this.words[0] as Word).value
  }

  get prefix(): 'no' | 'default' | undefined {
    return undefined
  }

  get args(): string[] {
    return (this.#args ??= wordValues(this.words, 1))
  }
}

/** `no option x`, `default option x`: the words after the prefix. */
class PrefixedDirective extends LineDirective {
  readonly #words: Word[]
  readonly #prefix: 'no' | 'default'

  constructor(line: CstLine, keyword: string, words: Word[], prefix: 'no' | 'default') {
    super(line, keyword)
    this.#words = words
    this.#prefix = prefix
  }

  override get words(): Word[] {
    return this.#words
  }

  override get prefix(): 'no' | 'default' {
    return this.#prefix
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
