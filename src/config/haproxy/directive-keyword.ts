import type {Word} from './lexer.js'

/** Keywords whose identity includes their second word (`timeout connect`, `option httplog`, `stats auth`). */
const TWO_WORD: ReadonlySet<string> = new Set(['timeout', 'option', 'stats', 'capture', 'tcp-request', 'tcp-response', 'http-check', 'tcp-check', 'rate-limit', 'stick', 'email-alert', 'compression', 'external-check', 'monitor'])

/** The keyword as HAProxy names it, from a directive's words without its prefix: `timeout connect`, `server`... */
export function directiveKeyword(words: Word[]): string {
  const name = (words[0] as Word).value
  const second = words[1]
  return TWO_WORD.has(name) && second !== undefined ? `${name} ${second.value}` : name
}
