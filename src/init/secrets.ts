import {randomInt} from 'node:crypto'

const alphanumeric = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789'

/** A random string from an alphabet without look-alikes (0/O, 1/l/I). `pick` is injectable for tests. */
export function randomSecret(length: number, pick: (max: number) => number = randomInt): string {
  let out = ''
  for (let i = 0; i < length; i++) out += alphanumeric[pick(alphanumeric.length)]
  return out
}

/** keepalived's PASS authentication uses 8 bytes at most: longer passwords are silently truncated. */
export const AUTH_PASS_LENGTH = 8
export const STATS_PASSWORD_LENGTH = 20
