/** `acl` declarations and `if`/`unless` conditions: fetch names, matchers, and the ACL names a condition uses. */
import type {Word} from '../lexer.js'
import {didYouMean, invalidNameChar, NAME_CHARS_HINT} from './args.js'
import {error, warning} from './common.js'
import {ACL_KEYWORDS, CONVERTERS, SAMPLE_FETCHES} from './fetches-2.6.js'
import {spec, type KeywordContext, type KeywordSpec} from './spec.js'

/** ACLs HAProxy predefines in every proxy. */
export const PREDEFINED_ACLS = new Set([
  'FALSE', 'HTTP', 'HTTP_1.0', 'HTTP_1.1', 'HTTP_2.0', 'HTTP_CONTENT', 'HTTP_URL_ABS', 'HTTP_URL_SLASH', 'HTTP_URL_STAR', 'LOCALHOST',
  'METH_CONNECT', 'METH_DELETE', 'METH_GET', 'METH_HEAD', 'METH_OPTIONS', 'METH_POST', 'METH_PUT', 'METH_TRACE', 'RDP_COOKIE',
  'REQ_CONTENT', 'TRUE', 'WAIT_END',
])

const MATCH_METHODS = new Set(['found', 'bool', 'int', 'ip', 'bin', 'len', 'str', 'sub', 'reg', 'beg', 'end', 'dir', 'dom'])
const FLAGS_WITH_ARG = new Set(['-f', '-m', '-M', '-u'])
const FLAGS = new Set(['-i', '-n', '--'])

/** The fetch name of a criterion: `hdr_beg(host)` → `hdr_beg`, `req.hdr(host),lower` → `req.hdr`. */
export function fetchName(criterion: string): string {
  let end = criterion.length
  const paren = criterion.indexOf('(')
  if (paren !== -1) end = paren
  const comma = criterion.indexOf(',')
  if (comma !== -1 && comma < end) end = comma
  return criterion.slice(0, end)
}

export function isKnownFetch(name: string): boolean {
  return ACL_KEYWORDS.has(name) || SAMPLE_FETCHES.has(name)
}

/** Converter names used in `fetch,conv1,conv2(arg)`, ignoring commas inside parentheses. */
function converterNames(criterion: string): string[] {
  const out: string[] = []
  let depth = 0
  let start = -1
  for (let i = 0; i <= criterion.length; i++) {
    const c = criterion[i]
    if (c === '(') depth++
    else if (c === ')') depth--
    if ((c === ',' || c === undefined) && depth === 0) {
      if (start !== -1) out.push(fetchName(criterion.slice(start, i)))
      start = i + 1
    }
  }
  return out
}

/**
 * Checks an ACL expression (criterion, flags, patterns). `label` names it in messages as HAProxy does:
 * `ACL 'a1'` or `an 'http-request deny' condition`. Returns false when it is invalid.
 */
export function checkAclExpression(ctx: KeywordContext, words: Word[], label: string): boolean {
  const criterion = words[0]
  if (criterion === undefined) {
    error(ctx, `error detected while parsing ${label} : missing fetch method.`, ctx.words[0], [], 'haproxy/missing-argument')
    return false
  }
  const name = fetchName(criterion.value)
  if (!isKnownFetch(name)) {
    const guess = didYouMean(name, [...ACL_KEYWORDS, ...SAMPLE_FETCHES])
    error(ctx, `error detected while parsing ${label} : unknown fetch method '${name}' in ACL expression '${criterion.value}'.`, criterion, guess ? [`did you mean '${guess}'?`] : [], 'haproxy/unknown-fetch')
    return false
  }
  if (criterion.value.includes(',')) {
    for (const conv of converterNames(criterion.value).slice(1)) {
      if (!CONVERTERS.has(conv)) {
        error(ctx, `error detected while parsing ${label} : unknown converter '${conv}' in ACL expression '${criterion.value}'.`, criterion, [], 'haproxy/unknown-converter')
        return false
      }
    }
  }
  let i = 1
  let patterns = 0
  let explicitMatch = false
  while (i < words.length) {
    const w = words[i] as Word
    if (w.value === '--') {
      i++
      patterns += words.length - i
      explicitMatch = true
      break
    }
    if (FLAGS_WITH_ARG.has(w.value)) {
      const arg = words[i + 1]
      if (arg === undefined) {
        error(ctx, `error detected while parsing ${label} : missing argument after '${w.value}'.`, w, [], 'haproxy/missing-argument')
        return false
      }
      if (w.value === '-m') {
        if (!MATCH_METHODS.has(arg.value)) {
          error(ctx, `error detected while parsing ${label} : unknown matching method '${arg.value}' when parsing ACL expression.`, arg, [`matching methods are ${[...MATCH_METHODS].join(', ')}`], 'haproxy/unknown-matcher')
          return false
        }
        explicitMatch = true
      }
      if (w.value === '-f') patterns++
      i += 2
      continue
    }
    if (FLAGS.has(w.value)) {
      i++
      continue
    }
    if (w.value.startsWith('-') && w.value.length > 1 && !/^-[0-9]/.test(w.value) && patterns === 0) {
      error(ctx, `error detected while parsing ${label} : '${w.value}' is not a valid ACL option. Please use '--' before any pattern beginning with a '-'.`, w, [], 'haproxy/invalid-argument')
      return false
    }
    patterns++
    i++
  }
  if (patterns === 0 && !explicitMatch && ACL_KEYWORDS.has(name) && !['always_true', 'always_false'].includes(name)) {
    warning(ctx, `parsing acl keyword '${name}' : no pattern to match against were provided, so this ACL will never match.`, criterion, 'haproxy/acl-no-pattern', ["add patterns, '-m found' to test existence, or '--' if intended"])
  }
  return true
}

