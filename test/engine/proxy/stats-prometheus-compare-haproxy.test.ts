/**
 * `http-request use-service prometheus-exporter if { path /metrics }`: real haproxy 2.6 and the bundled
 * engine serve the same haproxy_frontend_*, haproxy_backend_* and haproxy_server_* metrics (names, help,
 * types, label sets), with the same headers; other paths still reach the backend.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {requireBinary} from '../../helpers/oracles.js'
import {freePort, startEngine, startHaproxy, waitFor} from './helpers.js'
import {request, type ScriptedBackend, scriptedBackend} from './log-helpers.js'
import {get} from './stats-helpers.js'

const hasHaproxy = requireBinary('haproxy')
let backend: ScriptedBackend
beforeAll(async () => {
  backend = await scriptedBackend()
})
afterAll(async () => {
  await backend.close()
})

function config(front: number, tcp: number, stats: number, dead: number): string {
  return `global
  stats socket ipv4@127.0.0.1:${stats} level admin
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend web
  bind 127.0.0.1:${front}
  http-request use-service prometheus-exporter if { path /metrics }
  default_backend app
backend app
  server s1 127.0.0.1:${backend.port} check inter 200
  server s2 127.0.0.1:${dead} check inter 200
  server s3 127.0.0.1:${backend.port}
listen tcp_in
  mode tcp
  bind 127.0.0.1:${tcp}
  server t1 127.0.0.1:${backend.port}
`
}

interface Scrape {
  headers: Record<string, unknown>
  /** `# HELP`/`# TYPE` lines of the frontend/backend/server families, as a sorted set. */
  meta: string[]
  /** Sample names with their labels, values dropped. */
  samples: string[]
  other: string
}

async function scrape(front: number, tcp: number): Promise<Scrape> {
  // s2's checks have failed and s1's passed before the scrape (the same check states on both).
  await waitFor(async () => /haproxy_server_check_status\{proxy="app",server="s2",state="L4CON"\} 1/.test((await get(front, '/metrics')).body), 5000, 50)
  await request(front, '/')
  await request(tcp, '/', 'HTTP/1.0')
  const got = await get(front, '/metrics')
  const lines = got.body.split('\n').filter((l) => /^(# (HELP|TYPE) )?haproxy_(frontend|backend|server)_/.test(l))
  const other = await request(front, '/hello')
  return {
    headers: {status: got.status, type: got.headers['content-type'], cache: got.headers['cache-control'], chunked: got.headers['transfer-encoding']},
    meta: [...new Set(lines.filter((l) => l.startsWith('#')))].sort(),
    samples: lines.filter((l) => !l.startsWith('#')).map((l) => l.replace(/ [^ ]+$/, '')).sort(),
    other: other.split('\r\n')[0] ?? '',
  }
}

describe.skipIf(!hasHaproxy)('Prometheus exporter: bundled engine = real haproxy', () => {
  it('same metric families, help, types and label sets', {timeout: 30_000}, async () => {
    const [front, tcp, stats, dead] = [await freePort(), await freePort(), await freePort(), await freePort()]
    const cfg = config(front, tcp, stats, dead)
    const real = await startHaproxy(cfg, stats)
    let theirs: Scrape
    try {
      theirs = await scrape(front, tcp)
    } finally {
      await real.stop()
    }
    const engine = startEngine(cfg)
    await engine.start()
    let ours: Scrape
    try {
      ours = await scrape(front, tcp)
    } finally {
      await engine.stop(0)
    }
    expect(ours.headers).toEqual(theirs.headers)
    expect(ours.meta).toEqual(theirs.meta)
    expect(ours.samples).toEqual(theirs.samples)
    expect(ours.other).toBe('HTTP/1.1 200 OK')
    expect(theirs.other).toBe('HTTP/1.1 200 OK')
  })
})
