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
