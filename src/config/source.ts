import {isUtf8} from 'node:buffer'
import {readFileSync, statSync} from 'node:fs'
import {UserError} from '../errors.js'

/** A configuration file's text, read once and kept for rendering diagnostics. */
export interface SourceFile {
  /** The path as the user gave it (used in messages). */
  path: string
  text: string
}

/** The largest config we read: far above any real haproxy.cfg (20,000 servers is about 1 MiB). */
export const MAX_CONFIG_BYTES = 32 * 1024 * 1024

/** Reads a config file, turning every way it can fail into a UserError with a next step. */
export function readSourceFile(path: string): SourceFile {
  let size: number
  try {
    const stat = statSync(path)
    if (stat.isDirectory()) {
      throw new UserError('input/is-directory', `${path} is a directory, not a configuration file`, {
        hint: `name the files inside it, e.g. ${path.replace(/\/$/, '')}/haproxy.cfg`,
      })
    }
    if (!stat.isFile()) {
      throw new UserError('input/not-a-file', `${path} is not a regular file`, {hint: 'pass the path of a haproxy.cfg or keepalived.conf file'})
    }
    size = stat.size
  } catch (error) {
    if (error instanceof UserError) throw error
    throw fileError(path, error)
  }
  if (size > MAX_CONFIG_BYTES) {
    throw new UserError(
      'input/too-large',
      `${path} is ${formatBytes(size)}, larger than any configuration file lbctl reads (${formatBytes(MAX_CONFIG_BYTES)})`,
      {hint: 'check that this is the file you meant; split generated configs into several files'},
    )
  }
  let bytes: Buffer
  try {
    bytes = readFileSync(path)
  } catch (error) {
    throw fileError(path, error)
  }
  return {path, text: decodeText(path, bytes)}
}

export function decodeText(path: string, bytes: Buffer): string {
  if (bytes.includes(0)) {
    throw new UserError('input/binary', `${path} is a binary file (it contains NUL bytes), not a configuration file`, {
      hint: 'pass the text haproxy.cfg or keepalived.conf',
    })
  }
  // HAProxy and keepalived read bytes, not UTF-8: accept legacy encodings losslessly as latin1.
  if (!isUtf8(bytes)) return bytes.toString('latin1')
  // A UTF-8 byte order mark is dropped, as TextDecoder does (isUtf8 + toString is several times faster on big files).
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf
  return bytes.toString('utf8', bom ? 3 : 0)
}

function fileError(path: string, error: unknown): UserError {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ENOENT') return new UserError('input/not-found', `${path}: no such file`, {hint: 'check the path; run `lbctl init DIR` to create configs'})
  if (code === 'EACCES' || code === 'EPERM')
    return new UserError('input/unreadable', `${path}: permission denied`, {hint: 'run as a user that can read it, or fix its mode (chmod +r)'})
  if (code === 'EISDIR') return new UserError('input/is-directory', `${path} is a directory, not a configuration file`, {hint: 'name a file inside it'})
  return new UserError('input/unreadable', `${path}: cannot read (${code ?? String(error)})`, {hint: 'check that the file exists and is readable'})
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`
  return `${n} B`
}
