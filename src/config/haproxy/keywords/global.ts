/** The `global` section's keywords (HAProxy 2.6, configuration.txt §3). */
import {atol, parseInteger, parseTime} from './args.js'
import {atolArg, checkLog, error, noArgs, warning} from './common.js'
import {spec, type KeywordContext, type KeywordSpec} from './spec.js'

const G = ['global'] as const

function positiveInt(label: string, message?: string) {
  return (ctx: KeywordContext): void => {
    const w = ctx.words[1]
    if (w !== undefined && !parseInteger(w.value).ok) error(ctx, message ?? `'${label}' expects a positive integer argument.`, w)
  }
}

/**
 * An integer of at least `min`, read with atol (garbage is 0, so below the minimum). `unsignedCompare`: haproxy
 * compares it as an unsigned number, so a negative value passes (tune.ssl.default-dh-param -1 is accepted).
 */
function atLeast(min: number, message: string, unsignedCompare = false) {
  return (ctx: KeywordContext): void => {
    const w = ctx.words[1]
    const n = w === undefined ? min : atol(w.value)
    if (n < min && !(unsignedCompare && n < 0)) error(ctx, message, w)
  }
}

function timeValue(label: string) {
  return (ctx: KeywordContext): void => {
    const w = ctx.words[1]
    if (w === undefined) return
    const t = parseTime(w.value)
    if (!t.ok) error(ctx, `${t.error} in argument to <${label}>.`, w, ['time units are us, ms, s, m, h, d'], 'haproxy/invalid-time')
  }
}

