/** `option <name>` (and `no option`, `default option`) in proxies, with the capability each needs. */
import {error, warning} from './common.js'
import {didYouMean} from './args.js'
import type {ProxyKind} from './sections.js'
import {spec, type KeywordContext, type KeywordSpec} from './spec.js'

export interface OptionSpec {
  /** fe: needs a frontend, be: a backend, both: either. */
  cap: 'fe' | 'be' | 'both'
  /** Needs `mode http` to have any effect. */
  http?: boolean
  /** Checks the words after `option <name>` (index 2 onwards in ctx.words). */
  validate?: (ctx: KeywordContext) => void
  removed?: string
  /** Takes words after its name that `validate` does not check; any other option without `validate` takes none. */
  args?: 'unchecked'
  /** HAProxy names it differently in the "ignored" warning (e.g. 'httpchk'). */
}

const needArg = (label: string, what: string) => (ctx: KeywordContext) => {
  for (let i = 2; i < ctx.words.length; i++) {
    const w = ctx.words[i]
    if (w?.value === label && ctx.words[i + 1] === undefined) error(ctx, `'option ${ctx.words[1]?.value} ${label}' expects ${what} as argument.`, w, [], 'haproxy/missing-argument')
  }
}

export const OPTIONS: Record<string, OptionSpec> = {
  abortonclose: {cap: 'be'},
  'accept-invalid-http-request': {cap: 'fe', http: true},
  'accept-invalid-http-response': {cap: 'be', http: true},
  allbackups: {cap: 'be'},
  checkcache: {cap: 'be', http: true},
  clitcpka: {cap: 'fe'},
  contstats: {cap: 'fe'},
  'disable-h2-upgrade': {cap: 'fe', http: true},
  'dontlog-normal': {cap: 'fe'},
  dontlognull: {cap: 'fe'},
  'h1-case-adjust-bogus-client': {cap: 'fe'},
  'h1-case-adjust-bogus-server': {cap: 'be'},
  'http-buffer-request': {cap: 'both', http: true},
  'http-ignore-probes': {cap: 'fe', http: true},
  'http-no-delay': {cap: 'both', http: true},
  'http-pretend-keepalive': {cap: 'be', http: true},
  'http-use-proxy-header': {cap: 'fe', http: true},
  'idle-close-on-response': {cap: 'fe', http: true},
  'independent-streams': {cap: 'both'},
  'log-health-checks': {cap: 'be'},
  'log-separate-errors': {cap: 'fe'},
  logasap: {cap: 'fe'},
  nolinger: {cap: 'both'},
  persist: {cap: 'be'},
  'prefer-last-server': {cap: 'be', http: true},
  'socket-stats': {cap: 'fe'},
  'splice-auto': {cap: 'both'},
  'splice-request': {cap: 'both'},
  'splice-response': {cap: 'both'},
  srvtcpka: {cap: 'be'},
  'tcp-smart-accept': {cap: 'fe'},
  'tcp-smart-connect': {cap: 'be'},
  transparent: {cap: 'be'},
  redispatch: {args: 'unchecked', cap: 'be'},
  tcpka: {cap: 'both'},
  httplog: {
    cap: 'both',
    http: true,
    validate(ctx) {
      const w = ctx.words[2]
      if (w !== undefined && w.value !== 'clf') error(ctx, "keyword 'httplog' only supports option 'clf'.", w)
    },
  },
  httpslog: {args: 'unchecked', cap: 'both', http: true},
  tcplog: {cap: 'both'},
  httpclose: {cap: 'both', http: true},
  'http-keep-alive': {cap: 'both', http: true},
  'http-server-close': {cap: 'both', http: true},
  forwardfor: {
    cap: 'both',
    http: true,
    validate(ctx) {
      needArg('except', '<address>[/mask]')(ctx)
      needArg('header', '<header_name>')(ctx)
      for (let i = 2; i < ctx.words.length; i++) {
        const v = ctx.words[i]?.value
        if (v === 'except' || v === 'header') i++
        else if (v !== 'if-none') {
          error(ctx, "'option forwardfor' only supports optional values 'except', 'header' and 'if-none'.", ctx.words[i])
          return
        }
      }
    },
  },
  originalto: {cap: 'both', http: true, validate: (ctx) => (needArg('except', '<address>[/mask]')(ctx), needArg('header', '<header_name>')(ctx))},
  httpchk: {args: 'unchecked', cap: 'be'},
  'ssl-hello-chk': {cap: 'be'},
  smtpchk: {args: 'unchecked', cap: 'be'},
  'pgsql-check': {cap: 'be', validate: needArg('user', '<username>')},
  'redis-check': {cap: 'be'},
  'mysql-check': {cap: 'be', validate: needArg('user', '<username>')},
  'ldap-check': {cap: 'be'},
  'spop-check': {cap: 'be'},
  'tcp-check': {cap: 'be'},
  'external-check': {cap: 'be'},
  'http-restrict-req-hdr-names': {
    cap: 'both',
    validate(ctx) {
      const w = ctx.words[2]
      if (w === undefined || !['preserve', 'reject', 'delete'].includes(w.value)) error(ctx, `invalid parameter '${w?.value ?? ''}'. option 'http-restrict-req-hdr-names' expects 'preserve', 'reject' or 'delete' option.`, w ?? ctx.words[1])
    },
  },
  forceclose: {cap: 'both', removed: "option 'forceclose' is not supported any more since HAProxy 2.0, please just remove it, or use 'option httpclose' if absolutely needed."},
  'http-tunnel': {cap: 'both', removed: "option 'http-tunnel' is not supported any more since HAProxy 2.1, please just remove it, it shouldn't be needed."},
  http_proxy: {
    cap: 'both',
    removed:
      "option 'http_proxy' is not supported any more since HAProxy 2.5. This option stopped working in HAProxy 1.9 and usually had nasty side effects. It can be more reliably implemented with combinations of 'http-request set-dst' and 'http-request set-uri', and even 'http-request do-resolve' if DNS resolution is desired.",
  },
}

