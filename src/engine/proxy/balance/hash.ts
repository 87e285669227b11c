/** The integer hashes HAProxy's hashing algorithms use. */
import {isIP} from 'node:net'

/** Bob Jenkins' 32-bit integer mix (HAProxy's full_hash), spreads close values over the ring. */
export function fullHash(input: number): number {
  let a = input >>> 0
  a = (a + 0x7ed55d16 + (a << 12)) >>> 0
  a = (a ^ 0xc761c23c ^ (a >>> 19)) >>> 0
  a = (a + 0x165667b1 + (a << 5)) >>> 0
  a = ((a + 0xd3a2646c) ^ (a << 9)) >>> 0
  a = (a + 0xfd7046c5 + (a << 3)) >>> 0
  a = (a ^ 0xb55a4f09 ^ (a >>> 16)) >>> 0
  return a
}

/** The bytes of an IP address (IPv4-mapped IPv6 counts as IPv4, as the kernel hands it to HAProxy on a v4 bind). */
export function addressBytes(address: string): number[] {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  const text = mapped ? mapped[1]! : address
  if (isIP(text) === 4) return text.split('.').map(Number)
  if (isIP(text) !== 6) return []
  const [head = '', tail = ''] = text.split('::')
  const left = head ? head.split(':') : []
  const right = text.includes('::') && tail ? tail.split(':') : []
  const groups = text.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left
  return groups.flatMap((g) => {
    const n = parseInt(g, 16)
    return [(n >> 8) & 0xff, n & 0xff]
  })
}

/** `balance source`: the address's 32-bit big-endian words XORed together. */
export function sourceHash(address: string): number {
  const bytes = addressBytes(address)
  let h = 0
  for (let i = 0; i + 4 <= bytes.length; i += 4) h = (h ^ ((bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!)) >>> 0
  return h
}
