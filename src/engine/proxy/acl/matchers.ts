/**
 * Pattern matching as HAProxy's pattern.c does it: exact/prefix/suffix/substring, words delimited by
 * slashes (dir) or dots (dom), regexes, integer ranges, IP networks, HTTP methods.
 */
import {BlockList, isIPv4, isIPv6} from 'node:net'
import {type MatchMethod, type Sample, strToInt} from './fetches.js'

export interface Matcher {
  /** True when some pattern matches the sample value. */
  test(value: Sample): boolean
}

export type MatcherResult = {ok: true; matcher: Matcher} | {ok: false; problem: string}

const DIR_DELIMITERS = '/?'
const DOM_DELIMITERS = '/?.:'
const KNOWN_METHODS = new Set(['OPTIONS', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'TRACE', 'CONNECT'])

/**
 * `pattern` found in `value` as a whole word: delimiters around it (or the ends). The pattern's own
 * leading/trailing delimiters are ignored; a pattern made only of delimiters never matches.
 */
export function matchWord(value: string, pattern: string, delimiters: string): boolean {
  let start = 0
  let end = pattern.length
  while (start < end && delimiters.includes(pattern[start]!)) start++
  while (end > start && delimiters.includes(pattern[end - 1]!)) end--
  const word = pattern.slice(start, end)
  if (word === '' || word.length > value.length) return false
  let mayMatch = true
  for (let c = 0; c <= value.length - word.length; c++) {
    if (delimiters.includes(value[c]!)) {
      mayMatch = true
      continue
    }
    if (!mayMatch) continue
    if (value.startsWith(word, c) && (c + word.length === value.length || delimiters.includes(value[c + word.length]!))) return true
    mayMatch = false
  }
  return false
}

/** `10`, `1:5`, `:5`, `5:` with an operator (`eq|ne|lt|le|gt|ge`) applying to the patterns after it. */
export function intRanges(patterns: string[]): {ranges: [number, number][]} | {problem: string} {
  const ranges: [number, number][] = []
  let op = 'eq'
  for (const p of patterns) {
    if (['eq', 'lt', 'le', 'gt', 'ge'].includes(p)) {
      op = p
      continue
    }
    const asRange = /^(-?\d*):(-?\d*)$/.exec(p)
    if (asRange) {
      ranges.push([asRange[1] ? Number(asRange[1]) : -Infinity, asRange[2] ? Number(asRange[2]) : Infinity])
      continue
    }
    if (!/^-?\d+$/.test(p)) return {problem: `'${p}' is not a number`}
    const n = Number(p)
    if (op === 'eq') ranges.push([n, n])
    else if (op === 'lt') ranges.push([-Infinity, n - 1])
    else if (op === 'le') ranges.push([-Infinity, n])
    else if (op === 'gt') ranges.push([n + 1, Infinity])
    else ranges.push([n, Infinity])
  }
  return {ranges}
}

function ipList(patterns: string[]): BlockList | string {
  const list = new BlockList()
  for (const p of patterns) {
    const [addr = '', mask] = p.split('/')
    const family = isIPv4(addr) ? 'ipv4' : isIPv6(addr) ? 'ipv6' : undefined
    if (!family) return `'${p}' is not an IP address or network`
    if (mask === undefined) list.addAddress(addr, family)
    else if (/^\d+$/.test(mask) && Number(mask) <= (family === 'ipv4' ? 32 : 128)) list.addSubnet(addr, Number(mask), family)
    else if (family === 'ipv4' && isIPv4(mask)) list.addSubnet(addr, maskBits(mask), family)
    else return `'${p}' has an invalid mask`
  }
  return list
}

function maskBits(mask: string): number {
  return mask.split('.').reduce((bits, octet) => bits + Number(octet).toString(2).replaceAll('0', '').length, 0)
}

const text = (v: Sample): string => (typeof v === 'number' ? String(v) : v)

/** Compiles patterns for one matching method; `icase` is `-i`. */
export function compileMatcher(method: MatchMethod, patterns: string[], icase: boolean): MatcherResult {
  const fold = (s: string) => (icase ? s.toLowerCase() : s)
  const folded = patterns.map(fold)
  const some = (f: (v: string, p: string) => boolean): Matcher => ({test: (v) => folded.some((p) => f(fold(text(v)), p))})
  switch (method) {
    case 'found':
      return {ok: true, matcher: {test: () => true}}
    case 'bool':
      return {ok: true, matcher: {test: (v) => (typeof v === 'number' ? v !== 0 : v !== '')}}
    case 'str':
      return {ok: true, matcher: some((v, p) => v === p)}
    case 'beg':
      return {ok: true, matcher: some((v, p) => v.startsWith(p))}
    case 'end':
      return {ok: true, matcher: some((v, p) => v.endsWith(p))}
    case 'sub':
      return {ok: true, matcher: some((v, p) => v.includes(p))}
    case 'dir':
      return {ok: true, matcher: some((v, p) => matchWord(v, p, DIR_DELIMITERS))}
    case 'dom':
      return {ok: true, matcher: some((v, p) => matchWord(v, p, DOM_DELIMITERS))}
    case 'reg': {
      const regexes: RegExp[] = []
      for (const p of patterns) {
        try {
          regexes.push(new RegExp(p, icase ? 'i' : ''))
        } catch {
          return {ok: false, problem: `invalid regex '${p}'`}
        }
      }
      return {ok: true, matcher: {test: (v) => regexes.some((r) => r.test(text(v)))}}
    }
    case 'int':
    case 'len': {
      const parsed = intRanges(patterns)
      if ('problem' in parsed) return {ok: false, problem: parsed.problem}
      const toInt = method === 'len' ? (v: Sample) => text(v).length : (v: Sample) => (typeof v === 'number' ? v : strToInt(v))
      return {ok: true, matcher: {test: (v) => parsed.ranges.some(([lo, hi]) => toInt(v) >= lo && toInt(v) <= hi)}}
    }
    case 'ip': {
      const list = ipList(patterns)
      if (typeof list === 'string') return {ok: false, problem: list}
      return {
        ok: true,
        matcher: {
          test: (v) => {
            const ip = text(v)
            const family = isIPv4(ip) ? 'ipv4' : isIPv6(ip) ? 'ipv6' : undefined
            return family !== undefined && list.check(ip, family)
          },
        },
      }
    }
    case 'meth':
      // A known method only equals the same known method, whatever -i says; others compare as strings.
      return {ok: true, matcher: {test: (v) => patterns.some((p) => (KNOWN_METHODS.has(text(v)) || KNOWN_METHODS.has(p) ? p === v : fold(p) === fold(text(v))))}}
  }
}
