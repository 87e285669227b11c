/**
 * Proxy keywords (defaults / frontend / listen / backend): mode, balance, timeouts, options, log, cookie,
 * capacity limits and the keywords HAProxy 2.1+ removed. Placement follows HAProxy's keyword matrix.
 */
import {fetchName, isKnownFetch} from './acl.js'
import {atolArg, checkLog, error, timeArg, warning} from './common.js'
import type {ProxyKind} from './sections.js'
import {spec, type KeywordContext, type KeywordSpec} from './spec.js'
import type {Word} from '../lexer.js'

const noBackend = (kw: string) => (kind: ProxyKind, name: string) => kind === 'frontend' ? `'${kw}' ignored because frontend '${name}' has no backend capability.` : undefined

export const BALANCE_ALGORITHMS = ['roundrobin', 'static-rr', 'leastconn', 'first', 'source', 'uri', 'url_param', 'hdr', 'random', 'rdp-cookie', 'hash']
const BALANCE_HELP = "balance only supports 'roundrobin', 'static-rr', 'leastconn', 'source', 'uri', 'url_param', 'hdr(name)' and 'rdp-cookie(name)' options."

function checkBalance(ctx: KeywordContext): void {
  const w = ctx.words[1]
  if (w === undefined) return
  const m = /^([a-z_-]+)(\((.*)\))?$/.exec(w.value)
  const algo = m?.[1] ?? ''
  const param = m?.[3]
  if (!m || !BALANCE_ALGORITHMS.includes(algo)) {
    error(ctx, BALANCE_HELP, w, [], 'haproxy/unknown-balance')
    return
  }
  if (algo === 'hdr' && !param) error(ctx, BALANCE_HELP, w, ["name the header: 'balance hdr(host)'"], 'haproxy/unknown-balance')
  if (algo === 'url_param' && ctx.words[2] === undefined) error(ctx, 'balance url_param requires an URL parameter name.', w, [], 'haproxy/missing-argument')
  // Their modifiers, as haproxy parses them (anything after them it ignores).
  if (algo === 'uri') {
    for (let i = 2; i < ctx.words.length; i++) {
      const v = (ctx.words[i] as Word).value
      if (v === 'len' || v === 'depth') i++
      else if (v !== 'path-only' && v !== 'whole') return error(ctx, `balance uri only accepts parameters 'len', 'depth', 'path-only', and 'whole' (got '${v}').`, ctx.words[i], [], 'haproxy/invalid-argument')
    }
  }
  const modifier = ctx.words[3]
  if (algo === 'url_param' && modifier !== undefined && modifier.value !== 'check_post') error(ctx, `balance url_param only accepts 'check_post' modifier (got '${modifier.value}').`, modifier, [], 'haproxy/invalid-argument')
  const hdrModifier = ctx.words[2]
  if (algo === 'hdr' && hdrModifier !== undefined && hdrModifier.value !== 'use_domain_only') error(ctx, `balance hdr(${param ?? ''}) only accepts 'use_domain_only' modifier (got '${hdrModifier.value}').`, hdrModifier, [], 'haproxy/invalid-argument')
  if (algo === 'hash' && modifier !== undefined) error(ctx, `balance hash takes no other argument (got '${modifier.value}').`, modifier, [], 'haproxy/too-many-arguments')
  if (algo === 'hash') {
    const expr = ctx.words[2]
    if (expr === undefined) error(ctx, 'balance hash requires a sample expression.', w, [], 'haproxy/missing-argument')
    else if (!isKnownFetch(fetchName(expr.value))) {
      error(ctx, `${ctx.section} '${ctx.sectionName}': failed to parse 'balance hash' expression '${expr.value}' in : unknown fetch method '${fetchName(expr.value)}'.`, expr, [], 'haproxy/unknown-fetch')
    }
  }
}

export const PROXY_MODES = ['tcp', 'http', 'log']

function checkMode(ctx: KeywordContext): void {
  const w = ctx.words[1]
  if (w === undefined) return
  if (w.value === 'health') error(ctx, "'mode health' doesn't exist anymore. Please use 'http-request return status 200' instead.", w, ["use 'http-request return status 200'"], 'haproxy/removed-keyword')
  else if (!['tcp', 'http'].includes(w.value)) error(ctx, `unknown proxy mode '${w.value}'.`, w, ["use 'mode http' or 'mode tcp'"], 'haproxy/invalid-argument')
}

