/**
 * Sample fetches for ACLs: each returns every value the sample has (HAProxy tries an ACL's patterns
 * against each occurrence: every header value, every url_param), an empty list when absent.
 */
import type {AclHeaders, AclRequest} from './request.js'

export type SampleType = 'str' | 'int' | 'ip' | 'meth' | 'bool'
export type Sample = string | number
export type MatchMethod = 'found' | 'bool' | 'int' | 'ip' | 'str' | 'sub' | 'reg' | 'beg' | 'end' | 'dir' | 'dom' | 'len' | 'meth'

export interface FetchSpec {
  type: SampleType
  /** Arguments in parentheses: required, optional, or none. */
  args: 'none' | 'optional' | 'required'
  get(req: AclRequest, args: string[]): Sample[]
}

/** The path: from the first slash after the authority to `?` (excluded); absent for `*`. */
export function pathOf(target: string): string | undefined {
  let start = 0
  if (!target.startsWith('/')) {
    const scheme = target.indexOf('://')
    if (scheme < 0) return undefined
    start = target.indexOf('/', scheme + 3)
    if (start < 0) return undefined
  }
  const q = target.indexOf('?', start)
  return q < 0 ? target.slice(start) : target.slice(start, q)
}

/** Every value of `name=value` in the query string (the name must be followed by `=`). */
export function urlParams(target: string, name: string): string[] {
  const q = target.indexOf('?')
  if (q < 0) return []
  const out: string[] = []
  for (const part of target.slice(q + 1).split('&')) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    if (name === '' || part.slice(0, eq) === name) out.push(part.slice(eq + 1))
  }
  return out
}

/** Header values split on commas and trimmed, as `hdr()` sees them; every header when no name is given. */
export function headerValues(headers: AclHeaders, name: string | undefined): string[] {
  const lower = name?.toLowerCase()
  const out: string[] = []
  for (let i = 0; i < headers.length; i++) {
    if (lower !== undefined && lower !== '' && headers.name(i).toLowerCase() !== lower) continue
    for (const v of headers.value(i).split(',')) out.push(v.trim())
  }
  return out
}

/** `hdr(name,occ)`: occ > 0 counts from the first value, occ < 0 from the last. */
function occurrence(values: string[], occ: string | undefined): string[] {
  if (occ === undefined || occ === '') return values
  const n = Number(occ)
  const v = n > 0 ? values[n - 1] : n < 0 ? values[values.length + n] : undefined
  if (n === 0) return values
  return v === undefined ? [] : [v]
}

const path: FetchSpec = {type: 'str', args: 'none', get: (req) => {
  const p = pathOf(req.target)
  return p === undefined ? [] : [p]
}}
const url: FetchSpec = {type: 'str', args: 'none', get: (req) => [req.target]}
const urlParam: FetchSpec = {type: 'str', args: 'required', get: (req, args) => urlParams(req.target, args[0] ?? '')}
const hdr: FetchSpec = {type: 'str', args: 'optional', get: (req, args) => occurrence(headerValues(req.headers, args[0]), args[1])}
const reqHdr: FetchSpec = {type: 'str', args: 'optional', get: (req, args) => occurrence(headerValues(req.requestHeaders ?? req.headers, args[0]), args[1])}
/** Whole header lines, not split on commas. */
const fhdr: FetchSpec = {type: 'str', args: 'optional', get: (req, args) => occurrence(fullValues(req.headers, args[0]), args[1])}

/** `cook(name)`: every value of the cookie in the Cookie headers. */
export function cookieValues(headers: AclHeaders, name: string | undefined): string[] {
  const out: string[] = []
  for (const line of fullValues(headers, 'cookie')) {
    for (const part of line.split(';')) {
      const eq = part.indexOf('=')
      const key = (eq < 0 ? part : part.slice(0, eq)).trim()
      if (name === undefined || name === '' || key === name) out.push(eq < 0 ? '' : part.slice(eq + 1).trim())
    }
  }
  return out
}

function fullValues(headers: AclHeaders, name: string | undefined): string[] {
  const lower = name?.toLowerCase()
  const out: string[] = []
  for (let i = 0; i < headers.length; i++) if (lower === undefined || lower === '' || headers.name(i).toLowerCase() === lower) out.push(headers.value(i).trim())
  return out
}

function queryOf(target: string): string[] {
  const q = target.indexOf('?')
  return q < 0 ? [] : [target.slice(q + 1)]
}

