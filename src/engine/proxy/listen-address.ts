import {existsSync, unlinkSync} from 'node:fs'
import type {Server} from 'node:net'
/** Bind and stats-socket addresses: `ip:port`, `*:port`, `:port`, `[v6]:port`, `ipv4@`, `ipv6@`, `unix@path`, `/path`. */

export type ListenAddress = {kind: 'tcp'; host: string; port: number} | {kind: 'unix'; path: string}

export function parseListenAddress(text: string): ListenAddress | undefined {
  let rest = text
  const prefix = /^(ipv4|ipv6|unix|abns|fd|sockpair|udp|udp4|udp6|quic4|quic6)@/.exec(rest)
  if (prefix) {
    if (!['ipv4', 'ipv6', 'unix'].includes(prefix[1]!)) return undefined
    rest = rest.slice(prefix[0].length)
    if (prefix[1] === 'unix') return {kind: 'unix', path: rest}
  }
  if (rest.startsWith('/') || rest.startsWith('./')) return {kind: 'unix', path: rest}
  const bracketed = /^\[([^\]]*)\]:(\d+)$/.exec(rest)
  if (bracketed) return {kind: 'tcp', host: bracketed[1] || '::', port: Number(bracketed[2])}
  const match = /^(.*):(\d+)(?:-\d+)?$/.exec(rest)
  if (!match) return undefined
  const host = match[1]!
  return {kind: 'tcp', host: host === '' || host === '*' ? (prefix?.[1] === 'ipv6' ? '::' : '0.0.0.0') : host, port: Number(match[2])}
}

/** Two binds are the same socket when this key is equal (reload keeps them). */
export function listenKey(address: ListenAddress): string {
  return address.kind === 'unix' ? `unix:${address.path}` : `tcp:${address.host}:${address.port}`
}

/** Starts `server` listening at the address; a stale unix socket file from an earlier run is removed first. */
export function listenAt(server: Server, address: ListenAddress): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    const ready = () => {
      server.off('error', reject)
      resolve()
    }
    if (address.kind === 'unix') {
      // Without this, listen fails with EADDRINUSE after a crash left the file behind.
      if (existsSync(address.path)) unlinkSync(address.path)
      server.listen(address.path, ready)
    } else server.listen({port: address.port, host: address.host, ipv6Only: address.host === '::'}, ready)
  })
}

/** Removes the socket file of a unix address after closing, so the next run finds the path free. */
export function removeUnixSocket(address: ListenAddress): void {
  if (address.kind !== 'unix' || !existsSync(address.path)) return
  try {
    unlinkSync(address.path)
  } catch {
    // already gone
  }
}
