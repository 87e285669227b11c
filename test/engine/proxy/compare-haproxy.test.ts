/**
 * The same config under the bundled engine and under real haproxy 2.6 on loopback: the same servers
 * must be picked in the same order, and `show stat` must have the same columns and row shape.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {RuntimeApiClient} from '../../../src/observe/runtime-api.js'
import {requireBinary} from '../../helpers/oracles.js'
import {freePort, namedBackend, type NamedBackend, sequence, startEngine, startHaproxy} from './helpers.js'

const hasHaproxy = requireBinary('haproxy')
let backends: NamedBackend[] = []

beforeAll(async () => {
  backends = await Promise.all(['s1', 's2', 's3', 's4'].map((n) => namedBackend(n)))
})
afterAll(async () => {
  await Promise.all(backends.map((b) => b.close()))
})

function config(front: number, stats: number, balance: string, servers: string[]): string {
  return `global
  stats socket ipv4@127.0.0.1:${stats} level admin
defaults
  mode tcp
  timeout connect 1s
  timeout client 5s
  timeout server 5s
listen l
  bind 127.0.0.1:${front}
  ${balance}
${servers.map((s, i) => `  server s${i + 1} 127.0.0.1:${backends[i]!.port} ${s}`).join('\n')}
`
}

async function both(balance: string, servers: string[], count: number, source?: (i: number) => string): Promise<{engine: string; haproxy: string}> {
  const [front, stats] = [await freePort(), await freePort()]
  const cfg = config(front, stats, balance, servers)
  const real = await startHaproxy(cfg, stats)
  let haproxy: string[]
  try {
    haproxy = await sequence(front, count, source)
  } finally {
    await real.stop()
  }
  const engine = startEngine(cfg)
  await engine.start()
  try {
    return {engine: (await sequence(front, count, source)).join(' '), haproxy: haproxy.join(' ')}
  } finally {
    await engine.stop(0)
  }
}

describe.skipIf(!hasHaproxy)('pick sequences: bundled engine = real haproxy', () => {
  it.each([
    ['balance roundrobin', ['weight 3', 'weight 1'], 12],
    ['balance roundrobin', ['weight 5', 'weight 3', 'weight 2'], 20],
    ['balance roundrobin', ['weight 1', 'weight 2', 'weight 3', 'weight 4'], 20],
    ['balance roundrobin', ['weight 2', 'weight 0', 'weight 1'], 9],
    ['balance roundrobin', ['', 'disabled', '', 'backup'], 6],
    ['balance roundrobin', ['disabled', 'disabled', 'backup', 'backup'], 4],
    ['balance roundrobin\n  option allbackups', ['disabled', 'disabled', 'backup', 'backup weight 2'], 6],
    ['balance static-rr', ['weight 5', 'weight 3', 'weight 2'], 20],
    ['balance leastconn', ['', '', ''], 7],
    ['balance first', ['', '', 'backup'], 4],
  ])('%s with %j', async (balance, servers, count) => {
    const {engine, haproxy} = await both(balance, servers, count)
    expect(engine).toBe(haproxy)
  })

  it.each([
    ['balance source', ['', '', ''], 'map-based'],
    ['balance source', ['weight 1', 'weight 2', 'weight 3'], 'map-based'],
  ])('%s with %j from 8 source addresses', async (balance, servers) => {
    const {engine, haproxy} = await both(balance, servers, 8, (i) => `127.0.${i}.${((i * 37) % 250) + 1}`)
    expect(engine).toBe(haproxy)
  })
})

describe.skipIf(!hasHaproxy)('show stat: same shape as real haproxy', () => {
  it('has the same header and the same typed fields per row', async () => {
    const [front, stats] = [await freePort(), await freePort()]
    const cfg = config(front, stats, 'balance roundrobin', ['check inter 200', 'check inter 200 weight 2', 'backup'])
    const real = await startHaproxy(cfg, stats)
    const client = RuntimeApiClient.connect(`127.0.0.1:${stats}`)
    let realRaw: string
    let realRows
    try {
      await new Promise((resolve) => setTimeout(resolve, 500))
      realRaw = await client.command('show stat')
      realRows = await client.showStat()
    } finally {
      await real.stop()
    }
    const engine = startEngine(cfg)
    await engine.start()
    try {
      await new Promise((resolve) => setTimeout(resolve, 500))
      const ours = await client.command('show stat')
      const rows = await client.showStat()
      expect(ours.split('\n')[0]).toBe(realRaw.split('\n')[0])
      expect(ours.endsWith('\n\n')).toBe(realRaw.endsWith('\n\n'))
      const shape = (r: (typeof rows)[number]) => ({
        proxy: r.proxy, name: r.name, type: r.type, status: r.status.raw, weight: r.weight, act: r.act, bck: r.bck,
        check: r.check?.status, keys: Object.keys(r).filter((k) => !['rate', 'lastchg', 'smax', 'stot', 'bout', 'bin'].includes(k)).sort(),
        cells: Object.keys(r.columns).length,
      })
      expect(rows.map(shape)).toEqual(realRows.map(shape))
    } finally {
      await engine.stop(0)
    }
  })
})
