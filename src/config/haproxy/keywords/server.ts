/** `server`, `default-server` and `server-template` with the 2.6 server options and their ranges. */
import type {Word} from '../lexer.js'
import {atol, didYouMean, invalidNameChar, NAME_CHARS_HINT, parseInteger, parseSocketAddress, parseTime, serverAddressFamily} from './args.js'
import {error, warning} from './common.js'
import type {ProxyKind} from './sections.js'
import {spec, type KeywordContext, type KeywordSpec} from './spec.js'

/** Server option → number of arguments (HAProxy 2.6, `haproxy -dKcfg`); -1: an optional one (`source`). */
export const SERVER_OPTIONS: Record<string, number> = {}
for (const entry of (
  'addr:1 agent-addr:1 agent-check agent-inter:1 agent-port:1 agent-send:1 allow-0rtt alpn:1 backup ca-file:1 check check-alpn:1 ' +
  'check-proto:1 check-send-proxy check-sni:1 check-ssl check-via-socks4 ciphers:1 ciphersuites:1 cookie:1 crl-file:1 crt:1 disabled ' +
  'downinter:1 enabled error-limit:1 fall:1 fastinter:1 force-sslv3 force-tlsv10 force-tlsv11 force-tlsv12 force-tlsv13 id:1 init-addr:1 ' +
  'inter:1 log-proto:1 max-reuse:1 maxconn:1 maxqueue:1 minconn:1 namespace:1 no-agent-check no-backup no-check no-check-send-proxy ' +
  'no-check-ssl no-send-proxy no-send-proxy-v2 no-send-proxy-v2-ssl no-send-proxy-v2-ssl-cn no-ssl no-ssl-reuse no-sslv3 no-tfo ' +
  'no-tls-tickets no-tlsv10 no-tlsv11 no-tlsv12 no-tlsv13 non-stick npn:1 observe:1 on-error:1 on-marked-down:1 on-marked-up:1 ' +
  'pool-low-conn:1 pool-max-conn:1 pool-purge-delay:1 port:1 proto:1 proxy-v2-options:1 redir:1 resolve-net:1 resolve-opts:1 ' +
  'resolve-prefer:1 resolvers:1 rise:1 send-proxy send-proxy-v2 send-proxy-v2-ssl send-proxy-v2-ssl-cn slowstart:1 sni:1 socks4:1 ' +
  'source:1 ssl ssl-max-ver:1 ssl-min-ver:1 ssl-reuse stick tcp-ut:1 tfo tls-tickets track:1 usesrc:1 verify:1 verifyhost:1 weight:1 ws:1'
).split(' ')) {
  const [name, count] = entry.split(':')
  SERVER_OPTIONS[name as string] = count ? Number(count) : 0
}

const TIME_OPTIONS = new Set(['inter', 'fastinter', 'downinter', 'agent-inter', 'slowstart', 'pool-purge-delay'])
const ENUMS: Record<string, {values: string[]; message: string}> = {
  observe: {values: ['none', 'layer4', 'layer7'], message: "'observe' expects one of 'none', 'layer4', 'layer7'"},
  'on-error': {values: ['fastinter', 'fail-check', 'sudden-death', 'mark-down'], message: "'on-error' expects one of 'fastinter', 'fail-check', 'sudden-death' or 'mark-down'"},
  'on-marked-down': {values: ['shutdown-sessions'], message: "'on-marked-down' expects one of 'shutdown-sessions'"},
  'on-marked-up': {values: ['shutdown-backup-sessions'], message: "'on-marked-up' expects one of 'shutdown-backup-sessions'"},
  verify: {values: ['none', 'required'], message: "verify: unknown verify method"},
  'resolve-prefer': {values: ['ipv4', 'ipv6'], message: "'resolve-prefer' expects 'ipv4' or 'ipv6'"},
}

/**
 * Option texts already checked without error. Generated configs repeat the same options on thousands of
 * servers (`check inter 2s rise 2 fall 3`), and whether options are valid depends on their words alone (the
 * server's name only shows in messages), so a repeated text is not checked again. Bounded: cleared when full.
 */
const cleanOptions = new Set<string>()
const MAX_CLEAN_OPTIONS = 4096

/**
 * The line's text from word `from` on, when that word and every later one is plain (unquoted, no escape):
 * then equal texts mean equal words. Undefined otherwise, or without the line's text.
 */
export function plainWordsKey(words: readonly Word[], from: number, lineText: string | undefined): string | undefined {
  // The check of a server line then its model ask for the same key, one after the other.
  if (words === lastKey.words && from === lastKey.from && lineText === lastKey.lineText) return lastKey.key
  const first = words[from]
  if (lineText === undefined || first === undefined) return undefined
  let key: string | undefined = lineText.slice(first.column - 1)
  for (let i = from; i < words.length; i++) {
    const w = words[i] as Word
    if (w.quoted || w.raw !== w.value) {
      key = undefined
      break
    }
  }
  lastKey.words = words
  lastKey.from = from
  lastKey.lineText = lineText
  lastKey.key = key
  return key
}

