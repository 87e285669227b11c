/** Argument checks shared by several keyword families, with HAProxy's wording. */
import type {Word} from '../lexer.js'
import {atol, parseInteger, parseSocketAddress, parseTime} from './args.js'
import type {KeywordContext, KeywordSpec} from './spec.js'

export function error(ctx: KeywordContext, message: string, at?: Word | number, suggestions: string[] = [], code = 'haproxy/invalid-argument'): void {
  ctx.report('error', code, message, at, suggestions)
}

export function warning(ctx: KeywordContext, message: string, at?: Word | number, code = 'haproxy/ignored', suggestions: string[] = []): void {
  ctx.report('warning', code, message, at, suggestions)
}

/** A keyword taking no argument: extra words are rejected like HAProxy's alertif_too_many_args. */
export function noArgs(name: string, extra: Partial<KeywordSpec> = {}): KeywordSpec {
  return {name, maxArgs: 0, ...extra}
}

/** A keyword whose single argument is a strict integer within [min, max]. */
export function intArg(index: number, label: string, min: number, max: number, message?: (value: string) => string) {
  return (ctx: KeywordContext): void => {
    const w = ctx.words[index]
    if (w === undefined) return
    const n = parseInteger(w.value)
    if (!n.ok || n.value < min || n.value > max) error(ctx, message ? message(w.value) : `'${label}' expects an integer between ${min} and ${max} (got '${w.value}').`, w)
  }
}

/** Checks a time argument; `label` is the keyword as HAProxy names it in "unexpected character 'x' in 'timeout connect'". */
export function timeArg(ctx: KeywordContext, index: number, label: string, missing: string): number | undefined {
  const w = ctx.words[index]
  if (w === undefined || w.value === '') {
    error(ctx, missing, ctx.words[0], [], 'haproxy/missing-argument')
    return undefined
  }
  const t = parseTime(w.value)
  if (!t.ok) {
    error(ctx, `${t.error} in '${label}'`, w, ['time units are us, ms, s, m, h, d (default ms), e.g. 5s'], 'haproxy/invalid-time')
    return undefined
  }
  return t.value
}

const FACILITIES = new Set([
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'auth2', 'ftp', 'ntp', 'audit', 'alert', 'cron2',
  'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
])
export const LOG_LEVELS = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug']
const LOG_FORMATS = new Set(['local', 'rfc3164', 'rfc5424', 'priority', 'short', 'timed', 'iso', 'raw'])

/** `log <target> [len N] [format F] [sample R:S] <facility> [level [minlevel]]`, `log global`, `no log`. */
export function checkLog(ctx: KeywordContext, inProxy: boolean): void {
  if (ctx.prefix === 'no') return
  const args = ctx.words.slice(1)
  if (inProxy && args[0]?.value === 'global' && args.length === 1) return
  let i = 1
  const target = ctx.words[i]
  if (target === undefined || ctx.words.length < 3) {
    error(ctx, 'log : expects <address> and <facility>  as arguments', ctx.words[0], [], 'haproxy/missing-argument')
    return
  }
  checkLogTarget(ctx, target)
  i++
  while (i < ctx.words.length) {
    const v = ctx.words[i]?.value
    if (v === 'len' || v === 'format' || v === 'sample') {
      const value = ctx.words[i + 1]
      if (value === undefined) {
        error(ctx, `log : '${v}' expects a value`, ctx.words[i], [], 'haproxy/missing-argument')
        return
      }
      if (v === 'format' && !LOG_FORMATS.has(value.value)) error(ctx, `log : unknown log format '${value.value}'`, value)
      if (v === 'len' && atol(value.value) <= 0) error(ctx, `log : invalid max length '${value.value}'`, value)
      i += 2
      continue
    }
    break
  }
  const facility = ctx.words[i]
  if (facility === undefined) {
    error(ctx, 'log : expects <address> and <facility>  as arguments', ctx.words[0], [], 'haproxy/missing-argument')
    return
  }
  if (!FACILITIES.has(facility.value)) {
    error(ctx, `log : unknown log facility '${facility.value}'`, facility, ['facilities are kern, user, mail, daemon, auth, syslog, ..., local0 to local7'])
    return
  }
  for (const [j, kind] of [
    [i + 1, 'optional log level'],
    [i + 2, 'optional minimum log level'],
  ] as const) {
    const level = ctx.words[j]
    if (level !== undefined && !LOG_LEVELS.includes(level.value)) error(ctx, `log : unknown ${kind} '${level.value}'`, level, [`levels are ${LOG_LEVELS.join(', ')}`])
  }
  if (ctx.words.length > i + 3) error(ctx, `log : cannot handle unexpected argument '${ctx.words[i + 3]?.value}'.`, ctx.words[i + 3], [], 'haproxy/too-many-arguments')
}

function checkLogTarget(ctx: KeywordContext, target: Word): void {
  const v = target.value
  if (v === 'stdout' || v === 'stderr' || v.startsWith('ring@') || v.startsWith('/') || v.includes('@')) return
  const parsed = parseSocketAddress(v, {who: 'log', bind: false})
  if (!parsed.ok) error(ctx, `log : ${parsed.error.replace(/^'log' : /, '')}`, target, [], 'haproxy/invalid-address')
}

/** An integer haproxy reads with atol(): text without leading digits is silently 0, which lbctl warns about. */
export function atolArg(label: string) {
  return (ctx: KeywordContext): void => {
    const w = ctx.words[1]
    if (w !== undefined && !/^\s*[-+]?[0-9]/.test(w.value)) warning(ctx, `'${label}' expects an integer, '${w.value}' is read as 0`, w, 'haproxy/suspicious-value')
  }
}