/** Timeouts and the capability each needs ('fe', 'be' or 'both'). */
export const TIMEOUTS: Record<string, 'fe' | 'be' | 'both'> = {
  client: 'fe',
  server: 'be',
  connect: 'be',
  check: 'be',
  queue: 'be',
  'http-keep-alive': 'both',
  'http-request': 'both',
  tunnel: 'be',
  tarpit: 'both',
  'client-fin': 'fe',
  'server-fin': 'be',
}
const LEGACY_TIMEOUTS: Record<string, string> = {clitimeout: 'client', contimeout: 'connect', srvtimeout: 'server'}

function checkTimeout(ctx: KeywordContext): void {
  const name = ctx.words[1]
  const supported = "'timeout' supports 'client', 'server', 'connect', 'check', 'queue', 'http-keep-alive', 'http-request', 'tunnel', 'tarpit', 'client-fin' and 'server-fin'"
  if (name === undefined) {
    error(ctx, `${supported} (got '')`, ctx.words[0], [], 'haproxy/missing-argument')
    return
  }
  const legacy = LEGACY_TIMEOUTS[name.value]
  if (legacy) {
    error(ctx, `the '${name.value}' directive is not supported anymore since HAProxy 2.1. Use 'timeout ${legacy}'.`, name, [`write 'timeout ${legacy}'`], 'haproxy/removed-keyword')
    return
  }
  const need = TIMEOUTS[name.value]
  if (need === undefined) {
    error(ctx, `${supported} (got '${name.value}')`, name, [], 'haproxy/unknown-keyword')
    return
  }
  timeArg(ctx, 2, `timeout ${name.value}`, `'timeout ${name.value}' expects an integer value (in milliseconds)`)
  if (ctx.words.length > 3) error(ctx, `'timeout ${name.value}' cannot handle unexpected argument '${ctx.words[3]?.value}'.`, ctx.words[3], [], 'haproxy/too-many-arguments')
  const kind = ctx.section as ProxyKind
  if ((need === 'be' && kind === 'frontend') || (need === 'fe' && kind === 'backend')) {
    const lacks = need === 'be' ? 'backend' : 'frontend'
    warning(ctx, `'timeout ${name.value}' will be ignored because ${kind} '${ctx.sectionName}' has no ${lacks} capability`, name)
  }
}

const REDIRECT_WORDS = "'code', 'prefix', 'location', 'scheme', 'set-cookie', 'clear-cookie', 'drop-query', 'ignore-empty' or 'append-slash'"

/** `redirect location|prefix|scheme <to> [code N] [set-cookie X] [clear-cookie X] [drop-query] [append-slash] [ignore-empty] [if|unless ...]`. */
function checkRedirect(ctx: KeywordContext): void {
  const rule = `error detected in ${ctx.section} '${ctx.sectionName}' while parsing redirect rule :`
  const kind = ctx.words[1]
  if (kind !== undefined && !['location', 'prefix', 'scheme'].includes(kind.value)) {
    error(ctx, `'redirect' expects ${REDIRECT_WORDS.replace(", 'ignore-empty'", '')} (was '${kind.value}').`, kind)
    return
  }
  for (let i = 3; i < ctx.words.length; i++) {
    const w = ctx.words[i] as Word
    if (w.value === 'if' || w.value === 'unless') return
    if (w.value === 'drop-query' || w.value === 'append-slash' || w.value === 'ignore-empty') continue
    if (w.value !== 'code' && w.value !== 'set-cookie' && w.value !== 'clear-cookie') {
      error(ctx, `${rule} expects ${REDIRECT_WORDS} (was '${w.value}').`, w, [], 'haproxy/invalid-argument')
      return
    }
    const value = ctx.words[++i]
    if (value === undefined) {
      error(ctx, `${rule} missing argument for '${w.value}'.`, w, [], 'haproxy/missing-argument')
      return
    }
    if (w.value === 'code' && !['301', '302', '303', '307', '308'].includes(value.value)) {
      error(ctx, `${rule} 'code': unsupported HTTP code '${value.value}' (must be one of 301, 302, 303, 307 or 308).`, value, [], 'haproxy/invalid-argument')
      return
    }
  }
}

