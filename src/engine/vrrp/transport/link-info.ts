/** What the kernel says about a network interface (of this network namespace), from /sys/class/net. */
import {readFileSync} from 'node:fs'

function sysfs(name: string, file: string): string {
  if (!/^[\w.:@-]{1,15}$/.test(name)) throw new Error(`${name} is not an interface name`)
  try {
    return readFileSync(`/sys/class/net/${name}/${file}`, 'utf8').trim()
  } catch {
    throw new Error(`interface ${name} does not exist`)
  }
}

/** The interface index (if_nametoindex). */
export function interfaceIndex(name: string): number {
  return Number(sysfs(name, 'ifindex'))
}

/** The link-layer (MAC) address as 6 bytes. */
export function interfaceMac(name: string): Uint8Array {
  const text = sysfs(name, 'address')
  const bytes = text.split(':').map((part) => Number.parseInt(part, 16))
  if (bytes.length !== 6 || bytes.some((byte) => Number.isNaN(byte))) throw new Error(`interface ${name} has no Ethernet address (${text})`)
  return Uint8Array.from(bytes)
}

/** A 32-bit int in host byte order (setsockopt arguments, struct ipv6_mreq.ipv6mr_interface). */
export function hostInt(value: number): Buffer {
  const buffer = Buffer.alloc(4)
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] === 1) buffer.writeInt32LE(value)
  else buffer.writeInt32BE(value)
  return buffer
}
