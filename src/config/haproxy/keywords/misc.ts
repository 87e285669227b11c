/** Keywords of the non-proxy sections: userlist, peers, resolvers, mailers, program, http-errors, ring, cache, fcgi-app, log-forward. */
import {parseInteger, parseSocketAddress} from './args.js'
import {checkLog, error, timeArg} from './common.js'
import type {SectionKind} from './sections.js'
import {spec, type KeywordContext, type KeywordSpec} from './spec.js'
import type {Word} from '../lexer.js'

const inSection = (section: SectionKind, specs: KeywordSpec[]): KeywordSpec[] => specs.map((s) => ({...s, sections: [section]}))

function addressArg(index: number, who: string) {
  return (ctx: KeywordContext): void => {
    const w = ctx.words[index]
    if (w === undefined) return
    const parsed = parseSocketAddress(w.value, {who, bind: false})
    if (!parsed.ok) error(ctx, parsed.error, w, [], 'haproxy/invalid-address')
  }
}

const USERLIST = inSection('userlist', [
  spec({
    name: 'user',
    minArgs: 1,
    missing: "'user' expects <name> as argument.",
    validate(ctx) {
      for (let i = 2; i < ctx.words.length; i += 2) {
        const w = ctx.words[i]
        if (w === undefined) break
        if (!['password', 'insecure-password', 'groups'].includes(w.value)) {
          error(ctx, `'user' only supports 'password', 'insecure-password' and 'groups' options, got '${w.value}'.`, w)
          return
        }
        if (ctx.words[i + 1] === undefined) error(ctx, `'${w.value}' expects a value.`, w, [], 'haproxy/missing-argument')
      }
    },
    ok: ['user admin insecure-password secret', 'user bob password $5$salt$hash'],
    fail: ['user', 'user admin foo bar'],
  }),
  spec({name: 'group', minArgs: 1, missing: "'group' expects <name> as argument.", validate(ctx) {
    for (let i = 2; i < ctx.words.length; i += 2) {
      const w = ctx.words[i] as Word
      if (w.value !== 'users') return error(ctx, "'group' only supports 'users' option.", w, [], 'haproxy/invalid-argument')
    }
  }, ok: ['group ops'], fail: ['group', 'group ops x']}),
])

const PEERS = inSection('peers', [
  spec({name: 'peer', validate: addressArg(2, 'peer'), ok: ['peer lb1 127.0.0.1:10000', 'peer lb1', 'peer']}),
  spec({name: 'server', minArgs: 1}),
  spec({name: 'bind', minArgs: 1}),
  spec({name: 'default-bind'}),
  spec({name: 'default-server'}),
  spec({name: 'disabled', maxArgs: 0}),
  spec({name: 'enabled', maxArgs: 0}),
  spec({name: 'log', validate: (ctx) => checkLog(ctx, true)}),
  spec({name: 'shards', minArgs: 1}),
  spec({name: 'table', minArgs: 1}),
])

const RESOLVERS = inSection('resolvers', [
  spec({name: 'nameserver', minArgs: 2, missing: "'nameserver' expects <name> and <addr>[:<port>] as arguments.", validate: addressArg(2, 'nameserver'), ok: ['nameserver dns1 127.0.0.1:53'], fail: ['nameserver dns1']}),
  spec({name: 'parse-resolv-conf', maxArgs: 0}),
  spec({name: 'accepted_payload_size', minArgs: 1}),
  spec({name: 'hold', minArgs: 2, validate: (ctx) => void timeArg(ctx, 2, 'hold', "'hold' expects <status> and <time> as arguments.")}),
  spec({name: 'resolve_retries', minArgs: 1}),
  spec({name: 'timeout', minArgs: 2, validate(ctx) {
    const which = ctx.words[1]
    if (which !== undefined && !['resolve', 'retry'].includes(which.value)) error(ctx, `'timeout' expects 'retry' or 'resolve' and <time> as arguments, got '${which.value}'.`, which)
    else timeArg(ctx, 2, `timeout ${which?.value ?? ''}`, "'timeout' expects 'retry' or 'resolve' and <time> as arguments.")
  }, ok: ['timeout resolve 1s', 'timeout retry 1s']}),
])

const MAILERS = inSection('mailers', [
  spec({name: 'mailer', minArgs: 2, missing: "'mailer' expects <name> and <addr>[:<port>] as arguments.", validate: addressArg(2, 'mailer'), ok: ['mailer smtp1 127.0.0.1:25'], fail: ['mailer smtp1']}),
  spec({name: 'timeout', minArgs: 2, validate: (ctx) => void timeArg(ctx, 2, 'timeout mail', "'timeout mail' expects <time> as argument.")}),
])

const PROGRAM = inSection('program', [
  spec({name: 'command', minArgs: 1, missing: "'command' expects a command line."}),
  spec({name: 'user', minArgs: 1}),
  spec({name: 'group', minArgs: 1}),
  spec({name: 'option', minArgs: 1}),
])

const HTTP_ERRORS = inSection('http-errors', [
  spec({name: 'errorfile', minArgs: 2, missing: "'errorfile' expects <status_code> and <file> as arguments."}),
])

const RING = inSection('ring', [
  spec({name: 'description', minArgs: 1}),
  spec({name: 'format', minArgs: 1}),
  spec({name: 'maxlen', minArgs: 1}),
  spec({name: 'size', minArgs: 1}),
  spec({name: 'timeout', minArgs: 2}),
  spec({name: 'server', minArgs: 2}),
])

const CACHE = inSection('cache', [
  spec({name: 'total-max-size', minArgs: 1, validate(ctx) {
    const w = ctx.words[1] as Word
    const n = parseInteger(w.value)
    if (!n.ok || n.value < 0) error(ctx, `total-max-size wrong value '${w.value}'`, w, ['the cache size in megabytes, 1 to 4095'], 'haproxy/invalid-argument')
    else if (n.value > 4095) error(ctx, `"total-max-size" (${n.value}) must not be greater than 4095`, w, [], 'haproxy/out-of-range')
  }, ok: ['total-max-size 4', 'total-max-size 4095'], fail: ['total-max-size x', 'total-max-size 4096']}),
  spec({name: 'max-object-size', minArgs: 1}),
  spec({name: 'max-age', minArgs: 1}),
  spec({name: 'process-vary', minArgs: 1}),
  spec({name: 'max-secondary-entries', minArgs: 1}),
])

const FCGI_APP = inSection('fcgi-app', [
  ...['docroot', 'index', 'path-info', 'set-param', 'pass-header', 'log-stderr', 'option'].map((name) => spec({name, minArgs: 1})),
])

const LOG_FORWARD = inSection('log-forward', [
  spec({name: 'bind', minArgs: 1}),
  spec({name: 'dgram-bind', minArgs: 1}),
  spec({name: 'log', validate: (ctx) => checkLog(ctx, false)}),
  spec({name: 'maxconn', minArgs: 1}),
  spec({name: 'backlog', minArgs: 1}),
  spec({name: 'timeout', minArgs: 2}),
])

export const MISC_KEYWORDS: KeywordSpec[] = [...USERLIST, ...PEERS, ...RESOLVERS, ...MAILERS, ...PROGRAM, ...HTTP_ERRORS, ...RING, ...CACHE, ...FCGI_APP, ...LOG_FORWARD]
