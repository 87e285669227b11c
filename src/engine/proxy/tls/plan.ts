/** What the engine needs to terminate TLS on one `bind ... ssl` line, or why it cannot (HAProxy's wording). */
import {isAbsolute, join} from 'node:path'
import type {SecureContextOptions} from 'node:tls'
import type {Bind, GlobalSettings} from '../../../config/haproxy/index.js'
import {CertificateSelector, loadCertificates} from './certificates.js'

export interface TlsBindPlan {
  certificates: CertificateSelector
  /** ALPN protocols the terminator may agree on: `['http/1.1']` when the bind's `alpn` lists it, else none. */
  alpn: string[]
  /** `strict-sni`: refuse a handshake whose server name matches no certificate (or has none). */
  strictSni: boolean
  /** `timeout client`, which HAProxy applies to the handshake (0: none). */
  handshakeTimeoutMs: number
  /** Said once when the listener opens (e.g. h2 requested but not served). */
  warnings: string[]
}

export type TlsPlanResult = {ok: true; tls: TlsBindPlan} | {ok: false; problem: string}

/** Bind options the bundled engine cannot honour: refused, since ignoring them would accept clients HAProxy refuses. */
const UNSUPPORTED = ['crt-list', 'ca-file', 'ca-verify-file', 'crl-file', 'npn', 'generate-certificates', 'ca-sign-file', 'allow-0rtt', 'ocsp-update']

const VERSIONS = ['SSLv3', 'TLSv1.0', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const
const NODE_VERSION: Record<(typeof VERSIONS)[number], SecureContextOptions['minVersion']> = {SSLv3: 'TLSv1', 'TLSv1.0': 'TLSv1', 'TLSv1.1': 'TLSv1.1', 'TLSv1.2': 'TLSv1.2', 'TLSv1.3': 'TLSv1.3'}

export function planBindTls(bind: Bind, global: GlobalSettings | undefined, handshakeTimeoutMs: number): TlsPlanResult {
  const at = `${bind.file}:${bind.line}: bind ${bind.addresses.map((a) => a.text).join(',')}`
  const words = bind.directive.args.slice(1)
  for (const name of UNSUPPORTED) {
    if (words.includes(name)) return {ok: false, problem: `${at}: '${name}' is not supported by the bundled engine yet`}
  }
  const verify = optionValue(words, 'verify')
  if (verify !== undefined && verify !== 'none') return {ok: false, problem: `${at}: 'verify ${verify}' (client certificates) is not supported by the bundled engine yet`}
  if (bind.certificates.length === 0) return {ok: false, problem: `${at}: no SSL certificate specified for bind (use 'crt').`}

  const base = globalValue(global, 'crt-base')
  const paths = bind.certificates.map((c) => (base !== undefined && !isAbsolute(c) ? join(base, c) : c))
  const versions = versionRange([...globalWords(global, 'ssl-default-bind-options'), ...words])
  if (typeof versions === 'string') return {ok: false, problem: `${at}: ${versions}`}
  const ciphers = [optionValue(words, 'ciphersuites') ?? globalValue(global, 'ssl-default-bind-ciphersuites'), optionValue(words, 'ciphers') ?? globalValue(global, 'ssl-default-bind-ciphers')]
    .filter((c) => c !== undefined)
    .join(':')
  const curves = optionValue(words, 'curves') ?? optionValue(words, 'ecdhe')
  const loaded = loadCertificates(paths, {...versions, ...(ciphers ? {ciphers} : {}), ...(curves ? {ecdhCurve: curves} : {})})
  if (!loaded.ok) return {ok: false, problem: `${at}: ${loaded.error}`}
  if (loaded.certificates.length === 0) return {ok: false, problem: `${at}: no SSL certificate specified for bind (use 'crt').`}

  const offered = (optionValue(words, 'alpn') ?? '').split(',').filter((p) => p !== '')
  const warnings: string[] = []
  const unserved = offered.filter((p) => p !== 'http/1.1')
  if (unserved.length > 0) warnings.push(`${at}: alpn ${unserved.join(',')} is not implemented by the bundled engine: only http/1.1 is negotiated`)
  return {
    ok: true,
    tls: {certificates: new CertificateSelector(loaded.certificates), alpn: offered.includes('http/1.1') ? ['http/1.1'] : [], strictSni: words.includes('strict-sni'), handshakeTimeoutMs, warnings},
  }
}

/** The TLS versions allowed by ssl-min-ver/ssl-max-ver, no-tlsv1x and force-tlsv1x, or a message. */
function versionRange(words: string[]): Pick<SecureContextOptions, 'minVersion' | 'maxVersion'> | string {
  // HAProxy 2.6 defaults to TLSv1.2 and later.
  let min = VERSIONS.indexOf('TLSv1.2')
  let max = VERSIONS.length - 1
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string
    if (word === 'ssl-min-ver' || word === 'ssl-max-ver') {
      const value = words[i + 1] ?? ''
      const index = VERSIONS.indexOf(value as (typeof VERSIONS)[number])
      if (index === -1) return `'${word}' : unknown version '${value}'`
      if (word === 'ssl-min-ver') min = index
      else max = index
      i++
      continue
    }
    const force = /^force-(sslv3|tlsv1[0-3])$/.exec(word)
    if (force) min = max = versionIndex(force[1] as string)
    const no = /^no-(sslv3|tlsv1[0-3])$/.exec(word)
    if (no) {
      const index = versionIndex(no[1] as string)
      if (index === min) min++
      else if (index === max) max--
    }
  }
  if (min > max) return 'all SSL/TLS versions are disabled'
  return {minVersion: NODE_VERSION[VERSIONS[min] as (typeof VERSIONS)[number]], maxVersion: NODE_VERSION[VERSIONS[max] as (typeof VERSIONS)[number]]}
}

/** `sslv3` → 0, `tlsv10` → 1 ... `tlsv13` → 4 (indexes into VERSIONS). */
function versionIndex(flag: string): number {
  return flag === 'sslv3' ? 0 : 1 + Number(flag.slice(5))
}

function optionValue(words: string[], name: string): string | undefined {
  const i = words.lastIndexOf(name)
  return i === -1 ? undefined : words[i + 1]
}

function globalWords(global: GlobalSettings | undefined, keyword: string): string[] {
  return global?.directives.filter((d) => d.name === keyword).flatMap((d) => d.args) ?? []
}

function globalValue(global: GlobalSettings | undefined, keyword: string): string | undefined {
  return global?.directives.filter((d) => d.name === keyword).at(-1)?.args[0]
}
