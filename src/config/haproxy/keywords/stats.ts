/** `stats ...` in proxies: the statistics page (uri, realm, auth, refresh, admin...). */
import {parseTime} from './args.js'
import {error} from './common.js'
import {spec, type KeywordContext, type KeywordSpec} from './spec.js'

export const STATS_SUBKEYWORDS = ['admin', 'uri', 'realm', 'auth', 'scope', 'enable', 'hide-version', 'show-node', 'show-desc', 'show-legends', 'show-modules', 'refresh', 'http-request', 'bind-process']

function checkStats(ctx: KeywordContext): void {
  const sub = ctx.words[1]
  const unknown = (got: string) =>
    `unknown stats parameter '${got}', expects 'admin', 'uri', 'realm', 'auth', 'scope', 'enable', 'hide-version', 'show-node', 'show-desc' or 'show-legends'.`
  if (sub === undefined) {
    error(ctx, unknown(''), ctx.words[0], [], 'haproxy/missing-argument')
    return
  }
  const arg = ctx.words[2]
  switch (sub.value) {
    case 'uri':
      if (arg === undefined) error(ctx, "'uri' needs an URI prefix.", sub, [], 'haproxy/missing-argument')
      return
    case 'realm':
      if (arg === undefined) error(ctx, "'realm' needs an realm name.", sub, [], 'haproxy/missing-argument')
      return
    case 'auth':
      if (arg === undefined) error(ctx, "'auth' needs a user:password account.", sub, ['stats auth admin:CHANGE-ME'], 'haproxy/missing-argument')
      return
    case 'scope':
      if (arg === undefined) error(ctx, "'scope' needs a proxy name.", sub, [], 'haproxy/missing-argument')
      return
    case 'refresh': {
      const t = parseTime(arg?.value ?? '', 1000)
      if (arg === undefined) error(ctx, "'refresh' needs a refresh interval.", sub, [], 'haproxy/missing-argument')
      else if (!t.ok) error(ctx, `${t.error} in argument to stats refresh interval.`, arg, [], 'haproxy/invalid-time')
      return
    }
    case 'admin':
      if (arg === undefined || (arg.value !== 'if' && arg.value !== 'unless')) error(ctx, "'stats admin' requires either 'if' or 'unless' followed by a condition.", sub, ['stats admin if TRUE'], 'haproxy/missing-argument')
      return
    case 'http-request':
      if (arg === undefined) error(ctx, "'stats http-request' expects an action.", sub, [], 'haproxy/missing-argument')
      return
    case 'socket':
      error(ctx, "'stats socket' is only allowed in the 'global' section.", sub, ["move it to 'global': stats socket /run/haproxy.sock mode 660 level admin"], 'haproxy/misplaced-keyword')
      return
    case 'enable':
    case 'hide-version':
    case 'show-node':
    case 'show-desc':
    case 'show-legends':
    case 'show-modules':
    case 'bind-process':
      return
    default:
      error(ctx, unknown(sub.value), sub, [], 'haproxy/unknown-keyword')
  }
}

export const STATS_KEYWORD: KeywordSpec = spec({
  name: 'stats',
  proxy: 'XXXX',
  validate: checkStats,
  ok: ['stats enable', 'stats uri /stats', 'stats realm HAProxy\\ Stats', 'stats auth admin:admin', 'stats refresh 30s', 'stats admin if TRUE', 'stats hide-version', 'stats scope .', 'stats show-legends'],
  fail: ['stats foo', 'stats uri', 'stats auth', 'stats admin', 'stats refresh 1x'],
})
