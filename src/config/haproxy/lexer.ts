/**
 * HAProxy 2.6 word rules for one configuration line (tools.c parse_line, configuration.txt §2.2-2.3),
 * checked against the real binary:
 * - words are separated by spaces and tabs; `#` outside quotes starts a comment, even inside a word;
 * - outside single quotes a backslash escapes ` `, `#`, `\`, `'`, `"` and means CR/LF/TAB for `\r \n \t`,
 *   `\xNN` is a byte; any other backslash is kept as written (`\q` stays `\q`, a final `\` stays);
 * - single quotes are literal; double quotes allow escapes and `$NAME`, `${NAME}`, `${NAME-default}`
 *   and `${NAME[*]}` (the value split on spaces into several words);
 * - quotes glue to the word around them (`a"b c"d` is one word `ab cd`);
 * - at most 64 words per line.
 */

const NO_ERRORS: LexError[] = []
/** The words of every blank line (nothing changes a line's words). */
export const NO_WORDS = Object.freeze([]) as readonly Word[] as Word[]

/** The most words HAProxy accepts on a line (MAX_LINE_ARGS). */
export const MAX_LINE_WORDS = 64

/** A lexed word. Read-only: one parse shares equal plain words between lines (see WordCache). */
export interface Word {
  /** The unescaped value HAProxy sees. */
  readonly value: string
  /** The text as written, quotes and backslashes included. */
  readonly raw: string
  /** 1-based column of the first character; endColumn is exclusive. */
  readonly column: number
  readonly endColumn: number
  /** The word was (partly) quoted: an empty quoted word is still a word. */
  readonly quoted: boolean
}

/**
 * A word without quote or escape (most of a config): its value is its text, so it keeps two fields instead
 * of five (a 20,000-server parse keeps 30,000 words).
 */
class PlainWord implements Word {
  // `declare`: set by the constructor only (no per-construction field initializer).
  declare readonly value: string
  declare readonly column: number

  constructor(value: string, column: number) {
    this.value = value
    this.column = column
  }

  get raw(): string {
    return this.value
  }

  get endColumn(): number {
    return this.column + this.value.length
  }

  get quoted(): boolean {
    return false
  }
}

/**
 * The plain (unquoted, unescaped) words one parse has made, by a hash of their column and text (the word,
 * or the few that share a hash). Configs repeat the same word at the same place on thousands of lines
 * (`server`, `check`, `inter`, `2s`): sharing one object keeps a 20,000-server parse several times smaller,
 * which is most of its time (garbage collection). The hash is computed while scanning the word and the
 * text compared in place, so a repeated word costs no string at all.
 */
export type WordCache = Map<number, Word | Word[]>

export interface LexComment {
  column: number
  /** The comment text including the `#`. */
  text: string
}

export interface LexError {
  code: string
  message: string
  column: number
  endColumn: number
}

export interface LexedLine {
  words: Word[]
  comment?: LexComment
  errors: LexError[]
}

export type Env = Record<string, string | undefined>

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t'
const isHex = (c: string | undefined): boolean => c !== undefined && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))
const isNameStart = (c: string | undefined): boolean => c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_')
const isNameChar = (c: string | undefined): boolean => isNameStart(c) || (c !== undefined && c >= '0' && c <= '9')

const simpleEscapes: Record<string, string> = {' ': ' ', '#': '#', '\\': '\\', "'": "'", '"': '"', r: '\r', n: '\n', t: '\t'}

/** Splits one line (without its line ending) into words. Never throws. */
export function lexLine(text: string, env: Env, cache?: WordCache): LexedLine {
  const plain = plainWords(text, cache)
  return plain !== undefined ? {words: plain, errors: NO_ERRORS} : lexSpecialLine(text, env)
}

