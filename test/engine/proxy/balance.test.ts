/** Exact pick sequences; the roundrobin and static-rr rows were captured from real HAProxy 2.6.12 in mode tcp. */
import {describe, expect, it} from 'vitest'
import {type Algorithm, createBalancer} from '../../../src/engine/proxy/balance/index.js'
import {fullHash, sourceHash} from '../../../src/engine/proxy/balance/hash.js'
import {buildMap} from '../../../src/engine/proxy/balance/map-table.js'
import {fakeServers} from './fake-servers.js'

function picks(algorithm: Algorithm, specs: string[], count: number, options: {allBackups?: boolean} = {}): string {
  const servers = fakeServers(specs)
  const balancer = createBalancer({algorithm, hashType: 'map-based', avalanche: false, allBackups: options.allBackups ?? false, draws: 2}, servers)
  const out: string[] = []
  for (let i = 0; i < count; i++) {
    const s = balancer.pick({})
    out.push(s?.name ?? '-')
  }
  return out.join(' ')
}

describe('roundrobin (HAProxy fwrr)', () => {
  it.each([
    [['s1:3', 's2:1'], 20, 's1 s1 s1 s2 s1 s1 s1 s2 s1 s1 s1 s2 s1 s1 s1 s2 s1 s1 s1 s2'],
    [['s1:5', 's2:3', 's3:2'], 20, 's1 s2 s1 s3 s1 s2 s1 s2 s1 s3 s1 s2 s1 s3 s1 s2 s1 s2 s1 s3'],
    [['s1:1', 's2:1', 's3:1'], 20, 's1 s2 s3 s1 s2 s3 s1 s2 s3 s1 s2 s3 s1 s2 s3 s1 s2 s3 s1 s2'],
    [['s1:2', 's2:0', 's3:1'], 20, 's1 s1 s3 s1 s1 s3 s1 s1 s3 s1 s1 s3 s1 s1 s3 s1 s1 s3 s1 s1'],
    [['s1:1', 's2:2', 's3:3', 's4:4'], 30, 's4 s3 s4 s2 s3 s4 s1 s4 s3 s2 s4 s3 s4 s2 s3 s4 s1 s4 s3 s2 s4 s3 s4 s2 s3 s4 s1 s4 s3 s2'],
  ])('weights %j', (specs, count, expected) => {
    expect(picks('roundrobin', specs, count)).toBe(expected)
  })
})

describe('static-rr (HAProxy map)', () => {
  it('weights 5 3 2 (real HAProxy)', () => {
    expect(picks('static-rr', ['s1:5', 's2:3', 's3:2'], 20)).toBe('s1 s1 s2 s1 s3 s1 s2 s1 s2 s3 s1 s1 s2 s1 s3 s1 s2 s1 s2 s3')
  })
  it('map for weights 1 2', () => {
    expect(buildMap(fakeServers(['s1:1', 's2:2'])).map((s) => s.name)).toEqual(['s1', 's2', 's2'])
  })
})

describe('failures and state changes (tables)', () => {
  const make = (algorithm: Algorithm, specs: string[], allBackups = false) => {
    const servers = fakeServers(specs)
    const balancer = createBalancer({algorithm, hashType: 'map-based', avalanche: false, allBackups, draws: 2}, servers)
    const by = (name: string) => servers.find((s) => s.name === name)!
    const take = (n: number) => Array.from({length: n}, () => balancer.pick({})?.name ?? '-').join(' ')
    return {servers, balancer, by, take}
  }

  it('roundrobin: a server going down and up again rejoins the rotation', () => {
    const {balancer, by, take} = make('roundrobin', ['s1', 's2', 's3'])
    expect(take(3)).toBe('s1 s2 s3')
    by('s2').running = false
    balancer.serverDown(by('s2'))
    expect(take(4)).toBe('s1 s3 s1 s3')
    by('s2').running = true
    balancer.serverUp(by('s2'))
    expect(take(6).split(' ').sort().join(' ')).toBe('s1 s1 s2 s2 s3 s3')
  })

  it('roundrobin: weight change to 0 removes a server, back to 1 restores it', () => {
    const {balancer, by, take} = make('roundrobin', ['s1', 's2'])
    by('s1').weight = 0
    balancer.weightChanged(by('s1'))
    expect(take(3)).toBe('s2 s2 s2')
    by('s1').weight = 1
    balancer.weightChanged(by('s1'))
    expect(take(4).split(' ').sort().join(' ')).toBe('s1 s1 s2 s2')
  })

  it('backups: only the first usable backup without allbackups; all with it', () => {
    const a = make('roundrobin', ['s1', 'b1:1:backup', 'b2:1:backup'])
    a.by('s1').running = false
    a.balancer.serverDown(a.by('s1'))
    expect(a.take(3)).toBe('b1 b1 b1')
    const b = make('roundrobin', ['s1', 'b1:1:backup', 'b2:1:backup'], true)
    b.by('s1').running = false
    b.balancer.serverDown(b.by('s1'))
    expect(b.take(4)).toBe('b1 b2 b1 b2')
  })

  it('skips saturated servers (maxconn) and returns none when all are full', () => {
    const {servers, by, take} = make('roundrobin', ['s1', 's2'])
    for (const s of servers) s.maxconn = 1
    by('s1').served = 1
    expect(take(2)).toBe('s2 s2')
    by('s2').served = 1
    expect(take(1)).toBe('-')
  })

  it('leastconn: fewest connections per weight, ties rotate', () => {
    const {balancer, by, take} = make('leastconn', ['s1', 's2', 's3'])
    by('s1').served = 2
    balancer.connTaken(by('s1'))
    expect(take(1)).toBe('s2')
  })

  it('first: fills servers in id order up to their maxconn', () => {
    const {servers, balancer, by} = make('first', ['s1', 's2', 's3'])
    for (const s of servers) s.maxconn = 2
    const got: string[] = []
    for (let i = 0; i < 5; i++) {
      const s = balancer.pick({})!
      got.push(s.name)
      by(s.name).served++
    }
    expect(got).toEqual(['s1', 's1', 's2', 's2', 's3'])
  })

  it('avoid: a redispatch picks another server when there is one', () => {
    const {balancer, by} = make('roundrobin', ['s1', 's2'])
    expect(balancer.pick({avoid: by('s1')})?.name).toBe('s2')
  })
})

describe('hashes', () => {
  it('source hash is the XOR of the address words', () => {
    expect(sourceHash('127.0.0.1')).toBe(0x7f000001)
    expect(sourceHash('::ffff:127.0.0.1')).toBe(0x7f000001)
    expect(sourceHash('2001:db8::1')).toBe((0x20010db8 ^ 0 ^ 0 ^ 1) >>> 0)
  })
  it('fullHash is deterministic 32-bit', () => {
    expect(fullHash(0)).toBe(fullHash(0))
    expect(fullHash(4096)).toBeLessThan(2 ** 32)
  })
  it('source map-based: 127.0.0.1 over three equal servers goes to s3 (as real haproxy)', () => {
    const servers = fakeServers(['s1', 's2', 's3'])
    const balancer = createBalancer({algorithm: 'source', hashType: 'map-based', avalanche: false, allBackups: false, draws: 2}, servers)
    expect(balancer.pick({clientAddress: '127.0.0.1'})?.name).toBe('s3')
  })
})
