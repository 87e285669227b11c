/** Certificates for TLS tests, made by the openssl CLI. */
import {execFileSync} from 'node:child_process'
import {readFileSync, rmSync, writeFileSync} from 'node:fs'

/** A self-signed certificate and its key in one PEM file, HAProxy's format. */
export function makeCertificate(file: string, cn: string, sans: string[] = [], keyType: 'rsa' | 'ec' = 'ec'): void {
  const keyArgs = keyType === 'rsa' ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1']
  const keyFile = `${file}.tmpkey`
  const certFile = `${file}.tmpcrt`
  const san = sans.length > 0 ? ['-addext', `subjectAltName=${sans.map((s) => `DNS:${s}`).join(',')}`] : []
  execFileSync('openssl', ['req', '-x509', ...keyArgs, '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', `/CN=${cn}`, ...san], {stdio: 'ignore'})
  writeFileSync(file, readFileSync(certFile, 'utf8') + readFileSync(keyFile, 'utf8'))
  rmSync(keyFile)
  rmSync(certFile)
}
