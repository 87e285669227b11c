/**
 * Reads the server name and the ALPN protocols a TLS ClientHello offers (RFC 8446 §4.1.2, RFC 6066 §3,
 * RFC 7301 §3.1), before the handshake starts:
 * - Node answers a client whose ALPN list shares nothing with the server's with a fatal
 *   `no_application_protocol` alert, where HAProxy (OpenSSL's NOACK) goes on without ALPN: knowing the
 *   offer lets the terminator enable ALPN only when there is something to agree on;
 * - Node's SNICallback adds the chosen certificate next to the default one instead of replacing it, so
 *   with an ECDSA default and an RSA match OpenSSL may still serve the default: choosing the context from
 *   the name before the handshake serves exactly one certificate, as HAProxy does.
 */

export type ClientHelloRead =
  /** More bytes are needed for the first record. */
  | {status: 'more'}
  /** A ClientHello: its ALPN protocols (empty when it has no ALPN extension) and server name (SNI). */
  | {status: 'hello'; alpn: string[]; serverName?: string}
  /** Not a TLS ClientHello (or one this reader cannot follow): the handshake will say what is wrong. */
  | {status: 'other'}

const HANDSHAKE = 0x16
const CLIENT_HELLO = 0x01
const SERVER_NAME_EXTENSION = 0
const ALPN_EXTENSION = 16
/** The largest TLS record (2^14 bytes) plus its header. */
export const MAX_HELLO_RECORD = 16384 + 5

export function readClientHello(data: Buffer): ClientHelloRead {
  if (data.length < 5) return data.length > 0 && data[0] !== HANDSHAKE ? {status: 'other'} : {status: 'more'}
  if (data[0] !== HANDSHAKE) return {status: 'other'}
  const recordLength = data.readUInt16BE(3)
  if (recordLength > 16384) return {status: 'other'}
  if (data.length < 5 + recordLength) return {status: 'more'}
  const hello = data.subarray(5, 5 + recordLength)
  if (hello[0] !== CLIENT_HELLO || hello.length < 4) return {status: 'other'}
  // A ClientHello split over several records is legal but rare: its extensions may be out of reach.
  const body = hello.subarray(4, 4 + readUInt24(hello, 1))
  let at = 2 + 32 // legacy_version, random
  at = skipVector(body, at, 1) // legacy_session_id
  at = skipVector(body, at, 2) // cipher_suites
  at = skipVector(body, at, 1) // legacy_compression_methods
  if (at < 0 || at + 2 > body.length) return at === body.length ? {status: 'hello', alpn: []} : {status: 'other'}
  const end = Math.min(body.length, at + 2 + body.readUInt16BE(at))
  at += 2
  const found: {status: 'hello'; alpn: string[]; serverName?: string} = {status: 'hello', alpn: []}
  while (at + 4 <= end) {
    const type = body.readUInt16BE(at)
    const length = body.readUInt16BE(at + 2)
    at += 4
    if (at + length > end) return {status: 'other'}
    if (type === ALPN_EXTENSION) found.alpn = alpnList(body.subarray(at, at + length))
    else if (type === SERVER_NAME_EXTENSION) {
      const name = hostName(body.subarray(at, at + length))
      if (name !== undefined) found.serverName = name
    }
    at += length
  }
  return found
}

/** The host_name entry of a server_name extension. */
function hostName(ext: Buffer): string | undefined {
  const end = ext.length >= 2 ? Math.min(ext.length, 2 + ext.readUInt16BE(0)) : 0
  for (let at = 2; at + 3 <= end; ) {
    const type = ext[at] as number
    const length = ext.readUInt16BE(at + 1)
    if (type === 0 && at + 3 + length <= end) return ext.toString('latin1', at + 3, at + 3 + length)
    at += 3 + length
  }
  return undefined
}

function alpnList(ext: Buffer): string[] {
  const out: string[] = []
  if (ext.length < 2) return out
  const end = Math.min(ext.length, 2 + ext.readUInt16BE(0))
  for (let at = 2; at < end; ) {
    const length = ext[at] as number
    out.push(ext.toString('latin1', at + 1, Math.min(end, at + 1 + length)))
    at += 1 + length
  }
  return out
}

/** The offset after a vector whose length prefix has `prefix` bytes, or -1 when it runs past the end. */
function skipVector(buf: Buffer, at: number, prefix: 1 | 2): number {
  if (at < 0 || at + prefix > buf.length) return -1
  const length = prefix === 1 ? (buf[at] as number) : buf.readUInt16BE(at)
  const next = at + prefix + length
  return next > buf.length ? -1 : next
}

function readUInt24(buf: Buffer, at: number): number {
  return ((buf[at] as number) << 16) | ((buf[at + 1] as number) << 8) | (buf[at + 2] as number)
}