/** The word at `index`, when present, must start a condition (`if`/`unless`). */
function onlyCondition(index: number, message: (word: string) => string) {
  return (ctx: KeywordContext): void => {
    const w = ctx.words[index]
    if (w !== undefined && w.value !== 'if' && w.value !== 'unless') error(ctx, message(w.value), w, ['a condition starts with `if` or `unless`'], 'haproxy/unexpected-argument')
  }
}

const COOKIE_OPTIONS = ['rewrite', 'insert', 'prefix', 'indirect', 'nocache', 'postonly', 'preserve', 'httponly', 'secure', 'domain', 'maxidle', 'maxlife', 'dynamic', 'attr']

function checkCookie(ctx: KeywordContext): void {
  let modes = 0
  for (let i = 2; i < ctx.words.length; i++) {
    const w = ctx.words[i]
    if (w === undefined) break
    if (!COOKIE_OPTIONS.includes(w.value)) {
      error(ctx, "'cookie' supports 'rewrite', 'insert', 'prefix', 'indirect', 'nocache', 'postonly', 'domain', 'maxidle', 'dynamic', 'maxlife' and 'attr' options.", w, [], 'haproxy/invalid-argument')
      return
    }
    if (['rewrite', 'insert', 'prefix'].includes(w.value)) modes++
    if (['domain', 'maxidle', 'maxlife', 'attr'].includes(w.value)) {
      const value = ctx.words[i + 1]
      if (value === undefined) error(ctx, `'cookie' : '${w.value}' expects a value.`, w, [], 'haproxy/missing-argument')
      else if (w.value === 'maxidle' || w.value === 'maxlife') {
        // Digits, then a unit letter if any: haproxy's parse_time_err names the first character that is neither.
        const next = /^[0-9]+(.?)/.exec(value.value)
        const bad = next === null ? (value.value[0] ?? '') : next[1] !== '' && !'smhdu'.includes(next[1] as string) ? next[1] : undefined
        if (bad !== undefined) error(ctx, `unexpected character '${bad}' in argument to <${w.value}>.`, value, ['a delay such as 30m, 8h or 3600'], 'haproxy/invalid-argument')
      }
      i++
    }
  }
  if (modes > 1) error(ctx, "cookie 'rewrite', 'insert' and 'prefix' modes are incompatible.", ctx.words[1], [], 'haproxy/invalid-argument')
}

const removed21 = (name: string, message: string): KeywordSpec => spec({name, proxy: 'XXXX', removed: {since: '2.1', message}})

