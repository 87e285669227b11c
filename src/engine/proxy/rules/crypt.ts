/**
 * crypt(3) verification for `userlist ... password HASH`: MD5-crypt ($1$), SHA-256-crypt ($5$) and
 * SHA-512-crypt ($6$), written from Ulrich Drepper's specification and checked against
 * `openssl passwd`. DES, bcrypt and yescrypt hashes are refused at plan time.
 */
import {createHash, timingSafeEqual} from 'node:crypto'

const ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

function to64(value: number, count: number): string {
  let out = ''
  for (let i = 0; i < count; i++) {
    out += ALPHABET[value & 0x3f]
    value >>>= 6
  }
  return out
}

function encode(bytes: Buffer, triples: readonly (readonly [number, number, number])[], tail: readonly [number, number, number], tailCount: number): string {
  const at = (i: number) => (i < 0 ? 0 : bytes[i]!)
  let out = ''
  for (const [a, b, c] of triples) out += to64((at(a) << 16) | (at(b) << 8) | at(c), 4)
  return out + to64((at(tail[0]) << 16) | (at(tail[1]) << 8) | at(tail[2]), tailCount)
}

const SHA256_ORDER = [[0, 10, 20], [21, 1, 11], [12, 22, 2], [3, 13, 23], [24, 4, 14], [15, 25, 5], [6, 16, 26], [27, 7, 17], [18, 28, 8], [9, 19, 29]] as const
const SHA512_ORDER = [
  [0, 21, 42], [22, 43, 1], [44, 2, 23], [3, 24, 45], [25, 46, 4], [47, 5, 26], [6, 27, 48], [28, 49, 7], [50, 8, 29], [9, 30, 51], [31, 52, 10],
  [53, 11, 32], [12, 33, 54], [34, 55, 13], [56, 14, 35], [15, 36, 57], [37, 58, 16], [59, 17, 38], [18, 39, 60], [40, 61, 19], [62, 20, 41],
] as const
const MD5_ORDER = [[0, 6, 12], [1, 7, 13], [2, 8, 14], [3, 9, 15], [4, 10, 5]] as const

/** Repeats `block` to exactly `length` bytes. */
function stretch(block: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length)
  for (let i = 0; i < length; i += block.length) block.copy(out, i, 0, Math.min(block.length, length - i))
  return out
}

function shaCrypt(algorithm: 'sha256' | 'sha512', password: Buffer, salt: Buffer, rounds: number): Buffer {
  const H = () => createHash(algorithm)
  const b = H().update(password).update(salt).update(password).digest()
  const a = H().update(password).update(salt)
  a.update(stretch(b, password.length))
  for (let n = password.length; n > 0; n >>>= 1) a.update(n & 1 ? b : password)
  let c = a.digest()
  const dp = H()
  for (let i = 0; i < password.length; i++) dp.update(password)
  const p = stretch(dp.digest(), password.length)
  const ds = H()
  for (let i = 0; i < 16 + c[0]!; i++) ds.update(salt)
  const s = stretch(ds.digest(), salt.length)
  for (let i = 0; i < rounds; i++) {
    const h = H()
    h.update(i & 1 ? p : c)
    if (i % 3 !== 0) h.update(s)
    if (i % 7 !== 0) h.update(p)
    h.update(i & 1 ? c : p)
    c = h.digest()
  }
  return c
}

function md5Crypt(password: Buffer, salt: Buffer): Buffer {
  const alt = createHash('md5').update(password).update(salt).update(password).digest()
  const ctx = createHash('md5').update(password).update('$1$').update(salt)
  for (let n = password.length; n > 0; n -= 16) ctx.update(alt.subarray(0, Math.min(n, 16)))
  for (let n = password.length; n > 0; n >>>= 1) ctx.update(n & 1 ? Buffer.from([0]) : password.subarray(0, 1))
  let final = ctx.digest()
  for (let i = 0; i < 1000; i++) {
    const h = createHash('md5')
    h.update(i & 1 ? password : final)
    if (i % 3 !== 0) h.update(salt)
    if (i % 7 !== 0) h.update(password)
    h.update(i & 1 ? final : password)
    final = h.digest()
  }
  return final
}

/** Whether crypt(3) hashes of this form can be verified. */
export function cryptSupported(hash: string): boolean {
  return /^\$(1|5|6)\$/.test(hash)
}

/** crypt(password, settings taken from `hash`), in the same textual form as `hash`. */
export function crypt(password: string, hash: string): string | undefined {
  const pw = Buffer.from(password, 'utf8')
  const md5 = /^\$1\$([^$]{0,8})/.exec(hash)
  if (md5) {
    const salt = md5[1]!
    return `$1$${salt}$${encode(md5Crypt(pw, Buffer.from(salt, 'latin1')), MD5_ORDER, [-1, -1, 11], 2)}`
  }
  const sha = /^\$(5|6)\$(?:rounds=(\d+)\$)?([^$]{0,16})/.exec(hash)
  if (!sha) return undefined
  const [, id, roundsText, salt = ''] = sha
  const rounds = roundsText === undefined ? 5000 : Math.min(999_999_999, Math.max(1000, Number(roundsText)))
  const prefix = `$${id}$${roundsText === undefined ? '' : `rounds=${rounds}$`}${salt}$`
  const saltBytes = Buffer.from(salt, 'latin1')
  if (id === '5') return prefix + encode(shaCrypt('sha256', pw, saltBytes, rounds), SHA256_ORDER, [-1, 31, 30], 3)
  return prefix + encode(shaCrypt('sha512', pw, saltBytes, rounds), SHA512_ORDER, [-1, -1, 63], 2)
}

/** Constant-time check of a password against a crypt(3) hash. */
export function verifyCrypt(password: string, hash: string): boolean {
  const computed = crypt(password, hash)
  if (computed === undefined) return false
  const a = createHash('sha256').update(computed).digest()
  const b = createHash('sha256').update(hash).digest()
  return timingSafeEqual(a, b)
}
