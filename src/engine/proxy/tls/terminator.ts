/**
 * Terminates TLS on an accepted connection: reads the ClientHello's ALPN offer, then runs the handshake with
 * the certificate SNI picks, and hands the decrypted socket on. A connection that fails the handshake, or
 * does not finish it within `timeout client`, is closed, as HAProxy does.
 */
import type {Socket} from 'node:net'
import {type SecureContext, TLSSocket} from 'node:tls'
import {MAX_HELLO_RECORD, readClientHello} from './client-hello.js'
import type {TlsBindPlan} from './plan.js'

/** True for a connection that arrived over TLS (`ssl_fc`). */
export function isTlsSocket(socket: Socket): boolean {
  return (socket as Partial<TLSSocket>).encrypted === true
}

export function terminateTls(raw: Socket, plan: TlsBindPlan, onSecure: (socket: TLSSocket) => void): void {
  let timer: ReturnType<typeof setTimeout> | undefined
  if (plan.handshakeTimeoutMs > 0) timer = setTimeout(() => raw.destroy(), plan.handshakeTimeoutMs)
  const fail = () => {
    if (timer) clearTimeout(timer)
    raw.destroy()
  }
  raw.on('error', fail)

  let head: Buffer = Buffer.alloc(0)
  const onData = (chunk: Buffer) => {
    head = head.length === 0 ? chunk : Buffer.concat([head, chunk])
    const hello = readClientHello(head)
    if (hello.status === 'more' && head.length < MAX_HELLO_RECORD) return
    raw.off('data', onData)
    raw.off('end', fail)
    raw.pause()
    raw.unshift(head)
    handshake(hello.status === 'hello' ? hello : undefined)
  }
  raw.on('data', onData)
  raw.on('end', fail)
  raw.resume()

  function handshake(hello: {alpn: string[]; serverName?: string} | undefined): void {
    // Node refuses a client with no protocol in common (a fatal alert) where HAProxy goes on without ALPN.
    const alpn = plan.alpn.filter((p) => hello?.alpn.includes(p))
    const certificates = plan.certificates
    const name = hello?.serverName
    const chosen = name === undefined ? undefined : certificates.match(name)
    if (plan.strictSni && chosen === undefined && hello !== undefined) return fail()
    const socket = new TLSSocket(raw, {
      isServer: true,
      secureContext: (chosen ?? certificates.defaultCertificate).context,
      ...(alpn.length > 0 ? {ALPNProtocols: alpn} : {}),
      // Only when the ClientHello could not be read ahead (split over several records).
      ...(hello === undefined
        ? {
            SNICallback: (sni: string, done: (error: Error | null, context?: SecureContext) => void) => {
              const found = certificates.match(sni)
              if (found === undefined && plan.strictSni) done(new Error(`no certificate for ${sni}`))
              else done(null, (found ?? certificates.defaultCertificate).context)
            },
          }
        : {}),
    })
    socket.on('error', () => {
      fail()
      socket.destroy()
    })
    socket.once('secure', () => {
      if (timer) clearTimeout(timer)
      raw.off('error', fail)
      if (plan.strictSni && !socket.servername) {
        socket.destroy()
        return
      }
      onSecure(socket)
    })
  }
}