const REMOVED: KeywordSpec[] = [
  removed21('contimeout', "the 'contimeout' directive is not supported anymore since HAProxy 2.1. Use 'timeout connect'."),
  removed21('clitimeout', "the 'clitimeout' directive is not supported anymore since HAProxy 2.1. Use 'timeout client'."),
  removed21('srvtimeout', "the 'srvtimeout' directive is not supported anymore since HAProxy 2.1. Use 'timeout server'."),
  removed21('redispatch', "keyword 'redispatch' directive is not supported anymore since HAProxy 2.1. Use 'option redispatch'."),
  removed21('block', "The 'block' directive is not supported anymore since HAProxy 2.1. Use 'http-request deny' which uses the exact same syntax."),
  removed21('reqadd', "The 'reqadd' directive is not supported anymore since HAProxy 2.1. Use 'http-request add-header' instead."),
  removed21('reqallow', "The 'reqallow' directive is not supported anymore since HAProxy 2.1. Use 'http-request allow' instead."),
  removed21('reqiallow', "The 'reqiallow' directive is not supported anymore since HAProxy 2.1. Use 'http-request allow' instead."),
  removed21('reqdel', "The 'reqdel' directive is not supported anymore since HAProxy 2.1. Use 'http-request del-header' instead."),
  removed21('reqidel', "The 'reqidel' directive is not supported anymore since HAProxy 2.1. Use 'http-request del-header' instead."),
  removed21('reqdeny', "The 'reqdeny' not supported anymore since HAProxy 2.1. Use 'http-request deny' instead."),
  removed21('reqideny', "The 'reqideny' directive is not supported anymore since HAProxy 2.1. Use 'http-request deny' instead."),
  removed21('reqpass', "The 'reqpass' not supported anymore since HAProxy 2.1."),
  removed21('reqipass', "The 'reqipass' directive is not supported anymore since HAProxy 2.1."),
  removed21('reqrep', "The 'reqrep' directive is not supported anymore since HAProxy 2.1. Use 'http-request replace-path', 'http-request replace-uri' or 'http-request replace-header' instead."),
  removed21('reqirep', "The 'reqirep' directive is not supported anymore since HAProxy 2.1. Use 'http-request replace-header' instead."),
  removed21('reqtarpit', "The 'reqtarpit' directive is not supported anymore since HAProxy 2.1. Use 'http-request tarpit' instead."),
  removed21('reqitarpit', "The 'reqitarpit' directive is not supported anymore since HAProxy 2.1. Use 'http-request tarpit' instead."),
  removed21('rspadd', "The 'rspadd' directive is not supported anymore since HAProxy 2.1. Use 'http-response add-header' instead."),
  removed21('rspdel', "The 'rspdel' directive is not supported anymore since HAProxy 2.1. Use 'http-response del-header' ."),
  removed21('rspidel', "The 'rspidel' directive is not supported anymore since HAProxy 2.1. Use 'http-response del-header' instead."),
  removed21('rspdeny', "The 'rspdeny' directive is not supported anymore since HAProxy 2.1. Use 'http-response deny' instead."),
  removed21('rspideny', "The 'rspideny' directive is not supported anymore since HAProxy 2.1. Use 'http-response deny' instead."),
  removed21('rsprep', "The 'rsprep' directive is not supported anymore since HAProxy 2.1. Use 'http-response replace-header' instead."),
  removed21('rspirep', "The 'rspirep' directive is not supported anymore since HAProxy 2.1. Use 'http-response replace-header' instead."),
  spec({name: 'monitor-net', proxy: 'XXXX', removed: {since: '2.2', message: "'monitor-net' doesn't exist anymore. Please use 'http-request return status 200 if { src 1.2.3.4 }' instead."}}),
  spec({name: 'appsession', proxy: 'XXXX', removed: {since: '1.6', message: "'appsession' is not supported anymore since HAProxy 1.6."}}),
  spec({name: 'grace', proxy: 'XXXX', removed: {since: '2.5', message: "the 'grace' keyword is not supported any more since HAProxy version 2.5."}}),
]

