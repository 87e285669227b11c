/**
 * The certificates of one `bind ... ssl crt FILE|DIR [crt ...]` line, loaded the way HAProxy 2.6 loads
 * them: a PEM file holds the certificate, its chain and the key (or the key sits in `FILE.key`); a directory
 * loads every file in it in alphabetical order except the reserved extensions; the first certificate loaded
 * is the default one. SNI picks a certificate by the names in its CN and DNS subjectAltNames, exact names
 * first, then wildcards (`*.example.com` stands for exactly one label). Messages use HAProxy's wording.
 */
import {createPrivateKey, X509Certificate} from 'node:crypto'
import {readdirSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {createSecureContext, type SecureContext, type SecureContextOptions} from 'node:tls'

export interface LoadedCertificate {
  /** The PEM file it came from. */
  file: string
  /** Lower-cased DNS names from the CN and the subjectAltName, as written (`*.example.com` included). */
  names: string[]
  context: SecureContext
}

export type CertificateLoad = {ok: true; certificates: LoadedCertificate[]} | {ok: false; error: string}

/** Files a `crt DIR` skips: HAProxy reserves these extensions for companions of a certificate. */
const RESERVED_EXTENSIONS = ['.issuer', '.ocsp', '.sctl', '.key']

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n[\s\S]*?-----END \1-----/g

/** Loads `crt` arguments (already resolved against crt-base) in order; `context` adds TLS options to each. */
export function loadCertificates(paths: string[], context: Omit<SecureContextOptions, 'cert' | 'key'> = {}): CertificateLoad {
  const certificates: LoadedCertificate[] = []
  for (const path of paths) {
    let isDirectory: boolean
    try {
      isDirectory = statSync(path).isDirectory()
    } catch (error) {
      return {ok: false, error: `unable to stat SSL certificate from file '${path}' : ${describeErrno(error)}.`}
    }
    const files = isDirectory
      ? readdirSync(path)
          .filter((name) => !name.startsWith('.') && !RESERVED_EXTENSIONS.some((ext) => name.endsWith(ext)))
          .sort()
          .map((name) => join(path, name))
          .filter((file) => statSync(file).isFile())
      : [path]
    for (const file of files) {
      const loaded = loadPemFile(file, context)
      if (!loaded.ok) return loaded
      certificates.push(loaded.certificate)
    }
  }
  return {ok: true, certificates}
}

function loadPemFile(file: string, options: Omit<SecureContextOptions, 'cert' | 'key'>): {ok: true; certificate: LoadedCertificate} | {ok: false; error: string} {
  let text: string
  try {
    text = readFileSync(file, 'latin1')
  } catch (error) {
    return {ok: false, error: `unable to load certificate from file '${file}' : ${describeErrno(error)}.`}
  }
  const blocks = pemBlocks(text)
  const certs = blocks.filter((b) => b.label === 'CERTIFICATE' || b.label === 'TRUSTED CERTIFICATE').map((b) => b.pem)
  if (certs.length === 0) return {ok: false, error: `unable to load certificate from file '${file}'.`}
  let keyPem = blocks.find((b) => b.label.endsWith('PRIVATE KEY'))?.pem
  if (keyPem === undefined) {
    // HAProxy then looks for the key next to it, in FILE.key.
    const keyFile = `${file}.key`
    try {
      keyPem = pemBlocks(readFileSync(keyFile, 'latin1')).find((b) => b.label.endsWith('PRIVATE KEY'))?.pem
    } catch {
      keyPem = undefined
    }
    if (keyPem === undefined) return {ok: false, error: `No Private Key found in '${keyFile}'.`}
  }
  let leaf: X509Certificate
  try {
    leaf = new X509Certificate(certs[0] as string)
  } catch {
    return {ok: false, error: `unable to load certificate from file '${file}'.`}
  }
  try {
    if (!leaf.checkPrivateKey(createPrivateKey(keyPem))) return {ok: false, error: `inconsistencies between private key and certificate loaded '${file}'.`}
  } catch {
    return {ok: false, error: `unable to load SSL private key from PEM file '${file}'.`}
  }
  const dhparam = blocks.find((b) => b.label === 'DH PARAMETERS')?.pem
  let context: SecureContext
  try {
    context = createSecureContext({...options, cert: certs.join('\n'), key: keyPem, ...(dhparam ? {dhparam} : {})})
  } catch (error) {
    return {ok: false, error: `unable to load certificate from file '${file}' : ${(error as Error).message}.`}
  }
  return {ok: true, certificate: {file, names: certificateNames(leaf), context}}
}

function pemBlocks(text: string): {label: string; pem: string}[] {
  return [...text.matchAll(PEM_BLOCK)].map((m) => ({label: m[1] as string, pem: m[0]}))
}

/** The CN(s) and the DNS subjectAltNames, lower-cased: what HAProxy indexes for SNI. */
export function certificateNames(cert: X509Certificate): string[] {
  const names = new Set<string>()
  for (const entry of (cert.subjectAltName ?? '').split(', ')) {
    if (entry.startsWith('DNS:')) names.add(entry.slice(4).toLowerCase())
  }
  for (const line of cert.subject.split('\n')) {
    if (line.startsWith('CN=')) names.add(line.slice(3).toLowerCase())
  }
  return [...names]
}

/** Picks the certificate for a TLS server name; the first loaded one when none matches (or no SNI). */
export class CertificateSelector {
  private readonly exact = new Map<string, LoadedCertificate>()
  /** `*.example.com` certificates by `example.com`. */
  private readonly wildcard = new Map<string, LoadedCertificate>()

  constructor(readonly certificates: readonly LoadedCertificate[]) {
    for (const cert of certificates) {
      for (const name of cert.names) {
        // The first certificate loaded for a name keeps it.
        if (name.startsWith('*.')) {
          if (!this.wildcard.has(name.slice(2))) this.wildcard.set(name.slice(2), cert)
        } else if (!this.exact.has(name)) this.exact.set(name, cert)
      }
    }
  }

  get defaultCertificate(): LoadedCertificate {
    return this.certificates[0] as LoadedCertificate
  }

  /** The certificate whose names match `serverName`, or undefined (the caller falls back to the default or refuses with strict-sni). */
  match(serverName: string): LoadedCertificate | undefined {
    const name = serverName.toLowerCase()
    const exact = this.exact.get(name)
    if (exact) return exact
    const dot = name.indexOf('.')
    return dot > 0 ? this.wildcard.get(name.slice(dot + 1)) : undefined
  }
}

function describeErrno(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ENOENT') return 'No such file or directory'
  if (code === 'EACCES') return 'Permission denied'
  return code ?? String(error)
}
