// The haproxy.cfg that lbctl and HAProxy both run: the same file text, so both do the same work.

export interface ProxyConfig {
  /** Frontend port for mode http (omit for none). */
  httpPort?: number
  /** Frontend port for mode tcp (omit for none). */
  tcpPort?: number
  backends: number[]
  /** HAProxy only: lbctl's engine is one process per core and ignores nbthread. */
  nbthread?: number
  maxconn?: number
  /** Extra lines for the http frontend / each http backend / global+defaults (the L7 features scenario). */
  frontendLines?: string[]
  backendLines?: string[]
  serverSuffix?: (index: number) => string
  globalLines?: string[]
  defaultsLines?: string[]
  /** A second http backend the frontend lines may route to. */
  extraBackend?: boolean
}

export function proxyConfig(c: ProxyConfig): string {
  const servers = (indent: string) => c.backends.map((port, i) => `${indent}server s${i + 1} 127.0.0.1:${port}${c.serverSuffix?.(i) ?? ''}`).join('\n')
  const maxconn = c.maxconn ?? 4096
  const out = [
    'global',
    `  maxconn ${maxconn}`,
    ...(c.nbthread ? [`  nbthread ${c.nbthread}`] : []),
    ...(c.globalLines ?? []).map((l) => `  ${l}`),
    '',
    'defaults',
    '  timeout connect 5s',
    '  timeout client 600s',
    '  timeout server 600s',
    `  maxconn ${maxconn}`,
    ...(c.defaultsLines ?? []).map((l) => `  ${l}`),
    '',
  ]
  if (c.httpPort !== undefined) {
    out.push('frontend fe_http', '  mode http', `  bind 127.0.0.1:${c.httpPort}`, ...(c.frontendLines ?? []).map((l) => `  ${l}`), '  default_backend be_http', '')
    out.push('backend be_http', '  mode http', '  balance roundrobin', ...(c.backendLines ?? []).map((l) => `  ${l}`), servers('  '), '')
    if (c.extraBackend) out.push('backend be_api', '  mode http', '  balance roundrobin', ...(c.backendLines ?? []).map((l) => `  ${l}`), servers('  '), '')
  }
  if (c.tcpPort !== undefined) {
    out.push('frontend fe_tcp', '  mode tcp', `  bind 127.0.0.1:${c.tcpPort}`, '  default_backend be_tcp', '')
    out.push('backend be_tcp', '  mode tcp', '  balance roundrobin', servers('  '), '')
  }
  return out.join('\n')
}
