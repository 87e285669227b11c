/**
 * One ACL expression (`criterion [flags] patterns...`, as on an `acl` line or inside `{ }`) compiled
 * into a test on a request. Patterns from `-f FILE` are read when the plan is made, like HAProxy does
 * at startup (relative paths from the working directory).
 */
import {readFileSync} from 'node:fs'
import {ACL_KEYWORDS, FETCHES, type MatchMethod, type SampleType} from './fetches.js'
import {compileMatcher} from './matchers.js'
import type {AclRequest} from './request.js'

export interface AclTest {
  test(req: AclRequest): boolean
}

export type Compiled<T> = {ok: true; value: T} | {ok: false; problem: string}

const DEFAULT_MATCH: Record<SampleType, MatchMethod> = {str: 'str', int: 'int', ip: 'ip', meth: 'meth', bool: 'bool'}
const MATCH_NAMES = new Set<string>(['found', 'bool', 'int', 'ip', 'str', 'sub', 'reg', 'beg', 'end', 'dir', 'dom', 'len'])
const CONVERTERS: Record<string, (s: string) => string> = {lower: (s) => s.toLowerCase(), upper: (s) => s.toUpperCase()}

/** `hdr_beg(host),lower` → name, arguments in parentheses, converters after. */
export function splitCriterion(criterion: string): {name: string; args: string[]; converters: string[]} {
  const open = criterion.indexOf('(')
  const comma = criterion.indexOf(',')
  if (open >= 0 && (comma < 0 || open < comma)) {
    const close = criterion.indexOf(')', open)
    const inner = criterion.slice(open + 1, close < 0 ? undefined : close)
    const rest = close < 0 ? '' : criterion.slice(close + 1)
    return {name: criterion.slice(0, open), args: inner === '' ? [] : inner.split(','), converters: rest.split(',').filter((c) => c !== '')}
  }
  const [name = '', ...converters] = criterion.split(',')
  return {name, args: [], converters}
}

/** Patterns of a `-f` file: one per line, leading blanks dropped, `#` lines and empty lines skipped. */
export function patternsFromFile(text: string): string[] {
  const out: string[] = []
  for (const raw of text.split('\n')) {
    if (raw.startsWith('#')) continue
    const line = raw.replace(/^[ \t]+/, '').replace(/\r$/, '')
    if (line !== '') out.push(line)
  }
  return out
}

export function compileExpression(words: string[], readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): Compiled<AclTest> {
  const criterion = words[0]
  if (criterion === undefined) return {ok: false, problem: 'missing fetch method'}
  const {name, args, converters} = splitCriterion(criterion)
  const keyword = ACL_KEYWORDS.get(name)
  const fetch = FETCHES.get(keyword?.fetch ?? name)
  if (!fetch) return {ok: false, problem: `fetch '${name}' is not supported by the bundled engine yet`}
  if (fetch.args === 'required' && args.length === 0) return {ok: false, problem: `fetch '${name}' needs an argument`}
  const convs: ((s: string) => string)[] = []
  for (const c of converters) {
    const conv = CONVERTERS[c]
    if (!conv) return {ok: false, problem: `converter '${c}' is not supported by the bundled engine yet`}
    convs.push(conv)
  }
  let match: MatchMethod = keyword?.match ?? DEFAULT_MATCH[fetch.type]
  let icase = false
  const patterns: string[] = []
  let i = 1
  for (; i < words.length; i++) {
    const w = words[i]!
    if (w === '--') {
      i++
      break
    }
    if (w === '-i') icase = true
    else if (w === '-n') continue
    else if (w === '-m') {
      const m = words[++i] ?? ''
      if (!MATCH_NAMES.has(m)) return {ok: false, problem: `matching method '-m ${m}' is not supported by the bundled engine yet`}
      match = m as MatchMethod
    } else if (w === '-f') {
      const file = words[++i] ?? ''
      try {
        patterns.push(...patternsFromFile(readFile(file)))
      } catch {
        return {ok: false, problem: `failed to open pattern file <${file}>`}
      }
    } else if (w === '-M' || w === '-u') return {ok: false, problem: `ACL flag '${w}' is not supported by the bundled engine yet`}
    else break
  }
  patterns.push(...words.slice(i))
  // `-m str` on a method compares the name as a string; the method matcher is only the default.
  const compiled = compileMatcher(match, patterns, icase)
  if (!compiled.ok) return {ok: false, problem: `${criterion}: ${compiled.problem}`}
  const matcher = compiled.matcher
  const fetchArgs = args
  const get = fetch.get
  return {
    ok: true,
    value: {
      test(req) {
        const values = get(req, fetchArgs)
        for (const raw of values) {
          let v = raw
          if (typeof v === 'string') for (const conv of convs) v = conv(v)
          if (matcher.test(v)) return true
        }
        return false
      },
    },
  }
}