const CORE: KeywordSpec[] = [
  spec({name: 'mode', proxy: 'XXXX', minArgs: 1, missing: "'mode' expects one of 'http', 'tcp' or 'log'.", maxArgs: 1, validate: checkMode, ok: ['mode http', 'mode tcp'], fail: ['mode htt', 'mode health', 'mode http tcp']}),
  spec({name: 'balance', proxy: 'XwXX', misplaced: noBackend('balance'), minArgs: 1, missing: BALANCE_HELP, validate: checkBalance, ok: ['balance roundrobin', 'balance source', 'balance leastconn', 'balance uri whole', 'balance url_param userid', 'balance hdr(host)', 'balance random(2)', 'balance first', 'balance hash req.cook(x)', 'balance rdp-cookie', 'balance static-rr', 'balance uri len 10 depth 2 path-only whole', 'balance url_param userid check_post', 'balance hdr(host) use_domain_only'], fail: ['balance uri x', 'balance url_param userid x', 'balance hdr(host) x', 'balance hash req.cook(x) y', 'balance foo', 'balance url_param', 'balance hdr']}),
  spec({name: 'hash-type', proxy: 'XwXX', misplaced: noBackend('hash-type'), minArgs: 1, missing: "'hash-type' only supports 'consistent' and 'map-based'.", validate(ctx) {
    const w = ctx.words[1]
    if (w !== undefined && !['consistent', 'map-based'].includes(w.value)) error(ctx, "'hash-type' only supports 'consistent' and 'map-based'.", w)
    const fn = ctx.words[2]
    if (fn !== undefined && !['sdbm', 'djb2', 'crc32', 'wt6'].includes(fn.value)) error(ctx, "'hash-type' only supports 'sdbm', 'djb2', 'crc32', or 'wt6' hash functions.", fn)
    else if (ctx.words[3] !== undefined && ctx.words[3].value !== 'avalanche') error(ctx, "'hash-type' only supports 'avalanche' as a modifier for hash functions.", ctx.words[3])
  }, ok: ['hash-type consistent', 'hash-type map-based sdbm', 'hash-type consistent sdbm avalanche'], fail: ['hash-type foo', 'hash-type consistent x', 'hash-type map-based sdbm x']}),
  spec({name: 'timeout', proxy: 'XXXX', validate: checkTimeout, ok: ['timeout connect 5s', 'timeout client 1m', 'timeout server 50000ms', 'timeout http-request 10s', 'timeout check 2s', 'timeout tunnel 1h', 'timeout queue 1m', 'timeout http-keep-alive 10s'], fail: ['timeout connect 5x', 'timeout client', 'timeout foo 5s', 'timeout contimeout 5s']}),
  spec({name: 'log', proxy: 'XXXX', validate: (ctx) => checkLog(ctx, true), ok: ['log global', 'log 127.0.0.1:514 local0', 'log /dev/log local0 info notice'], fail: ['log 127.0.0.1', 'log 127.0.0.1 local9']}),
  spec({name: 'maxconn', proxy: 'XXXw', misplaced: (kind, name) => (kind === 'backend' ? `'maxconn' ignored because backend '${name}' has no frontend capability. Maybe you want 'fullconn' instead ?` : undefined), minArgs: 1, missing: "'maxconn' expects an integer argument.", validate: atolArg('maxconn'), ok: ['maxconn 3000'], fail: ['maxconn']}),
  spec({name: 'fullconn', proxy: 'XwXX', misplaced: (kind, name) => (kind === 'frontend' ? `'fullconn' ignored because frontend '${name}' has no backend capability. Maybe you want 'maxconn' instead ?` : undefined), minArgs: 1, missing: "'fullconn' expects an integer argument."}),
  spec({name: 'backlog', proxy: 'XXXw', minArgs: 1, missing: "'backlog' expects an integer argument."}),
  spec({name: 'retries', proxy: 'XwXX', misplaced: noBackend('retries'), minArgs: 1, missing: "'retries' expects an integer argument.", ok: ['retries 3'], fail: ['retries']}),
  spec({name: 'cookie', proxy: 'XwXX', misplaced: noBackend('cookie'), minArgs: 1, missing: "'cookie' expects <cookie_name> as argument.", validate: checkCookie, ok: ['cookie SERVERID insert indirect nocache', 'cookie JSESSIONID prefix', 'cookie SRV insert maxidle 30m maxlife 8h', 'cookie WEBSRV insert indirect nocache httponly secure'], fail: ['cookie', 'cookie X foo', 'cookie X insert rewrite', 'cookie X insert maxidle 10x', 'cookie X insert maxlife -1s']}),
  spec({name: 'default_backend', proxy: 'XXXw', minArgs: 1, missing: "'default_backend' expects a backend name.", maxArgs: 1, ok: ['default_backend app'], fail: ['default_backend']}),
  spec({name: 'use_backend', proxy: '-XXw', minArgs: 1, missing: "'use_backend' expects a backend name.", condition: true, validate: onlyCondition(2, (w) => `unexpected keyword '${w}' after switching rule, only 'if' and 'unless' are allowed.`), ok: ['use_backend app if { path_beg /api }', 'use_backend app'], fail: ['use_backend', 'use_backend app x']}),
  spec({name: 'use-server', proxy: '-wXX', misplaced: noBackend('use-server'), minArgs: 1, missing: "'use-server' expects a server name.", condition: true, validate: onlyCondition(2, () => "'use-server' requires either 'if' or 'unless' followed by a condition."), fail: ['use-server s1 x']}),
  spec({name: 'force-persist', proxy: '-wXX', misplaced: noBackend('force-persist'), condition: true, validate: onlyCondition(1, () => "'force-persist' requires either 'if' or 'unless' followed by a condition."), fail: ['force-persist x']}),
  spec({name: 'ignore-persist', proxy: '-wXX', misplaced: noBackend('ignore-persist'), condition: true, validate: onlyCondition(1, () => "'ignore-persist' requires either 'if' or 'unless' followed by a condition."), fail: ['ignore-persist x']}),
  spec({name: 'redirect', proxy: '-XXX', minArgs: 2, missing: "'redirect' expects 'code', 'prefix', 'location', 'scheme', 'set-cookie', 'clear-cookie', 'drop-query' or 'append-slash' (was '').", condition: true, validate: checkRedirect, ok: ['redirect scheme https if !{ ssl_fc }', 'redirect prefix http://www.example.com code 301', 'redirect location /maintenance.html', 'redirect location /m drop-query append-slash set-cookie A=1 code 308'], fail: ['redirect foo /x', 'redirect prefix /x code', 'redirect prefix /x code 304', 'redirect location /m x']}),
  spec({name: 'description', proxy: '-XXX', minArgs: 1}),
  spec({name: 'id', proxy: '-XXX', minArgs: 1}),
  spec({name: 'disabled', proxy: 'XXXX', maxArgs: 0}),
  spec({name: 'enabled', proxy: 'XXXX', maxArgs: 0}),
  spec({name: 'bind-process', proxy: 'XXXX', deprecated: {since: '2.5', removedIn: '2.7', message: "'bind-process' has no effect, is deprecated, and will be removed in version 2.7."}}),
  spec({name: 'dispatch', proxy: '-wXX', misplaced: noBackend('dispatch'), minArgs: 1}),
  spec({name: 'source', proxy: 'XwXX', misplaced: noBackend('source'), minArgs: 1}),
  spec({name: 'http-reuse', proxy: 'XwXX', misplaced: noBackend('http-reuse'), minArgs: 1, validate(ctx) {
    const w = ctx.words[1]
    if (w !== undefined && !['never', 'safe', 'aggressive', 'always'].includes(w.value)) error(ctx, `'http-reuse' only supports 'never', 'safe', 'aggressive', 'always'`, w)
    else if (w !== undefined && ctx.words[2] !== undefined) error(ctx, `'http-reuse ${w.value}' cannot handle unexpected argument '${ctx.words[2].value}'.`, ctx.words[2], [], 'haproxy/too-many-arguments')
  }, ok: ['http-reuse safe'], fail: ['http-reuse sometimes', 'http-reuse safe x']}),
  spec({name: 'http-send-name-header', proxy: 'XwXX', misplaced: noBackend('http-send-name-header')}),
  spec({name: 'monitor-uri', proxy: 'XXXw', minArgs: 1, missing: "'monitor-uri' expects an URI.", ok: ['monitor-uri /haproxy_test']}),
  spec({name: 'monitor', proxy: '-XXw', minArgs: 1, condition: true, validate(ctx) {
    if (ctx.words[1]?.value !== 'fail') error(ctx, "'monitor' expects 'fail'.", ctx.words[1])
  }, ok: ['monitor fail if TRUE'], fail: ['monitor foo']}),
  spec({name: 'errorfile', proxy: 'XXXX', minArgs: 2, missing: "'errorfile' expects <status_code> and <file> as arguments."}),
  spec({name: 'errorfiles', proxy: 'XXXX', minArgs: 1}),
  spec({name: 'errorloc', proxy: 'XXXX', minArgs: 2}),
  spec({name: 'errorloc302', proxy: 'XXXX', minArgs: 2}),
  spec({name: 'errorloc303', proxy: 'XXXX', minArgs: 2}),
  spec({name: 'http-error', proxy: 'XXXX', minArgs: 1}),
  spec({name: 'capture', proxy: '-XXw', misplaced: (kind, name) => kind === 'defaults' ? "'capture request' not allowed in 'defaults' section." : kind === 'backend' ? `'capture' ignored because backend '${name}' has no frontend capability.` : undefined, minArgs: 1, validate(ctx) {
    const what = ctx.words[1]?.value
    if (what === 'cookie') {
      if (ctx.words[3]?.value !== 'len' || ctx.words[4] === undefined) error(ctx, "'capture cookie' expects <cookie_name> 'len' <len>.", ctx.words[1])
    } else if (what === 'request' || what === 'response') {
      if (ctx.words[2]?.value !== 'header' || ctx.words[4]?.value !== 'len' || ctx.words[5] === undefined) error(ctx, `'capture ${what} header' expects <header_name> 'len' <len>.`, ctx.words[1])
      else if (ctx.words[6] !== undefined) error(ctx, `'capture ${what}' cannot handle unexpected argument '${ctx.words[6].value}'.`, ctx.words[6], [], 'haproxy/too-many-arguments')
    } else error(ctx, "'capture' expects 'cookie', 'request header' or 'response header'.", ctx.words[1] ?? ctx.words[0])
  }, ok: ['capture request header Host len 40', 'capture cookie SRV len 32'], fail: ['capture request header Host', 'capture foo', 'capture request header Host len 40 x']}),
  spec({name: 'declare', proxy: '-XX-', misplaced: (kind) => (kind === 'backend' ? "'declare' only available in frontend or listen section" : kind === 'defaults' ? "'declare' not available in default section" : undefined), minArgs: 1}),
  spec({name: 'stick-table', proxy: '-XXX', misplaced: (kind) => (kind === 'defaults' ? "'stick-table' is not supported in 'defaults' section." : undefined), minArgs: 1}),
  spec({name: 'stick', proxy: '-wXX', misplaced: noBackend('stick'), minArgs: 1}),
  spec({name: 'unique-id-format', proxy: 'XXXX', minArgs: 1}),
  spec({name: 'unique-id-header', proxy: 'XXXX', minArgs: 1}),
  spec({name: 'log-format', proxy: 'XXXX', minArgs: 1, missing: 'log-format expects an argument.', fail: ['log-format']}),
  spec({name: 'log-format-sd', proxy: 'XXXX', minArgs: 1}),
  spec({name: 'error-log-format', proxy: 'XXXX', minArgs: 1}),
  spec({name: 'log-tag', proxy: 'XXXX', minArgs: 1}),
  spec({name: 'email-alert', proxy: 'XXXX', minArgs: 1}),
  spec({name: 'persist', proxy: 'XwXX', misplaced: noBackend('persist'), minArgs: 1}),
  spec({name: 'rate-limit', proxy: 'XXXw', misplaced: (kind, name) => (kind === 'backend' ? `rate-limit sessions will be ignored because backend '${name}' has no frontend capability` : undefined), minArgs: 2}),
  spec({name: 'retry-on', proxy: 'X-XX', misplaced: (kind) => (kind === 'frontend' ? "'retry-on' only available in backend or listen section" : undefined), minArgs: 1}),
  spec({name: 'server-state-file-name', proxy: 'XwXX', misplaced: noBackend('server-state-file-name')}),
  spec({name: 'load-server-state-from-file', proxy: 'XwXX', misplaced: noBackend('load-server-state-from-file'), minArgs: 1}),
  spec({name: 'max-keep-alive-queue', proxy: 'XwXX', misplaced: (kind, name) => (kind === 'frontend' ? `max-keep-alive-queue will be ignored because frontend '${name}' has no backend capability` : undefined), minArgs: 1}),
  spec({name: 'compression', proxy: 'XXXX', minArgs: 1}),
  spec({name: 'filter', proxy: '-XXX', misplaced: (kind) => (kind === 'defaults' ? "filter is not allowed in a 'default' section." : undefined), minArgs: 1}),
  spec({name: 'use-fcgi-app', proxy: '--XX', misplaced: () => "'use-fcgi-app' only available in backend or listen section", minArgs: 1}),
  spec({name: 'external-check', proxy: 'XXXX', minArgs: 1}),
  spec({name: 'http-check', proxy: 'XwXX', misplaced: noBackend('http-check'), minArgs: 1, validate(ctx) {
    if (ctx.words[1]?.value === 'expect' && ctx.words.length < 3) error(ctx, "'http-check expect' : expects at least a matching pattern as arguments.", ctx.words[1], [], 'haproxy/missing-argument')
  }, ok: ['http-check expect status 200', 'http-check send meth GET uri /health'], fail: ['http-check expect']}),
  spec({name: 'tcp-check', proxy: 'XwXX', misplaced: noBackend('tcp-check'), minArgs: 1}),
  spec({name: 'dynamic-cookie-key', proxy: 'XwXX', misplaced: noBackend('dynamic-cookie-key'), minArgs: 1}),
  spec({name: 'hash-balance-factor', proxy: 'XwXX', misplaced: noBackend('hash-balance-factor'), minArgs: 1}),
  spec({name: 'max-session-srv-conns', proxy: 'XXXw', minArgs: 1}),
  ...['clitcpka-cnt', 'clitcpka-idle', 'clitcpka-intvl'].map((name) => spec({name, proxy: 'XXXw', misplaced: (kind, pname) => (kind === 'backend' ? `${name} will be ignored because backend '${pname}' has no frontend capability` : undefined), minArgs: 1})),
  ...['srvtcpka-cnt', 'srvtcpka-idle', 'srvtcpka-intvl'].map((name) => spec({name, proxy: 'XwXX', misplaced: (kind, pname) => (kind === 'frontend' ? `${name} will be ignored because frontend '${pname}' has no backend capability` : undefined), minArgs: 1})),
]

export const PROXY_KEYWORDS: KeywordSpec[] = [...CORE, ...REMOVED]
