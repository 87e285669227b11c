/** Guards against quadratic lookups: 2,000 backends and 20,000 servers must stay fast. */
import {describe, expect, it} from 'vitest'
import {checkHaproxy, parseHaproxyFiles} from '../../../src/config/haproxy/index.js'
import {CHECK} from './helpers.js'

export function generateLargeConfig(backends: number, serversPerBackend: number): string {
  const lines = ['global', '    maxconn 50000', 'defaults', '    mode http', '    timeout connect 5s', '    timeout client 30s', '    timeout server 30s', 'frontend www', '    bind 127.0.0.1:8080']
  for (let b = 0; b < backends; b++) lines.push(`    acl is_b${b} path_beg /b${b}/`, `    use_backend b${b} if is_b${b}`)
  lines.push('    default_backend b0')
  for (let b = 0; b < backends; b++) {
    lines.push(`backend b${b}`, '    balance roundrobin')
    for (let s = 0; s < serversPerBackend; s++) lines.push(`    server s${s} 10.${b >> 8}.${b & 255}.${s + 1}:80 check inter 2s weight ${s + 1}`)
  }
  return lines.join('\n') + '\n'
}

describe('performance', () => {
  it('parses and checks 2,000 backends / 20,000 servers well within budget', () => {
    const text = generateLargeConfig(2000, 10)
    const t0 = performance.now()
    const parse = parseHaproxyFiles([{path: 'big.cfg', text}])
    const diagnostics = [...parse.diagnostics, ...checkHaproxy(parse, CHECK)]
    const ms = performance.now() - t0
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([])
    expect(parse.model.backends).toHaveLength(2000)
    expect(parse.model.backends.reduce((n, b) => n + b.servers.length, 0)).toBe(20000)
    // haproxy -c takes ~0.2 s on this file; the generous bound only catches quadratic regressions.
    expect(ms).toBeLessThan(3000)
  })
})
