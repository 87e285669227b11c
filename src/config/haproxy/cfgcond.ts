/**
 * HAProxy's conditional blocks (`.if` / `.elif` / `.else` / `.endif`, configuration.txt §2.4) and the
 * message directives `.diag`, `.notice`, `.warning`, `.alert`. The predicates are those of 2.6.
 */
import type {Env, Word} from './lexer.js'

/** Features the Debian 2.6 build reports in `haproxy -vv` ("+NAME"). */
const FEATURES = new Set([
  'ACCEPT4', 'BACKTRACE', 'CPU_AFFINITY', 'CRYPT_H', 'DL', 'EPOLL', 'GETADDRINFO', 'LIBCRYPT', 'LINUX_SPLICE',
  'LINUX_TPROXY', 'LUA', 'NETFILTER', 'NS', 'OPENSSL', 'OT', 'PCRE2', 'PCRE2_JIT', 'POLL', 'PRCTL', 'PROMEX', 'RT',
  'SLZ', 'SYSTEMD', 'TFO', 'THREAD', 'THREAD_DUMP', 'TPROXY',
])

export const HAPROXY_VERSION = '2.6.12'

export type CondResult = {value: boolean} | {error: string}

/** Evaluates the words after `.if`/`.elif`. Supports `!`, `&&`, `||` and the 2.6 predicates. */
export function evaluateCondition(words: Word[], env: Env): CondResult {
  const text = words.map((w) => w.value).join(' ').trim()
  if (text === '') return {value: false}
  try {
    const parser = new CondParser(text, env)
    const value = parser.parseOr()
    parser.expectEnd()
    return {value}
  } catch (error) {
    return {error: (error as Error).message}
  }
}

class CondParser {
  private pos = 0
  constructor(
    private readonly text: string,
    private readonly env: Env,
  ) {}

  parseOr(): boolean {
    let value = this.parseAnd()
    while (this.eat('||')) value = this.parseAnd() || value
    return value
  }

  private parseAnd(): boolean {
    let value = this.parseTerm()
    while (this.eat('&&')) value = this.parseTerm() && value
    return value
  }

  private parseTerm(): boolean {
    this.skipSpaces()
    if (this.eat('!')) return !this.parseTerm()
    if (this.eat('(')) {
      const value = this.parseOr()
      if (!this.eat(')')) throw new Error('expected \')\'')
      return value
    }
    const match = /^[A-Za-z_][A-Za-z0-9_]*|^-?[0-9]+/.exec(this.text.slice(this.pos))
    if (!match) throw new Error(`unparsable conditional expression '${this.text.slice(this.pos)}'`)
    const token = match[0]
    this.pos += token.length
    if (/^-?[0-9]+$/.test(token)) return Number(token) !== 0
    if (!this.eat('(')) throw new Error(`unknown term '${token}' in conditional expression`)
    const args = this.readArgs()
    return this.predicate(token, args)
  }

  private readArgs(): string[] {
    const args: string[] = []
    let cur = ''
    let quoted = false
    while (this.pos < this.text.length) {
      const c = this.text[this.pos++] as string
      if (c === '"') quoted = !quoted
      else if (!quoted && c === ',') {
        args.push(cur.trim())
        cur = ''
      } else if (!quoted && c === ')') {
        if (cur.trim() !== '' || args.length > 0) args.push(cur.trim())
        return args
      } else cur += c
    }
    throw new Error('missing closing parenthesis in conditional expression')
  }

  private predicate(name: string, args: string[]): boolean {
    const arg = (i: number): string => args[i] ?? ''
    switch (name) {
      case 'defined':
        return this.env[arg(0)] !== undefined
      case 'feature':
        return FEATURES.has(arg(0))
      case 'streq':
        return arg(0) === arg(1)
      case 'strneq':
        return arg(0) !== arg(1)
      case 'version_atleast':
        return compareVersions(HAPROXY_VERSION, arg(0)) >= 0
      case 'version_before':
        return compareVersions(HAPROXY_VERSION, arg(0)) < 0
      case 'openssl_version_atleast':
        return compareVersions('3.0.19', arg(0)) >= 0
      case 'openssl_version_before':
        return compareVersions('3.0.19', arg(0)) < 0
      case 'ssllib_name_startswith':
        return 'OpenSSL'.startsWith(arg(0))
      default:
        throw new Error(`unknown conditional predicate '${name}'`)
    }
  }

  private eat(token: string): boolean {
    this.skipSpaces()
    if (!this.text.startsWith(token, this.pos)) return false
    this.pos += token.length
    return true
  }

  private skipSpaces(): void {
    while (this.text[this.pos] === ' ' || this.text[this.pos] === '\t') this.pos++
  }

  expectEnd(): void {
    this.skipSpaces()
    if (this.pos < this.text.length) throw new Error(`unexpected '${this.text.slice(this.pos)}' in conditional expression`)
  }
}

/** Compares dotted versions numerically: '2.6.12' vs '2.4' → positive. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => parseInt(x, 10) || 0)
  const pb = b.split(/[.-]/).map((x) => parseInt(x, 10) || 0)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (d !== 0) return d
  }
  return 0
}
