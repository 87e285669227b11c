/**
 * keepalived runs `script`, `notify*` and similar commands itself, without a shell: the command
 * text is split into words like keepalived's alloc_strvec_quoted_escaped() does — whitespace
 * separates words, "double" and 'single' quotes group (and are removed), a backslash escapes
 * the next character (\n, \t and friends are decoded as in C; others stand for themselves).
 */
const escapes: Record<string, string> = {a: '\x07', b: '\b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v'}

export type SplitResult = {ok: true; words: string[]} | {ok: false; problem: string}

export function splitCommandLine(text: string): SplitResult {
  const words: string[] = []
  let word: string | undefined
  let quote: '"' | "'" | undefined
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!
    if (char === '\\') {
      const next = text[i + 1]
      if (next === undefined) break
      i++
      word = (word ?? '') + (escapes[next] ?? next)
      continue
    }
    if (quote) {
      if (char === quote) quote = undefined
      else word += char
      continue
    }
    if (char === '"' || char === "'") {
      quote = char
      word ??= ''
      continue
    }
    if (/\s/.test(char)) {
      if (word !== undefined) words.push(word)
      word = undefined
      continue
    }
    word = (word ?? '') + char
  }
  if (quote) return {ok: false, problem: `String '${text}': missing terminating ${quote}`}
  if (word !== undefined) words.push(word)
  return {ok: true, words}
}