export interface ConditionTerm {
  /** An ACL name reference; undefined for an anonymous `{ ... }` ACL. */
  name?: string
  negated: boolean
  word: Word
  /** The words inside `{ }` for anonymous ACLs. */
  anonymous?: Word[]
}

export interface ParsedCondition {
  kind: 'if' | 'unless'
  /** OR-ed groups of AND-ed terms. */
  terms: ConditionTerm[][]
  words: Word[]
}

/** Parses `if|unless <terms>` starting at `words[start]` (the `if`/`unless` word). */
export function parseCondition(words: Word[], start: number): ParsedCondition | {error: string; word?: Word} {
  const head = words[start]
  if (head === undefined || (head.value !== 'if' && head.value !== 'unless')) return {error: "expects 'if' or 'unless'", ...(head ? {word: head} : {})}
  const groups: ConditionTerm[][] = [[]]
  let i = start + 1
  while (i < words.length) {
    const w = words[i] as Word
    if (w.value === '||' || w.value === 'or') {
      groups.push([])
      i++
      continue
    }
    let negated = false
    let v = w.value
    if (v === '!') {
      negated = true
      i++
      const next = words[i]
      if (next === undefined) return {error: "missing ACL name after '!'", word: w}
      v = next.value
    } else if (v.startsWith('!') && v.length > 1) {
      negated = true
      v = v.slice(1)
    }
    const at = words[i] as Word
    if (v === '{') {
      const close = words.findIndex((x, j) => j > i && x.value === '}')
      if (close === -1) return {error: "missing closing '}' in condition", word: at}
      ;(groups[groups.length - 1] as ConditionTerm[]).push({negated, word: at, anonymous: words.slice(i + 1, close)})
      i = close + 1
      continue
    }
    ;(groups[groups.length - 1] as ConditionTerm[]).push({name: v, negated, word: at})
    i++
  }
  return {kind: head.value, terms: withoutEmpty(groups), words: words.slice(start)}
}

/** The groups that have terms: the same array when none is empty (the usual case). */
function withoutEmpty(groups: ConditionTerm[][]): ConditionTerm[][] {
  for (let g = 0; g < groups.length; g++) if ((groups[g] as ConditionTerm[]).length === 0) return groups.filter((x) => x.length > 0)
  return groups
}

export const ACL_KEYWORD: KeywordSpec = spec({
  name: 'acl',
  proxy: 'nXXX',
  minArgs: 2,
  missing: "'acl' expects an ACL name and a criterion.",
  validate(ctx) {
    const name = ctx.words[1] as Word
    const bad = invalidNameChar(name.value)
    if (bad !== undefined) {
      error(ctx, `character '${bad}' is not permitted in acl name '${name.value}'.`, name, [NAME_CHARS_HINT], 'haproxy/invalid-name')
      return
    }
    checkAclExpression(ctx, ctx.words.slice(2), `ACL '${name.value}'`)
  },
  ok: ['acl url_ms1 path_beg -i /ms1/', 'acl is_test1 hdr_beg(host) www.test1.com', 'acl host_www hdr_dom(host) -i example.com', 'acl has_x req.hdr(x-forwarded-for) -m found', 'acl local src 127.0.0.1 10.0.0.0/8', 'acl slow url_sub -i slow', 'acl bad hdr_cnt(host) gt 1', 'acl lower req.hdr(host),lower -m str example.com', 'acl dir url_dir -i /img'],
  fail: ['acl', 'acl a1 nosuchfetch -i x', 'acl a1 path_beg -m nosuch /x', 'acl a@b path /'],
})
