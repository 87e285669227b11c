/**
 * keepalived.conf lexer. Every byte of the input lands in exactly one token, so joining the
 * token texts gives the file back byte for byte.
 *
 * Word rules follow keepalived 2.2.7 (lib/parser.c read_line/decomment/alloc_strvec):
 * - `!` and `#` start a comment anywhere outside double quotes (also glued to a word: `priority 100#x`);
 *   `\#` and `\!` are literal characters.
 * - `{` and `}` outside double quotes are tokens of their own, even glued to a word (`vrrp_instance VI_1{`).
 * - words are separated by blanks (lib/parser.c alloc_strvec_r). A word starting with `"` runs to the next
 *   `"` and drops the quotes; backslashes do not escape quotes (`"a\"b` ends at the second quote). A `"` inside
 *   an unquoted word ends that word and opens a quoted one; text after a closing quote starts a new word.
 * - `include PATTERN` is read before braces are split, so `{a,b}` in a pattern stays in the word.
 * - a trailing `\` only continues `$NAME=...` definitions in keepalived; elsewhere it stays in the word.
 */

export type TokenKind = 'word' | 'open' | 'close' | 'comment' | 'space' | 'newline'

export interface Token {
  kind: TokenKind
  /** The exact source text. */
  text: string
  /** For words: the value keepalived sees (quotes removed, `\#` → `#`). */
  value: string
  /** 0-based offset in the file. */
  offset: number
  /** 1-based. */
  line: number
  /** 1-based, in UTF-16 code units. */
  column: number
  /** Set on a word whose opening double quote has no closing one on its line. */
  unterminatedQuote?: boolean
}

const blank = new Set([' ', '\t', '\f', '\v', '\r'])

export function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  let line = 1
  let lineStart = 0
  let i = 0
  const push = (kind: TokenKind, start: number, end: number, value = '', extra: Partial<Token> = {}) => {
    tokens.push({kind, text: text.slice(start, end), value, offset: start, line, column: start - lineStart + 1, ...extra})
  }
  while (i < text.length) {
    const ch = text[i]!
    if (ch === '\n' || (ch === '\r' && text[i + 1] === '\n')) {
      const end = ch === '\n' ? i + 1 : i + 2
      push('newline', i, end)
      i = end
      line++
      lineStart = i
      continue
    }
    if (blank.has(ch)) {
      let j = i + 1
      while (j < text.length && blank.has(text[j]!) && !(text[j] === '\r' && text[j + 1] === '\n')) j++
      push('space', i, j)
      i = j
      continue
    }
    if (ch === '!' || ch === '#') {
      let j = i
      while (j < text.length && text[j] !== '\n' && !(text[j] === '\r' && text[j + 1] === '\n')) j++
      push('comment', i, j)
      i = j
      continue
    }
    if (ch === '{' || ch === '}') {
      push(ch === '{' ? 'open' : 'close', i, i + 1, ch)
      i++
      continue
    }
    // keepalived handles `include PATTERN` before splitting braces, so `include conf.d/{a,b}.conf` is one pattern.
    const lineWords = wordsOnLine(tokens, line)
    const word = scanWord(text, i, lineWords.length === 1 && lineWords[0]!.value === 'include')
    push('word', i, word.end, word.value, word.unterminated ? {unterminatedQuote: true} : {})
    i = word.end
  }
  return tokens
}

function wordsOnLine(tokens: Token[], line: number): Token[] {
  const out: Token[] = []
  for (let i = tokens.length - 1; i >= 0 && tokens[i]!.line === line; i--) {
    const t = tokens[i]!
    if (t.kind === 'word') out.unshift(t)
    else if (t.kind !== 'space') return [t, ...out]
  }
  return out
}

function scanWord(text: string, start: number, allowBraces = false): {end: number; value: string; unterminated: boolean} {
  let i = start
  let value = ''
  let unterminated = false
  while (i < text.length) {
    const ch = text[i]!
    if (ch === '\n' || blank.has(ch) || ch === '!' || ch === '#') break
    if (!allowBraces && (ch === '{' || ch === '}')) break
    if (ch === '"' && i > start) break
    if (ch === '\\' && i + 1 < text.length && text[i + 1] !== '\n' && text[i + 1] !== '\r' && text[i + 1] !== '"') {
      const next = text[i + 1]!
      // decomment() only unescapes comment characters; other escapes stay as written.
      value += next === '#' || next === '!' ? next : ch + next
      i += 2
      continue
    }
    if (ch === '$' && text[i + 1] === '{') {
      // `${NAME}` is a parameter reference, not a block: keepalived expands it before looking for braces.
      const close = text.indexOf('}', i + 2)
      const newline = text.indexOf('\n', i + 2)
      if (close !== -1 && (newline === -1 || close < newline) && /^[A-Za-z_][A-Za-z0-9_ ]*$/.test(text.slice(i + 2, close))) {
        value += text.slice(i, close + 1)
        i = close + 1
        continue
      }
    }
    if (ch === '"') {
      const close = findQuoteEnd(text, i + 1)
      if (close === -1) {
        let j = i + 1
        while (j < text.length && text[j] !== '\n' && !(text[j] === '\r' && text[j + 1] === '\n')) j++
        value += text.slice(i + 1, j)
        i = j
        unterminated = true
        break
      }
      value += text.slice(i + 1, close)
      i = close + 1
      break
    }
    value += ch
    i++
  }
  return {end: i, value, unterminated}
}

function findQuoteEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const ch = text[i]
    if (ch === '"') return i
    if (ch === '\n') return -1
  }
  return -1
}