const checked: KeywordSpec[] = [
  spec({
    name: 'maxconn',
    minArgs: 1,
    missing: "'maxconn' expects an integer argument.",
    maxArgs: 1,
    ok: ['maxconn 4000'],
    fail: ['maxconn', 'maxconn 1 2'],
  }),
  spec({
    name: 'nbthread',
    minArgs: 1,
    missing: "'nbthread' passed a missing or unparsable integer value in ''",
    maxArgs: 1,
    validate(ctx) {
      const w = ctx.words[1]
      if (w === undefined) return
      const n = parseInteger(w.value)
      if (!n.ok) error(ctx, `'nbthread' passed a missing or unparsable integer value in '${w.value}'`, w)
      else if (n.value < 1 || n.value > 64) error(ctx, `'nbthread' value must be between 1 and 64 (was ${n.value})`, w)
    },
    ok: ['nbthread 4'],
    fail: ['nbthread 0', 'nbthread abc', 'nbthread 65'],
  }),
  spec({
    name: 'nbproc',
    removed: {since: '2.5', message: 'nbproc is not supported any more since HAProxy 2.5. Threads will automatically be used on multi-processor machines if available.'},
    fail: ['nbproc 1'],
  }),
  spec({
    name: 'ulimit-n',
    minArgs: 1,
    missing: "'ulimit-n' expects an integer argument.",
    maxArgs: 1,
    validate: atolArg('ulimit-n'),
    ok: ['ulimit-n 65535'],
    fail: ['ulimit-n'],
  }),
  spec({name: 'daemon', maxArgs: 0, ok: ['daemon'], fail: ['daemon foo']}),
  spec({name: 'chroot', minArgs: 1, maxArgs: 1, missing: "'chroot' expects a directory as an argument.", ok: ['chroot /var/lib/haproxy'], fail: ['chroot']}),
  spec({name: 'pidfile', minArgs: 1, maxArgs: 1, missing: "'pidfile' expects a file name as an argument.", ok: ['pidfile /var/run/haproxy.pid'], fail: ['pidfile']}),
  spec({name: 'user', minArgs: 1, maxArgs: 1, missing: "cannot find user id for '' (0:Success)", ok: ['user root'], fail: ['user']}),
  spec({name: 'group', minArgs: 1, maxArgs: 1, missing: "cannot find group id for '' (0:Success)", ok: ['group root'], fail: ['group']}),
  spec({
    name: 'uid',
    minArgs: 1,
    maxArgs: 1,
    missing: "'uid' expects an integer argument.",
    validate(ctx) {
      const w = ctx.words[1]
      if (w !== undefined && !/^[0-9]+$/.test(w.value)) warning(ctx, `uid: string '${w.value}' is not a number.`, w, 'haproxy/suspicious-value', ["use 'user' to name a system user"])
    },
    ok: ['uid 99', 'uid x'],
  }),
  spec({
    name: 'gid',
    minArgs: 1,
    maxArgs: 1,
    missing: "'gid' expects an integer argument.",
    validate(ctx) {
      const w = ctx.words[1]
      if (w !== undefined && !/^[0-9]+$/.test(w.value)) warning(ctx, `gid: string '${w.value}' is not a number.`, w, 'haproxy/suspicious-value', ["use 'group' to name a system group"])
    },
    ok: ['gid 99', 'gid x'],
  }),
  spec({name: 'log', validate: (ctx) => checkLog(ctx, false), ok: ['log /dev/log local0 info', 'log 127.0.0.1 local1 notice', 'log stdout format raw local0'], fail: ['log', 'log 127.0.0.1', 'log 127.0.0.1 local9', 'log 127.0.0.1 local0 foo']}),
  spec({
    name: 'stats',
    minArgs: 1,
    missing: "'stats' only supports 'socket', 'maxconn', 'bind-process' and 'timeout' (got '')",
    validate(ctx) {
      const sub = ctx.words[1]
      if (sub === undefined) return
      switch (sub.value) {
        case 'socket': {
          if (ctx.words[2] === undefined) error(ctx, "'stats socket' in global section expects an address or a path to a UNIX socket", sub, [], 'haproxy/missing-argument')
          for (let i = 3; i < ctx.words.length; i++) {
            if (ctx.words[i]?.value === 'level') {
              const level = ctx.words[i + 1]?.value ?? ''
              if (!['user', 'operator', 'admin'].includes(level)) error(ctx, `'stats socket' : ''level' only supports 'user', 'operator', and 'admin' (got '${level}')'`, ctx.words[i + 1] ?? ctx.words[i])
            }
          }
          return
        }
        case 'timeout': {
          const w = ctx.words[2]
          const t = parseTime(w?.value ?? '')
          if (!t.ok) error(ctx, `'stats timeout' : ${w === undefined ? 'expects a timeout value' : t.error}`, w ?? sub, [], 'haproxy/invalid-time')
          else if (t.value === 0) error(ctx, "'stats timeout' expects a positive value", w, [], 'haproxy/invalid-time')
          return
        }
        case 'maxconn':
          if (atol(ctx.words[2]?.value ?? '') <= 0) error(ctx, "'stats maxconn' : expects a positive integer argument.", ctx.words[2] ?? sub)
          return
        case 'bind-process':
          return
        default:
          error(ctx, `'stats' only supports 'socket', 'maxconn', 'bind-process' and 'timeout' (got '${sub.value}')`, sub, [], 'haproxy/unknown-keyword')
      }
    },
    ok: ['stats socket /var/lib/haproxy/stats', 'stats socket /run/haproxy.sock mode 660 level admin', 'stats timeout 30s'],
    fail: ['stats socket', 'stats foo', 'stats timeout 1x', 'stats socket /tmp/s level foo', 'stats timeout 0'],
  }),
  spec({name: 'spread-checks', minArgs: 1, validate: (ctx) => {
    atolArg('spread-checks')(ctx)
    const n = atol(ctx.words[1]?.value ?? '0')
    if (n < 0 || n > 50) error(ctx, "'spread-checks' needs a positive value in range 0..50.", ctx.words[1])
  }, ok: ['spread-checks 5'], fail: ['spread-checks 60', 'spread-checks -1']}),
  spec({name: 'hard-stop-after', minArgs: 1, missing: "'hard-stop-after' expects <time> as argument.", validate: timeValue('hard-stop-after'), ok: ['hard-stop-after 30s'], fail: ['hard-stop-after 1x']}),
  spec({name: 'close-spread-time', minArgs: 1, validate: timeValue('close-spread-time')}),
  spec({name: 'grace', minArgs: 1, validate: timeValue('grace')}),
  spec({name: 'setenv', minArgs: 2, missing: "'setenv' expects a name and a value.", ok: ['setenv X y'], fail: ['setenv X']}),
  spec({name: 'presetenv', minArgs: 2, missing: "'presetenv' expects a name and a value."}),
  spec({name: 'unsetenv', minArgs: 1}),
  spec({name: 'description', minArgs: 1, missing: "'description' expects a string argument.", ok: ['description my lb'], fail: ['description']}),
  spec({name: 'node', minArgs: 1, missing: "'node' requires valid node name - non-empty string with digits(0-9), letters(A-Z, a-z), dot(.), hyphen(-) or underscode(_).", fail: ['node']}),
  spec({name: 'ssl-default-bind-ciphers', minArgs: 1, missing: "global statement 'ssl-default-bind-ciphers' expects a cipher suite as an argument.", fail: ['ssl-default-bind-ciphers']}),
  spec({name: 'ssl-default-server-ciphers', minArgs: 1, missing: "global statement 'ssl-default-server-ciphers' expects a cipher suite as an argument."}),
  spec({name: 'tune.bufsize', minArgs: 1, missing: "'tune.bufsize' expects a positive integer argument.", validate: atLeast(1, "'tune.bufsize' expects a positive integer argument."), ok: ['tune.bufsize 32768'], fail: ['tune.bufsize abc', 'tune.bufsize 0', 'tune.bufsize -1']}),
  spec({name: 'tune.maxrewrite', minArgs: 1, validate: positiveInt('tune.maxrewrite')}),
  spec({name: 'tune.ssl.default-dh-param', minArgs: 1, validate: atLeast(1024, "'tune.ssl.default-dh-param' expects a value >= 1024.", true), ok: ['tune.ssl.default-dh-param 2048', 'tune.ssl.default-dh-param -1'], fail: ['tune.ssl.default-dh-param 512', 'tune.ssl.default-dh-param x']}),
  spec({
    name: 'tune.ssl.capture-cipherlist-size',
    deprecated: {since: '2.6', removedIn: '2.7', message: "'tune.ssl.capture-cipherlist-size' is deprecated and will be removed in version 2.7. Please use 'tune.ssl.capture-buffer-size' instead."},
  }),
  spec({name: 'h1-case-adjust', minArgs: 2, missing: "'h1-case-adjust' expects <from> and <to> as argument."}),
  spec({name: 'master-worker', maxArgs: 1}),
  spec({name: 'log-send-hostname', maxArgs: 1}),
  spec({name: 'lua-load', minArgs: 1}),
]