/** Options that only log something and are meaningless in a backend: HAProxy says so explicitly. */
const BACKEND_IGNORED_LOG = new Set(['httplog', 'tcplog', 'httpslog'])

function checkOption(ctx: KeywordContext): void {
  const nameWord = ctx.words[1]
  if (nameWord === undefined) {
    error(ctx, "'option' expects an option name.", ctx.words[0], [], 'haproxy/missing-argument')
    return
  }
  const name = nameWord.value
  const opt = OPTIONS[name]
  if (opt === undefined) {
    const guess = didYouMean(name, Object.keys(OPTIONS))
    error(ctx, `unknown option '${name}'.`, nameWord, guess ? [`did you mean 'option ${guess}'?`] : [], 'haproxy/unknown-option')
    return
  }
  if (opt.removed) {
    error(ctx, opt.removed, nameWord, [], 'haproxy/removed-keyword')
    return
  }
  const extra = ctx.words[2]
  if (extra !== undefined && opt.validate === undefined && opt.args === undefined) {
    error(ctx, `'option ${name}' cannot handle unexpected argument '${extra.value}'.`, extra, [], 'haproxy/too-many-arguments')
    return
  }
  if (ctx.prefix === undefined) opt.validate?.(ctx)
  const kind = ctx.section as ProxyKind
  if (kind === 'backend' && BACKEND_IGNORED_LOG.has(name)) {
    warning(ctx, `backend '${ctx.sectionName}' : 'option ${name}' directive is ignored in backends.`, nameWord)
  } else if (opt.cap === 'be' && kind === 'frontend') {
    warning(ctx, `'${name}' ignored because frontend '${ctx.sectionName}' has no backend capability.`, nameWord)
  } else if (opt.cap === 'fe' && kind === 'backend') {
    warning(ctx, `'${name}' ignored because backend '${ctx.sectionName}' has no frontend capability.`, nameWord)
  }
}

export const OPTION_KEYWORD: KeywordSpec = spec({
  name: 'option',
  proxy: 'XXXX',
  validate: checkOption,
  ok: ['option httplog', 'option dontlognull', 'option forwardfor except 127.0.0.0/8', 'option redispatch', 'option http-server-close', 'option httpchk GET /healthCheck.html', 'option tcplog', 'option http-keep-alive', 'option abortonclose', 'option httpclose', 'option httpchk', 'option mysql-check user haproxy', 'option forwardfor header X-Real-IP if-none'],
  fail: ['option nosuch', 'option forceclose', 'option httplog foo', 'option forwardfor except', 'option http_proxy', 'option', 'option dontlognull x', 'option http-server-close x', 'option tcp-check x'],
})