const lastKey: {words: readonly Word[] | undefined; from: number; lineText: string | undefined; key: string | undefined} = {words: undefined, from: 0, lineText: undefined, key: undefined}

/** `key` (plainWordsKey of a server line's options) was checked before without error. */
export const checkedServerOptions = (key: string): boolean => cleanOptions.has(key)

type ServerKeyword = 'server' | 'server-template' | 'default-server'

/** How messages name the line: `'server b/s1'`, `'server-template b/web'`, `'default-server'` (made for messages only). */
function serverWho(ctx: KeywordContext, keyword: ServerKeyword, serverName: string): string {
  return keyword === 'default-server' ? "'default-server'" : `'${keyword} ${ctx.sectionName}/${serverName}'`
}

/** Checks the options after the address (from index `from`). */
function checkServerOptions(ctx: KeywordContext, from: number, keyword: ServerKeyword, serverName: string): void {
  const key = plainWordsKey(ctx.words, from, ctx.lineText)
  if (key !== undefined && cleanOptions.has(key)) return
  if (!checkServerOptionWords(ctx, from, serverWho(ctx, keyword, serverName), serverName) || key === undefined) return
  if (cleanOptions.size >= MAX_CLEAN_OPTIONS) cleanOptions.clear()
  cleanOptions.add(key)
}

/** Options haproxy 2.6 takes with their value missing at the end of the line (atol of nothing is 0). */
const TAKES_NOTHING_AS_VALUE = new Set(['weight', 'maxconn', 'maxqueue', 'minconn', 'init-addr', 'resolve-opts'])

/** True when it reported nothing (the option text may then be remembered as clean); false after a report. */
function checkServerOptionWords(ctx: KeywordContext, from: number, who: string, serverName: string): boolean {
  let clean = true
  for (let i = from; i < ctx.words.length; i++) {
    const w = ctx.words[i] as Word
    const count = SERVER_OPTIONS[w.value]
    if (count === undefined) {
      const guess = didYouMean(w.value, Object.keys(SERVER_OPTIONS))
      error(ctx, `${who} : unknown keyword '${w.value}'.`, w, guess ? [`did you mean '${guess}'?`] : [], 'haproxy/unknown-keyword')
      return false
    }
    const value = ctx.words[i + 1]
    if (count > 0 && value === undefined && TAKES_NOTHING_AS_VALUE.has(w.value)) {
      warning(ctx, `${who} : '${w.value}' has no value: haproxy reads it as empty (${w.value === 'init-addr' || w.value === 'resolve-opts' ? 'no setting' : '0'}).`, w, 'haproxy/suspicious-value')
      return false // reported: not a text to remember as clean
    }
    if (count > 0 && value === undefined) {
      const expects = w.value === 'cookie' ? '<value>' : TIME_OPTIONS.has(w.value) ? 'a delay' : 'an argument'
      error(ctx, `${who} : '${w.value}' expects ${expects} as argument.`, w, [], 'haproxy/missing-argument')
      return false
    }
    if (w.value === 'port' && value !== undefined && !isPortNumber(value.value)) {
      // haproxy 2.6 reads it with atol() and takes anything; 0 means the server's own port.
      warning(ctx, `${who} : 'port' : '${value.value}' is not a port from 1 to 65535; haproxy reads it as ${atol(value.value)} (0: the server's own port).`, value, 'haproxy/suspicious-value')
      clean = false
    } else if (value !== undefined && count > 0 && !checkOptionValue(ctx, w, value, who, serverName)) return false
    i += count
  }
  return clean
}

function isPortNumber(text: string): boolean {
  const n = parseInteger(text)
  return n.ok && n.value >= 1 && n.value <= 65535
}

/** False when it reported an error. */
function checkOptionValue(ctx: KeywordContext, option: Word, value: Word, who: string, serverName: string): boolean {
  const name = option.value
  const v = value.value
  if (name === 'weight') {
    const n = parseInteger(v)
    // HAProxy reads the weight with atol(): garbage becomes 0 silently; only the range is fatal.
    const num = n.ok ? n.value : /^-?[0-9]+/.test(v) ? parseInt(v, 10) : 0
    if (num >= 0 && num <= 256) return true
    error(ctx, `${who} : weight of server ${serverName} is not within 0 and 256 (${num}).`, value, ['weights go from 0 (no traffic) to 256'], 'haproxy/out-of-range')
    return false
  }
  if (name === 'rise' || name === 'fall') {
    const n = parseInt(v, 10)
    if (n > 0) return true
    error(ctx, `${who} : '${name}' has to be > 0.`, value, [], 'haproxy/out-of-range')
    return false
  }
  if (TIME_OPTIONS.has(name)) {
    const t = parseTime(v)
    if (!t.ok) error(ctx, `${who} : ${t.error} in '${name}' argument of server ${serverName}.`, value, ['time units are us, ms, s, m, h, d (default ms)'], 'haproxy/invalid-time')
    else if (t.value === 0 && name !== 'slowstart' && name !== 'pool-purge-delay') error(ctx, `${who} : invalid value 0 for argument '${name}' of server ${serverName}.`, value, [], 'haproxy/out-of-range')
    else return true
    return false
  }
  const e = ENUMS[name]
  if (!e || e.values.includes(v)) return true
  error(ctx, `${who} : ${e.message} but got '${v}'.`, value)
  return false
}