/** Keywords accepted with their arguments unchecked (HAProxy 2.6's global keyword list). */
const lenient = [
  'anonkey', 'busy-polling', 'ca-base', 'cluster-secret', 'cpu-map', 'crt-base', 'default-path', 'expose-experimental-directives',
  'external-check', 'fd-hard-limit', 'h1-accept-payload-with-any-method', 'h1-case-adjust-file', 'httpclient.resolvers.id',
  'httpclient.resolvers.prefer', 'httpclient.ssl.ca-file', 'httpclient.ssl.verify', 'insecure-fork-wanted', 'insecure-setuid-wanted',
  'issuers-chain-path', 'localpeer', 'log-tag', 'lua-load-per-thread', 'lua-prepend-path', 'max-spread-checks', 'maxcompcpuusage',
  'maxcomprate', 'maxconnrate', 'maxpipes', 'maxsessrate', 'maxsslconn', 'maxsslrate', 'maxzlibmem', 'mworker-max-reloads',
  'no-memory-trimming', 'noepoll', 'noevports', 'nogetaddrinfo', 'nokqueue', 'nopoll', 'noreuseport', 'nosplice', 'numa-cpu-mapping',
  'pp2-never-send-local', 'profiling.tasks', 'quiet', 'resetenv', 'server-state-base', 'server-state-file', 'set-dumpable', 'set-var',
  'set-var-fmt', 'ssl-default-bind-ciphersuites', 'ssl-default-bind-curves', 'ssl-default-bind-options', 'ssl-default-server-ciphersuites',
  'ssl-default-server-options', 'ssl-dh-param-file', 'ssl-engine', 'ssl-load-extra-del-ext', 'ssl-load-extra-files', 'ssl-mode-async',
  'ssl-propquery', 'ssl-provider', 'ssl-provider-path', 'ssl-server-verify', 'ssl-skip-self-issued-ca', 'strict-limits', 'thread-group',
  'thread-groups', 'unix-bind', 'zero-warning', 'tune.buffers.limit', 'tune.buffers.reserve', 'tune.chksize', 'tune.comp.maxlevel',
  'tune.fail-alloc', 'tune.fd.edge-triggered', 'tune.h2.header-table-size', 'tune.h2.initial-window-size', 'tune.h2.max-concurrent-streams',
  'tune.h2.max-frame-size', 'tune.http.cookielen', 'tune.http.logurilen', 'tune.http.maxhdr', 'tune.idle-pool.shared', 'tune.idletimer',
  'tune.listener.multi-queue', 'tune.lua.forced-yield', 'tune.lua.maxmem', 'tune.lua.service-timeout', 'tune.lua.session-timeout',
  'tune.lua.task-timeout', 'tune.maxaccept', 'tune.maxpollevents', 'tune.pattern.cache-size', 'tune.peers.max-updates-at-once',
  'tune.pipesize', 'tune.pool-high-fd-ratio', 'tune.pool-low-fd-ratio', 'tune.rcvbuf.client', 'tune.rcvbuf.server', 'tune.recv_enough',
  'tune.runqueue-depth', 'tune.sched.low-latency', 'tune.sndbuf.client', 'tune.sndbuf.server', 'tune.ssl.cachesize',
  'tune.ssl.capture-buffer-size', 'tune.ssl.force-private-cache', 'tune.ssl.hard-maxrecord', 'tune.ssl.keylog', 'tune.ssl.lifetime',
  'tune.ssl.maxrecord', 'tune.ssl.ssl-ctx-cache-size', 'tune.vars.check-max-size', 'tune.vars.global-max-size', 'tune.vars.proc-max-size',
  'tune.vars.reqres-max-size', 'tune.vars.sess-max-size', 'tune.vars.txn-max-size', 'tune.zlib.memlevel', 'tune.zlib.windowsize',
]

const zeroArg = new Set(['busy-polling', 'insecure-fork-wanted', 'insecure-setuid-wanted', 'noepoll', 'noevports', 'nogetaddrinfo', 'nokqueue', 'nopoll', 'noreuseport', 'nosplice', 'quiet', 'set-dumpable', 'strict-limits', 'zero-warning', 'numa-cpu-mapping', 'no-memory-trimming'])

export const GLOBAL_KEYWORDS: KeywordSpec[] = [
  ...checked,
  ...lenient.map((name) => (zeroArg.has(name) ? noArgs(name) : spec({name}))),
].map((s) => ({...s, sections: [...G]}))
