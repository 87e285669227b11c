/** `bind <addr>[,<addr>...] [options]`: addresses and the 2.6 bind options with their argument counts. */
import type {Word} from '../lexer.js'
import {atol, didYouMean, parseInteger, parseSocketAddress, type SocketAddress} from './args.js'
import {error, warning} from './common.js'
import {spec, type KeywordContext, type KeywordSpec} from './spec.js'

/** Bind option → number of arguments it takes (HAProxy 2.6, `haproxy -dKcfg`). */
export const BIND_OPTIONS: Record<string, number> = {}
for (const entry of (
  'accept-netscaler-cip:1 accept-proxy backlog:1 defer-accept expose-fd:1 gid:1 group:1 id:1 interface:1 level:1 maxconn:1 mode:1 mss:1 ' +
  'name:1 namespace:1 nice:1 process:1 proto:1 severity-output:1 shards:1 tcp-ut:1 tfo thread:1 transparent uid:1 user:1 v4v6 v6only ' +
  'ssl allow-0rtt alpn:1 ca-file:1 ca-ignore-err:1 ca-sign-file:1 ca-sign-pass:1 ca-verify-file:1 ciphers:1 ciphersuites:1 crl-file:1 crt:1 ' +
  'crt-ignore-err:1 crt-list:1 curves:1 ecdhe:1 force-sslv3 force-tlsv10 force-tlsv11 force-tlsv12 force-tlsv13 generate-certificates ' +
  'no-ca-names no-sslv3 no-tls-tickets no-tlsv10 no-tlsv11 no-tlsv12 no-tlsv13 npn:1 prefer-client-ciphers ssl-max-ver:1 ssl-min-ver:1 ' +
  'strict-sni tls-ticket-keys:1 verify:1'
).split(' ')) {
  const [name, count] = entry.split(':')
  BIND_OPTIONS[name as string] = count ? Number(count) : 0
}

export interface ParsedBindAddress {
  word: Word
  text: string
  address: SocketAddress
}

/** Splits `:80,:443` and parses each address; reports failures on ctx. */
export function parseBindAddresses(ctx: KeywordContext, word: Word): ParsedBindAddress[] {
  const out: ParsedBindAddress[] = []
  for (const text of word.value.split(',')) {
    if (text === '') continue
    const parsed = parseSocketAddress(text, {who: 'bind', bind: true})
    if (!parsed.ok) {
      error(ctx, parsed.error, word, [], 'haproxy/invalid-address')
      continue
    }
    out.push({word, text, address: parsed.value})
  }
  return out
}

function checkBind(ctx: KeywordContext): void {
  const addr = ctx.words[1]
  if (addr === undefined) return
  parseBindAddresses(ctx, addr)
  const who = `'bind ${addr.value}' in section '${ctx.section}'`
  let ssl = false
  let crt = false
  for (let i = 2; i < ctx.words.length; i++) {
    const w = ctx.words[i] as Word
    const count = BIND_OPTIONS[w.value]
    if (count === undefined) {
      const guess = didYouMean(w.value, Object.keys(BIND_OPTIONS))
      error(ctx, `${who}: unknown keyword '${w.value}'.`, w, guess ? [`did you mean '${guess}'?`] : [], 'haproxy/unknown-keyword')
      return
    }
    if (w.value === 'ssl') ssl = true
    if (w.value === 'crt' || w.value === 'crt-list') crt = true
    const value = ctx.words[i + 1]
    if (count > 0 && value === undefined) {
      error(ctx, `${who} : '${w.value}' : missing value`, w, [], 'haproxy/missing-argument')
      return
    }
    if (w.value === 'maxconn' || w.value === 'backlog') {
      // Read with atol() by haproxy: garbage is 0 (taken, a warning here), only a negative number is refused.
      const text = value?.value ?? ''
      if (atol(text) < 0) error(ctx, `${who} : '${w.value}' : invalid value ${text}, must be >= 0`, value)
      else if (!parseInteger(text).ok) warning(ctx, `${who} : '${w.value}' expects an integer, '${text}' is read as ${atol(text)}`, value, 'haproxy/suspicious-value')
    }
    i += count
  }
  if (ssl && !crt) {
    error(ctx, `${who} : no SSL certificate specified for bind '${addr.value}' (use 'crt').`, addr, ["add 'crt /path/to/cert.pem' (or 'crt-list')"], 'haproxy/ssl-without-crt')
  }
}

export const BIND_KEYWORD: KeywordSpec = spec({
  name: 'bind',
  proxy: '-XXw',
  misplaced: (kind, name) => (kind === 'backend' ? `'bind' ignored because backend '${name}' has no frontend capability.` : undefined),
  minArgs: 1,
  missing: "'bind' expects {<path>|[addr1]:port1[-end1]}{,[addr]:port[-end]}... as arguments.",
  validate: checkBind,
  ok: ['bind :80', 'bind *:8080', 'bind 0.0.0.0:443 ssl crt test-cert.pem', 'bind [::1]:8443', 'bind :8000-8010', 'bind :81,:82', 'bind 127.0.0.1:9000 transparent', 'bind /tmp/lbctl-test.sock', 'bind :9001 name web maxconn 100 accept-proxy', 'bind :9002 maxconn x'],
  fail: ['bind', 'bind 1.2.3.4', 'bind :0', 'bind :99999', 'bind :80-70', 'bind 1.2.3.4.5:80', 'bind :80 foo', 'bind :81 maxconn', 'bind 1.2.3.4:abc', 'bind :84 ssl', 'bind :85 maxconn -1'],
})