function serverPlacement(keyword: string) {
  return (kind: ProxyKind, name: string): string | undefined =>
    kind === 'frontend' ? `'${keyword}' not allowed because frontend '${name}' has no backend capability.` : kind === 'defaults' ? `'${keyword}' not allowed in 'defaults' section.` : undefined
}

function checkName(ctx: KeywordContext, word: Word | undefined, what: string): void {
  const bad = word === undefined ? undefined : invalidNameChar(word.value)
  if (bad !== undefined) error(ctx, `character '${bad}' is not permitted in ${what} '${word!.value}'.`, word!, [NAME_CHARS_HINT], 'haproxy/invalid-name')
}

/** Parses and checks a server address; returns it when valid. `who` unquoted: `server b/s1`. */
export function checkServerAddress(ctx: KeywordContext, word: Word, who: string) {
  const parsed = parseSocketAddress(word.value, {who, bind: false})
  if (!parsed.ok) {
    error(ctx, parsed.error, word, [], 'haproxy/invalid-address')
    return undefined
  }
  return parsed.value
}

export const SERVER_KEYWORDS: KeywordSpec[] = [
  spec({
    name: 'server',
    proxy: '-eXX',
    misplaced: serverPlacement('server'),
    minArgs: 2,
    missing: "'server' expects <name> and <addr>[:<port>] as arguments.",
    validate(ctx) {
      const name = ctx.words[1]?.value ?? ''
      checkName(ctx, ctx.words[1], 'server name')
      const addr = ctx.words[2]
      // A valid address parses the same whoever asks; only a failure is parsed again for its message.
      if (addr !== undefined && serverAddressFamily(addr.value) === undefined) checkServerAddress(ctx, addr, `server ${ctx.sectionName}/${name}`)
      checkServerOptions(ctx, 3, 'server', name)
    },
    ok: ['server web1 127.0.0.1:80 check inter 3s rise 1 fall 2', 'server s1 127.0.0.1:8000 maxconn 32', 'server ms1.srv1 127.0.0.1:8080 cookie ms1.srv1 maxconn 300 check inter 2000ms rise 2 fall 3', 'server s2 127.0.0.1:80 weight 256 backup', 'server s3 127.0.0.1 check port 8080', 'server s4 127.0.0.1:80 disabled', 'server s5 [::1]:80 weight 0', 'server s6 127.0.0.1:80 weight x', 'server s7 127.0.0.1:80 check weight', 'server s8 127.0.0.1:80 maxconn', 'server s9 127.0.0.1:80 check port 0', 'server s10 127.0.0.1 check port 8080'],
    fail: ['server s1', 'server s2 127.0.0.1:80 weight 300', 'server s2 127.0.0.1:80 weight -1', 'server s4 127.0.0.1:80 inter 2x', 'server s5 127.0.0.1:80 foo', 'server s6 127.0.0.1:80 rise 0', 'server s7 127.0.0.1:99999', 'server s9 127.0.0.1:80 check inter', 'server s10 127.0.0.1:80-90', 'server s11 127.0.0.1:80 cookie', 'server s12 127.0.0.1:80 observe layer9', 'server s13 127.0.0.1:80 inter 0', 'server s14 127.0.0.1:abc', 'server s$15 127.0.0.1:80'],
  }),
  spec({
    name: 'default-server',
    proxy: 'XeXX',
    misplaced: (kind, name) => (kind === 'frontend' ? `'default-server' not allowed because frontend '${name}' has no backend capability.` : undefined),
    validate: (ctx) => checkServerOptions(ctx, 1, 'default-server', 'default-server'),
    ok: ['default-server inter 3s fall 3 rise 2', 'default-server maxconn 100 weight 10'],
    fail: ['default-server foo', 'default-server weight 500'],
  }),
  spec({
    name: 'server-template',
    proxy: '-eXX',
    misplaced: serverPlacement('server-template'),
    minArgs: 3,
    missing: "'server-template' expects <prefix> <nb | range> <addr>[:<port>] as arguments.",
    validate(ctx) {
      const prefix = ctx.words[1]?.value ?? ''
      checkName(ctx, ctx.words[1], 'server-template prefix')
      const range = ctx.words[2]
      if (range !== undefined && !/^[0-9]+(-[0-9]+)?$/.test(range.value)) error(ctx, `'server-template ${prefix}' : invalid range '${range.value}'.`, range)
      const addr = ctx.words[3]
      if (addr !== undefined) checkServerAddress(ctx, addr, `server-template ${ctx.sectionName}/${prefix}`)
      checkServerOptions(ctx, 4, 'server-template', prefix)
    },
    ok: ['server-template web 1-3 127.0.0.1:80 check'],
    fail: ['server-template web', 'server-template w$ 1-2 127.0.0.1:80'],
  }),
]