/** lexLine for a line with quotes, escapes, a comment or too many words. */
function lexSpecialLine(text: string, env: Env): LexedLine {
  const words: Word[] = []
  let errors: LexError[] = NO_ERRORS
  let comment: LexComment | undefined
  let i = 0
  const n = text.length

  while (i < n) {
    while (i < n && isSpace(text[i])) i++
    if (i >= n) break
    if (text[i] === '#') {
      comment = {column: i + 1, text: text.slice(i)}
      break
    }
    const start = i
    // A word may expand to several (`${VAR[*]}`): `parts` collects the finished ones, `cur` the one being built.
    let parts: string[] | undefined
    let cur = ''
    let quoted = false
    let failed = false
    let hitComment = false
    let quote: '"' | "'" | undefined
    let quoteStart = 0
    while (i < n) {
      // Fast path: copy a run of ordinary characters in one slice.
      const runEnd = quote === "'" ? scanSingleQuoted(text, i) : scanPlain(text, i, quote === '"')
      if (runEnd > i) {
        cur += text.slice(i, runEnd)
        i = runEnd
        if (i >= n) break
      }
      const c = text[i] as string
      if (quote === undefined) {
        if (isSpace(c)) break
        if (c === '#') {
          hitComment = true
          break
        }
        if (c === '"' || c === "'") {
          quote = c
          quoteStart = i
          quoted = true
          i++
          continue
        }
      } else if (c === quote) {
        quote = undefined
        i++
        continue
      }
      if (c === '\\' && quote !== "'") {
        const next = text[i + 1]
        if (next !== undefined && next in simpleEscapes) {
          cur += simpleEscapes[next]
          i += 2
          continue
        }
        if (next === 'x') {
          const h1 = text[i + 2]
          const h2 = text[i + 3]
          if (!isHex(h1) || !isHex(h2)) {
            (errors === NO_ERRORS ? (errors = []) : errors).push({code: 'haproxy/bad-escape', message: `truncated or invalid hexadecimal sequence at position ${i + 1}`, column: i + 1, endColumn: Math.min(n, i + 4) + 1})
            failed = true
            i += 2
            continue
          }
          cur += String.fromCharCode(parseInt(`${h1}${h2}`, 16))
          i += 4
          continue
        }
        cur += '\\'
        i++
        continue
      }
      if (c === '$' && quote === '"') {
        const expanded = expandVariable(text, i, env)
        if ('error' in expanded) {
          (errors === NO_ERRORS ? (errors = []) : errors).push({code: 'haproxy/bad-env', message: expanded.error, column: expanded.column, endColumn: expanded.column + 1})
          failed = true
          // HAProxy gives up on the whole line here: no further "unmatched quote".
          quote = undefined
          i = n
          break
        }
        if (expanded.split) {
          const pieces = expanded.value.split(' ').filter((p) => p !== '')
          if (pieces.length > 0) {
            cur += pieces[0]
            for (const piece of pieces.slice(1)) {
              ;(parts ??= []).push(cur)
              cur = piece
            }
          }
        } else {
          cur += expanded.value
        }
        i = expanded.end
        continue
      }
      cur += c
      i++
    }
    if (quote !== undefined) {
      (errors === NO_ERRORS ? (errors = []) : errors).push({code: 'haproxy/unmatched-quote', message: `unmatched quote at position ${quoteStart + 1}`, column: quoteStart + 1, endColumn: n + 1})
      failed = true
    }
    // A plain word's value is its raw text: share the string instead of slicing twice.
    const raw = !quoted && cur.length === i - start ? cur : text.slice(start, i)
    if (!failed) {
      if (parts === undefined) words.push(!quoted && raw === cur ? new PlainWord(cur, start + 1) : {value: cur, raw, column: start + 1, endColumn: i + 1, quoted})
      else {
        parts.push(cur)
        for (const value of parts) words.push({value, raw, column: start + 1, endColumn: i + 1, quoted})
      }
    }
    if (hitComment) {
      comment = {column: i + 1, text: text.slice(i)}
      break
    }
  }

  if (words.length > MAX_LINE_WORDS) {
    const extra = words[MAX_LINE_WORDS] as Word
    (errors === NO_ERRORS ? (errors = []) : errors).push({
      code: 'haproxy/too-many-words',
      message: `too many words, truncating after word ${MAX_LINE_WORDS}, position ${extra.column - 1}: <${words[MAX_LINE_WORDS - 1]?.value ?? ''}>`,
      column: extra.column,
      endColumn: n + 1,
    })
  }
  return comment === undefined ? {words, errors} : {words, comment, errors}
}

/**
 * The plain word text[start, end): from the cache when it is short and was made before (`key` is its hash),
 * otherwise made (and cached when short). One place makes every plain word, cached or not: V8 optimizes
 * splitPlainWords while reading the first lines, whose words are all short, and code with a separate path
 * for long words was thrown away at the first address.
 */
function plainWord(cache: WordCache | undefined, key: number, text: string, start: number, end: number): Word {
  const column = start + 1
  const shared = cache !== undefined && end - start <= MAX_SHARED_WORD
  const found = shared ? cache.get(key) : undefined
  if (found !== undefined) {
    const endColumn = end + 1
    if (!Array.isArray(found)) {
      if (found.column === column && found.endColumn === endColumn && isTextAt(found.value, text, start)) return found
    } else {
      for (const w of found) if (w.column === column && w.endColumn === endColumn && isTextAt(w.value, text, start)) return w
    }
  }
  const word = new PlainWord(text.slice(start, end), column)
  if (!shared) return word
  if (found === undefined) cache.set(key, word)
  else if (Array.isArray(found)) found.push(word)
  else cache.set(key, [found, word])
  return word
}

/** text has `value` at `start` (a loop: faster than startsWith on the short words of a config). */
function isTextAt(value: string, text: string, start: number): boolean {
  for (let k = 0; k < value.length; k++) if (value.charCodeAt(k) !== text.charCodeAt(start + k)) return false
  return true
}

const plainScratch: Word[] = []

/**
 * Longer plain words are not shared: they are mostly addresses, host names and paths, different on every
 * line, and caching them only grows the cache. The words that repeat by thousands (`server`, `check`,
 * `inter`, `2s`, `hdr(host)`, server names) are short.
 */
