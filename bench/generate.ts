/** A large but realistic haproxy.cfg: N backends of M servers each, one frontend routing by Host. */
export function generateLargeHaproxyConfig(backends: number, serversPerBackend: number): string {
  const lines = [
    'global',
    '    maxconn 100000',
    '    log 127.0.0.1 local0',
    '',
    'defaults',
    '    mode http',
    '    timeout connect 5s',
    '    timeout client 30s',
    '    timeout server 30s',
    '    option httplog',
    '',
    'frontend www',
    '    bind 127.0.0.1:8080',
  ]
  for (let b = 0; b < backends; b++) lines.push(`    acl host_b${b} hdr(host) -i b${b}.example.test`)
  for (let b = 0; b < backends; b++) lines.push(`    use_backend b${b} if host_b${b}`)
  lines.push('    default_backend b0', '')
  for (let b = 0; b < backends; b++) {
    lines.push(`backend b${b}`, '    balance roundrobin', '    option httpchk GET /health')
    for (let s = 0; s < serversPerBackend; s++) {
      const n = b * serversPerBackend + s
      lines.push(`    server s${s} 127.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}:8000 check inter 2s rise 2 fall 3 weight ${1 + (s % 10)}`)
    }
    lines.push('')
  }
  return lines.join('\n')
}