/** `base`: the Host header's value followed by the path. */
function baseOf(req: AclRequest): string[] {
  const p = pathOf(req.target)
  if (p === undefined) return []
  const host = headerValues(req.requestHeaders ?? req.headers, 'host').at(-1)
  return [(host ?? '') + p]
}
const hdrCnt: FetchSpec = {type: 'int', args: 'optional', get: (req, args) => [headerValues(req.headers, args[0]).length]}
const hdrVal: FetchSpec = {type: 'int', args: 'optional', get: (req, args) => occurrence(headerValues(req.headers, args[0]), args[1]).map(strToInt)}

/** HAProxy's string to integer cast: an optional minus, then the leading digits (none gives 0). */
export function strToInt(s: string): number {
  const m = /^(-?)(\d*)/.exec(s)
  const n = Number(m?.[2] || '0')
  return m?.[1] ? -n : n
}

/** Fetch name → what it returns. */
export const FETCHES: ReadonlyMap<string, FetchSpec> = new Map<string, FetchSpec>([
  ['path', path],
  ['url', url],
  ['url_param', urlParam],
  ['urlp', urlParam],
  ['hdr', hdr],
  ['req.hdr', reqHdr],
  ['res.hdr', hdr],
  ['shdr', hdr],
  ['req.fhdr', fhdr],
  ['res.fhdr', fhdr],
  ['cook', {type: 'str', args: 'optional', get: (req, args) => cookieValues(req.requestHeaders ?? req.headers, args[0])}],
  ['req.cook', {type: 'str', args: 'optional', get: (req, args) => cookieValues(req.requestHeaders ?? req.headers, args[0])}],
  ['query', {type: 'str', args: 'none', get: (req) => queryOf(req.target)}],
  ['base', {type: 'str', args: 'none', get: baseOf}],
  ['ssl_fc', {type: 'bool', args: 'none', get: (req) => [req.ssl ? 1 : 0]}],
  ['src_port', {type: 'int', args: 'none', get: (req) => (req.srcPort === undefined ? [] : [req.srcPort])}],
  ['status', {type: 'int', args: 'none', get: (req) => (req.status === undefined ? [] : [req.status])}],
  ['http_auth', {type: 'bool', args: 'required', get: (req, args) => [req.authenticate?.(args[0] ?? '') ? 1 : 0]}],
  ['http_auth_group', {type: 'str', args: 'required', get: (req, args) => [...(req.authenticate?.(args[0] ?? '')?.groups ?? [])]}],
  ['str', {type: 'str', args: 'required', get: (_req, args) => [args.join(',')]}],
  ['var', {type: 'str', args: 'required', get: (req, args) => {
    const v = req.vars?.get(args[0] ?? '')
    return v === undefined ? [] : [v]
  }}],
  ['hdr_cnt', hdrCnt],
  ['req.hdr_cnt', hdrCnt],
  ['hdr_val', hdrVal],
  ['req.hdr_val', hdrVal],
  ['method', {type: 'meth', args: 'none', get: (req) => [req.method]}],
  ['src', {type: 'ip', args: 'none', get: (req) => (req.src ? [req.src] : [])}],
  ['dst_port', {type: 'int', args: 'none', get: (req) => [req.dstPort]}],
  ['nbsrv', {type: 'int', args: 'required', get: (req, args) => [req.nbsrv(args[0] ?? '')]}],
  ['req.ver', {type: 'str', args: 'none', get: (req) => [req.version.replace(/^HTTP\//, '')]}],
  ['always_true', {type: 'bool', args: 'none', get: () => [1]}],
  ['always_false', {type: 'bool', args: 'none', get: () => [0]}],
])

/** ACL keywords: a fetch with its implicit matching method (`path_beg` = `path -m beg`). */
export const ACL_KEYWORDS: ReadonlyMap<string, {fetch: string; match?: MatchMethod}> = (() => {
  const out = new Map<string, {fetch: string; match?: MatchMethod}>()
  const families: [string, string, MatchMethod[]][] = [
    ['path', 'path', ['beg', 'end', 'sub', 'dir', 'dom', 'reg', 'len']],
    ['url', 'url', ['beg', 'end', 'sub', 'dir', 'dom', 'reg', 'len']],
    ['url_param', 'url_param', []],
    ['urlp', 'url_param', ['beg', 'end', 'sub', 'dir', 'dom', 'reg', 'len']],
    ['hdr', 'hdr', ['beg', 'end', 'sub', 'dir', 'dom', 'reg', 'len']],
    ['shdr', 'shdr', ['beg', 'end', 'sub', 'dir', 'dom', 'reg', 'len']],
    ['cook', 'cook', ['beg', 'end', 'sub', 'dir', 'dom', 'reg', 'len']],
  ]
  for (const [prefix, fetch, matches] of families) for (const m of matches) out.set(`${prefix}_${m}`, {fetch, match: m})
  out.set('hdr_ip', {fetch: 'hdr', match: 'ip'})
  return out
})()