const MAX_SHARED_WORD = 12

/** A character that needs the full lexer: quote, `#` or backslash. */
const SPECIAL = /["#'\\]/

/**
 * The words of a line without quote, backslash or `#` and with at most 64 words (every word is its raw text,
 * and there is no comment nor error): split on spaces and tabs. Undefined for any other line. The
 * per-character work is native (a regex test, indexOf): on a cold JIT a loop over the characters of 26,000
 * lines runs in the interpreter first.
 */
export function plainWords(text: string, cache: WordCache | undefined): Word[] | undefined {
  return SPECIAL.test(text) ? undefined : splitPlainWords(text, cache)
}

/** plainWords for a text known to be plain (isPlainText). */
export function splitPlainWords(text: string, cache: WordCache | undefined): Word[] | undefined {
  // Words gather in a reused array, copied once at the exact size: pushing into a fresh array reallocates
  // it several times and keeps spare capacity, a third of a 20,000-server parse's memory.
  const count = readPlainWords(text, cache, MAX_LINE_WORDS + 1)
  return count === -1 ? undefined : count === 0 ? NO_WORDS : plainScratch.slice(0, count)
}

/** The words the last readPlainWords read (its first entries): valid until the next read. */
export const readWords: readonly Word[] = plainScratch

/**
 * splitPlainWords without the array: the words go to readWords, and the answer is how many were read (at
 * most `limit`), or -1 for a line of more than 64 words.
 */
export function readPlainWords(text: string, cache: WordCache | undefined, limit: number): number {
  const scratch = plainScratch
  let count = 0
  const n = text.length
  const tabs = text.includes('\t')
  let i = 0
  while (i < n && count < limit) {
    const c = text.charCodeAt(i)
    if (c === 32 || c === 9) {
      i++
      continue
    }
    if (count === MAX_LINE_WORDS) return -1 // the full lexer reports it
    const start = i
    i = text.indexOf(' ', start)
    if (i === -1) i = n
    if (tabs) {
      const tab = text.indexOf('\t', start)
      if (tab !== -1 && tab < i) i = tab
    }
    // Long words are not shared (see MAX_SHARED_WORD): no need to hash them.
    let hash = c + start * 131
    if (i - start <= MAX_SHARED_WORD) for (let k = start + 1; k < i; k++) hash = (Math.imul(hash, 31) + text.charCodeAt(k)) | 0
    scratch[count++] = plainWord(cache, hash & 0x3fffffff, text, start, i)
  }
  return count
}

/** No quote, backslash or `#`: plainWords splits the line (when it has at most 64 words). */
export const isPlainText = (text: string): boolean => !SPECIAL.test(text)

/** Index of the first character of a plain line's first word, -1 when it has none. */
export function firstWordStart(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c !== 32 && c !== 9) return i
  }
  return -1
}

/** End (exclusive) of the plain word starting at `start`. */
export function wordEnd(text: string, start: number): number {
  let end = text.indexOf(' ', start)
  if (end === -1) end = text.length
  const tab = text.indexOf('\t', start)
  return tab !== -1 && tab < end ? tab : end
}

/** End of a run of characters that need no special handling (outside quotes or inside double quotes). */
function scanPlain(text: string, from: number, inDouble: boolean): number {
  let i = from
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i)
    // space, tab, ", #, $, ', \
    if (c === 32 || c === 9 || c === 34 || c === 35 || c === 39 || c === 92 || (inDouble && c === 36)) {
      if (inDouble && (c === 32 || c === 9 || c === 35 || c === 39)) continue
      break
    }
  }
  return i
}

function scanSingleQuoted(text: string, from: number): number {
  const end = text.indexOf("'", from)
  return end === -1 ? text.length : end
}

type Expansion = {value: string; split: boolean; end: number} | {error: string; column: number; end: number}

/** Expands `$NAME`, `${NAME}`, `${NAME-default}` or `${NAME[*]}` starting at the `$` in position `at`. */
function expandVariable(text: string, at: number, env: Env): Expansion {
  let i = at + 1
  const braced = text[i] === '{'
  if (braced) i++
  if (!isNameStart(text[i])) {
    return {error: `forbidden first char in environment variable name at position ${i + 1}`, column: i + 1, end: i}
  }
  const nameStart = i
  while (isNameChar(text[i])) i++
  const name = text.slice(nameStart, i)
  const value = env[name]
  if (!braced) return {value: value ?? '', split: false, end: i}

  const bracePos = at + 1
  if (text.startsWith('[*]}', i)) return {value: value ?? '', split: true, end: i + 4}
  if (text[i] === '}') return {value: value ?? '', split: false, end: i + 1}
  if (text[i] === '-') {
    const close = text.indexOf('}', i + 1)
    if (close !== -1) return {value: value ?? text.slice(i + 1, close), split: false, end: close + 1}
  }
  return {error: `unmatched brace in environment variable name at position ${bracePos + 1}`, column: bracePos + 1, end: text.length}
}
