/**
 * The declarative shape of a keyword (haproxytech/config-parser style): where it is allowed, how many
 * arguments it takes, how they are checked, when it was removed, and example lines that generate tests.
 */
import type {Severity} from '../../diagnostics.js'
import type {Word} from '../lexer.js'
import type {ProxyKind, SectionKind} from './sections.js'

/**
 * Where a keyword may appear in the four proxy kinds, HAProxy's keyword matrix, as four characters for
 * defaults / frontend / listen / backend:
 * - `X` allowed;
 * - `n` (defaults only) allowed in named defaults sections only (rules, acl);
 * - `w` accepted but ignored with a warning (the proxy lacks the frontend/backend capability);
 * - `-` rejected: an error.
 */
export type ProxyMatrix = string

export interface KeywordContext {
  file: string
  lineNo: number
  section: SectionKind
  /** Name of the enclosing section ('' when unnamed). */
  sectionName: string
  /** The words of the directive, `[0]` being the keyword (after a `no`/`default` prefix). */
  words: Word[]
  /** The line's text, when known: lets checks remember repeated plain words (see plainWordsKey). */
  lineText?: string
  /** The directive had a `no` or `default` prefix. */
  prefix?: 'no' | 'default'
  /** `parsing [file:line] :`, HAProxy's message prefix. */
  where: string
  report(severity: Severity, code: string, message: string, at?: Word | number, suggestions?: string[]): void
}

export interface KeywordSpec {
  /** The first word, e.g. `timeout`, `server`, `maxconn`. */
  name: string
  /** Non-proxy sections that accept it. */
  sections?: SectionKind[]
  /** Placement in defaults/frontend/listen/backend (see ProxyMatrix); absent: not a proxy keyword. */
  proxy?: ProxyMatrix
  /** Overrides the message for a rejected/ignored placement. */
  misplaced?: (kind: ProxyKind, proxyName: string, named: boolean) => string | undefined
  /** Fewest arguments after the keyword, and HAProxy's message when fewer are given. */
  minArgs?: number
  missing?: string
  /** Most arguments; more is an error with `tooMany` (default: HAProxy's "cannot handle unexpected argument"). */
  maxArgs?: number
  /** Checks the arguments once placement and count are fine. */
  validate?: (ctx: KeywordContext) => void
  /** Fatal since that version; `message` is HAProxy's wording after the `parsing [file:line] :` prefix. */
  removed?: {since: string; message: string}
  /** Still accepted but on its way out: a warning, an error with --target-version at or after `removedIn`. */
  deprecated?: {since: string; removedIn?: string; message: string}
  /** Example lines that must be accepted / rejected by haproxy -c in this keyword's first allowed section. */
  ok?: string[]
  fail?: string[]
  /** The keyword takes an `if`/`unless` condition at the end. */
  condition?: boolean
}

export const spec = (s: KeywordSpec): KeywordSpec => s

/** Index of the first word of a trailing `if`/`unless` condition, or -1. */
export function conditionIndex(words: Word[], from: number): number {
  for (let i = from; i < words.length; i++) {
    const v = words[i]?.value
    if (v === 'if' || v === 'unless') return i
  }
  return -1
}

export function argValue(ctx: KeywordContext, index: number): string | undefined {
  return ctx.words[index]?.value
}
