/** HTTP Basic credentials checked in constant time: `stats auth`, and userlists (rules/userlist.ts). */
import {createHash, timingSafeEqual} from 'node:crypto'

export interface Credentials {
  user: string
  password: string
}

/** Fixed-length digests, so comparing them takes the same time whatever the input. */
const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest()

/** Compares two secrets in a time that depends on neither. */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b))
}

export class BasicAuth {
  private readonly digests: Buffer[]

  constructor(credentials: readonly Credentials[]) {
    this.digests = credentials.map((c) => digest(`${c.user}:${c.password}`))
  }

  get required(): boolean {
    return this.digests.length > 0
  }

  /** Whether an `Authorization` header value carries one of the configured user:password pairs. */
  accepts(header: string | undefined): boolean {
    const presented = digest(decodeBasic(header) ?? '\0no credentials')
    // Every entry is compared, so the time does not tell which one (or whether one) matched.
    let ok = false
    for (const expected of this.digests) ok = timingSafeEqual(presented, expected) || ok
    return ok
  }
}

/** `Basic dXNlcjpwYXNz` → `user:pass` (the scheme name is case-insensitive). */
export function decodeBasic(header: string | undefined): string | undefined {
  if (header === undefined) return undefined
  const match = /^\s*basic\s+(\S+)\s*$/i.exec(header)
  if (!match) return undefined
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8')
  return decoded.includes(':') ? decoded : undefined
}
