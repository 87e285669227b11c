// Smoke test of the proxy benchmark harness: tiny durations, real tools, checks the report's shape
// and that every target really carried the load, so `npm run bench` cannot rot unnoticed.
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {execa} from 'execa'
import {describe, expect, it} from 'vitest'
import {benchInstructions} from '../../bench/proxy/instructions.js'
import {benchMemory} from '../../bench/proxy/memory.js'
import {benchReload} from '../../bench/proxy/reload.js'
import {renderInstructions, renderMemory, renderProxy, renderReload} from '../../bench/proxy/report.js'
import {benchProxy} from '../../bench/proxy/throughput.js'
import {parseWrk} from '../../bench/proxy/wrk.js'
import {repoRoot} from '../helpers/cli.js'
import {requireBinary} from '../helpers/oracles.js'

const tools = requireBinary('wrk') && requireBinary('nginx') && requireBinary('haproxy')
const built = existsSync(join(repoRoot, 'dist', 'commands', 'run.js'))

describe('wrk report parsing', () => {
  it('reads requests/s, percentiles in any unit and every kind of error', () => {
    const text = `Running 1s test @ http://127.0.0.1:1/
  1 threads and 50 connections
  Latency Distribution
     50%  840.00us
     75%    1.20ms
     90%    2.00ms
     99%    1.50s
  1234 requests in 1.00s, 200.00KB read
  Socket errors: connect 1, read 2, write 3, timeout 4
  Non-2xx or 3xx responses: 5
Requests/sec:   1234.50
Transfer/sec:    200.00KB
`
    expect(parseWrk(text)).toEqual({requests: 1234, rps: 1234.5, p50Ms: 0.84, p99Ms: 1500, errors: 15})
    expect(() => parseWrk('wrk: connection refused')).toThrow(/not understood|no 50%/)
  })
})

// The two cases only check the harness, not figures: they run side by side to keep the file short.
describe.skipIf(!tools || !built)('proxy benchmark harness (tiny durations)', () => {
  it.concurrent('measures lbctl, haproxy, http-proxy and direct in keep-alive and tcp, with ratios to haproxy', async ({expect}) => {
    const r = await benchProxy({durationS: 1, rounds: 1, warmupS: 0, connections: 8, modes: ['http-keepalive', 'tcp']})
    expect(r.scenario).toBe('proxy')
    expect(r.machine.haproxy).toMatch(/^\d+\.\d+/)
    expect(r.modes.map((m) => m.mode)).toEqual(['http-keepalive', 'tcp'])
    const http = r.modes[0]!.targets
    expect(http.map((t) => t.target).sort()).toEqual(['direct', 'haproxy', 'http-proxy', 'lbctl'])
    for (const t of http) {
      expect(t.rps).toBeGreaterThan(100)
      expect(t.errors).toBe(0)
      expect(t.p99Ms).toBeGreaterThanOrEqual(t.p50Ms)
      expect(t.vsHaproxy).toBeCloseTo(t.rps / http.find((x) => x.target === 'haproxy')!.rps, 6)
    }
    const lbctl = http.find((t) => t.target === 'lbctl')!
    expect(lbctl.rssKiB).toBeGreaterThan(10_000)
    expect(lbctl.cpuUsPerRequest).toBeGreaterThan(0)
    expect(lbctl.cpuVsHaproxy).toBeCloseTo(lbctl.cpuUsPerRequest! / http.find((t) => t.target === 'haproxy')!.cpuUsPerRequest!, 6)
    expect(http.find((t) => t.target === 'direct')!.rssKiB).toBeNull()
    expect(r.modes[1]!.targets.map((t) => t.target).sort()).toEqual(['direct', 'haproxy', 'lbctl'])
    expect(renderProxy(r)).toMatch(/L7, keep-alive[\s\S]*lbctl[\s\S]*L4/)
  }, 30_000)

  it.concurrent('holds idle connections through both proxies and reloads them under load', async ({expect}) => {
    const memory = await benchMemory({connections: 300, keptConnections: 100, settleMs: 20})
    expect(memory.targets.map((t) => [t.target, t.serverSide, t.connections])).toEqual([
      ['lbctl', 'closed', 300],
      ['haproxy', 'closed', 300],
      ['lbctl', 'kept', 100],
      ['haproxy', 'kept', 100],
    ])
    for (const t of memory.targets) {
      expect(t.dropped).toBe(0)
      expect(t.rssAfterKiB).toBeGreaterThan(0)
      expect(t.kibPerConnection).toBe((t.rssAfterKiB - t.rssBeforeKiB) / t.connections)
    }
    expect(renderMemory(memory)).toContain('KiB per connection')
    const reload = await benchReload({reloads: 2, gapMs: 100, connections: 4, idleCloseVariant: false})
    expect(reload.targets.map((t) => [t.target, t.reloads])).toEqual([
      ['lbctl', 2],
      ['haproxy', 2],
    ])
    for (const t of reload.targets) expect(t.requests).toBeGreaterThan(100)
    expect(renderReload(reload)).toContain('failed')
  }, 30_000)
})

describe('bench CLI', () => {
  it('refuses an unknown scenario with exit 2 and lists the known ones', async () => {
    const r = await execa(process.execPath, ['--import', 'tsx', 'bench/run.ts', 'nosuch'], {cwd: repoRoot, reject: false})
    expect(r.exitCode).toBe(2)
    expect(r.stderr).toMatch(/unknown scenario nosuch; known: validate, proxy, memory, reload, features/)
  })
})

// Tiny: no warm-up and 200 requests per mode, so it checks the harness (valgrind start, zeroing, dumps, the
// count per request), not figures. Node under valgrind takes about half a minute to start.
describe.skipIf(!tools || !built || !requireBinary('valgrind'))('instructions benchmark harness', () => {
  it('counts user-space instructions per request for lbctl and haproxy in both modes', async () => {
    const r = await benchInstructions({log: () => {}, requests: 200, warmupRounds: 0})
    expect(r.modes.map((m) => m.mode)).toEqual(['http-keepalive', 'http-close'])
    for (const mode of r.modes) {
      const [lbctl, haproxy] = ['lbctl', 'haproxy'].map((name) => mode.targets.find((t) => t.target === name)!)
      // A request is thousands of instructions in either; a count per request that is not is a harness error.
      expect(haproxy!.perRequest).toBeGreaterThan(2_000)
      expect(lbctl!.perRequest).toBeGreaterThan(haproxy!.perRequest)
      expect(lbctl!.vsHaproxy).toBeCloseTo(lbctl!.perRequest / haproxy!.perRequest, 6)
    }
    expect(renderInstructions(r)).toMatch(/keep-alive[\s\S]*lbctl[\s\S]*new connection/)
  }, 240_000)
})
