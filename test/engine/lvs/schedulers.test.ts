import {describe, expect, it} from 'vitest'
import {createScheduler, type LvsAlgorithm} from '../../../src/engine/lvs/schedulers/index.js'
import {hash32, foldAddress} from '../../../src/engine/lvs/schedulers/types.js'
import {SourceHashScheduler} from '../../../src/engine/lvs/schedulers/sh.js'
import {LocalityReplicationScheduler} from '../../../src/engine/lvs/schedulers/lblcr.js'

interface Fake {
  id: number
  name: string
  backup: false
  weight: number
  running: boolean
  served: number
  queued: 0
  maxconn: 0
  inactive: number
}

const servers = (...weights: number[]): Fake[] =>
  weights.map((weight, i) => ({id: i + 1, name: String.fromCharCode(65 + i), backup: false, weight, running: true, served: 0, queued: 0, maxconn: 0, inactive: 0}))

function sequence(algorithm: LvsAlgorithm, list: Fake[], count: number, context = {}): string {
  const s = createScheduler(algorithm, list)
  return Array.from({length: count}, () => s.pick(context)?.name ?? '-').join('')
}

describe('rr', () => {
  it('rotates in declaration order and skips weight 0 and down servers', () => {
    expect(sequence('rr', servers(1, 5, 1), 6)).toBe('ABCABC')
    const list = servers(1, 0, 1)
    expect(sequence('rr', list, 4)).toBe('ACAC')
    list[0]!.running = false
    expect(sequence('rr', list, 3)).toBe('CCC')
    list[2]!.running = false
    expect(sequence('rr', list, 1)).toBe('-')
  })
})

describe('wrr', () => {
  it('follows the kernel sequence for weights 4 3 2 (ipvsadm: AABABCABC)', () => {
    expect(sequence('wrr', servers(4, 3, 2), 18)).toBe('AABABCABC'.repeat(2))
  })

  it('uses the GCD step: weights 4 2 give AAB, 1 2 (seed 001) give BAB', () => {
    expect(sequence('wrr', servers(4, 2), 6)).toBe('AABAAB')
    expect(sequence('wrr', servers(1, 2), 6)).toBe('BABBAB')
  })

  it('quiesces weight 0, follows weight changes and down/up, and answers nothing when all are 0', () => {
    const list = servers(1, 2, 0)
    const s = createScheduler('wrr', list)
    const pick = (n: number) => Array.from({length: n}, () => s.pick({})?.name ?? '-').join('')
    expect(pick(3)).toBe('BAB')
    list[2]!.weight = 2
    s.weightChanged(list[2]!)
    expect(pick(5)).toBe('ABCBC') // the change restarts the pass from the head at the current weight (1)
    list[1]!.running = false
    s.serverDown(list[1]!)
    expect(pick(3)).toBe('CAC')
    list[0]!.weight = 0
    list[2]!.weight = 0
    s.weightChanged(list[0]!)
    expect(pick(1)).toBe('-')
  })
})

describe('lc / wlc / sed / nq', () => {
  it('lc takes the smallest active*256+inactive, first among equals, ignoring weight', () => {
    const list = servers(1, 9, 1)
    list[0]!.served = 1
    list[1]!.served = 1
    expect(sequence('lc', list, 1)).toBe('C')
    list[2]!.served = 1
    list[2]!.inactive = 300
    list[0]!.inactive = 2
    expect(sequence('lc', list, 1)).toBe('B')
  })

  it('wlc divides the overhead by weight', () => {
    const list = servers(1, 3)
    list[0]!.served = 1
    list[1]!.served = 2
    expect(sequence('wlc', list, 1)).toBe('B') // 256/1 > 512/3
    list[1]!.served = 4
    expect(sequence('wlc', list, 1)).toBe('A') // 256 < 1024/3
  })

  it('sed and nq: (active + 1) / weight; nq takes an idle server first', () => {
    const list = servers(1, 2)
    list[0]!.served = 0
    list[1]!.served = 1
    expect(sequence('sed', list, 1)).toBe('A') // 1/1 vs 2/2: equal, first wins
    list[1]!.weight = 3
    expect(sequence('sed', list, 1)).toBe('B') // 1/1 > 2/3
    expect(sequence('nq', list, 1)).toBe('A') // A is idle
    list[0]!.served = 1
    expect(sequence('nq', list, 1)).toBe('B') // 2/1 > 2/3
  })
})

describe('sh / dh', () => {
  it('sh hashes the client address with the kernel hash_32 over a weighted table', () => {
    expect(hash32(foldAddress('192.168.0.1'), 8)).toBe(Math.imul(0xc0a80001, 0x61c88647) >>> 24)
    const list = servers(1, 1)
    const sh = new SourceHashScheduler(list)
    const clients = Array.from({length: 50}, (_, i) => `10.0.${i}.7`)
    const first = clients.map((c) => sh.pick({clientAddress: c})?.name)
    expect(clients.map((c) => sh.pick({clientAddress: c})?.name)).toEqual(first)
    expect(first.every((n) => n === (sh.bucketOf(clients[first.indexOf(n)]!) % 2 === 0 ? 'A' : 'B'))).toBe(true)
    expect(new Set(first)).toEqual(new Set(['A', 'B']))
    // A down server leaves the table: its clients move, the others stay.
    list[1]!.running = false
    sh.serverDown()
    expect(clients.map((c) => sh.pick({clientAddress: c})?.name).every((n) => n === 'A')).toBe(true)
  })

  it('sh gives weight 2 twice the buckets; weight 0 keeps its bucket but answers nothing', () => {
    const list = servers(2, 1)
    const sh = new SourceHashScheduler(list)
    const names = Array.from({length: 256}, (_, i) => i).map((b) => (b % 3 === 2 ? 'B' : 'A'))
    const clients = Array.from({length: 200}, (_, i) => `10.1.${i}.1`)
    for (const c of clients) expect(sh.pick({clientAddress: c})?.name).toBe(names[sh.bucketOf(c)])
    list[1]!.weight = 0
    sh.weightChanged()
    const zero = clients.filter((c) => sh.bucketOf(c) % 3 === 2)
    expect(zero.length).toBeGreaterThan(0)
    for (const c of zero) expect(sh.pick({clientAddress: c})).toBeUndefined()
  })

  it('dh sends one destination address to one server', () => {
    const list = servers(1, 1, 1)
    const picks = sequence('dh', list, 5, {destAddress: '198.18.0.50', clientAddress: '1.2.3.4'})
    expect(new Set(picks).size).toBe(1)
    const other = ['198.18.0.51', '198.18.0.52', '198.18.0.53', '198.18.0.54'].map((d) => sequence('dh', list, 1, {destAddress: d}))
    expect(new Set([picks[0], ...other]).size).toBeGreaterThan(1)
  })
})

describe('lblc / lblcr', () => {
  it('lblc keeps a destination on its server until it is overloaded, down, or the entry expires', () => {
    const list = servers(1, 1)
    const s = createScheduler('lblc', list)
    const at = (now: number) => s.pick({destAddress: '198.18.0.50', now})?.name
    expect(at(0)).toBe('A')
    list[0]!.served = 1
    expect(at(1)).toBe('A') // 1 active, weight 1: not overloaded
    list[0]!.served = 2
    expect(at(2)).toBe('B') // 2 > 1 while B is under half its weight
    list[0]!.served = 0
    expect(at(3)).toBe('B') // the entry now says B
    list[1]!.running = false
    expect(at(4)).toBe('A')
  })

  it('lblc forgets entries after the expiration', () => {
    const list = servers(1, 1)
    const s = createScheduler('lblc', list)
    expect(s.pick({destAddress: 'x', now: 0})?.name).toBe('A')
    list[0]!.served = 1
    list[1]!.served = 0
    expect(s.pick({destAddress: 'x', now: 1000})?.name).toBe('A')
    expect(s.pick({destAddress: 'x', now: 1000 + 24 * 3600 * 1000 + 1})?.name).toBe('B')
  })

  it('lblcr grows the set when its least loaded member is overloaded and shrinks it after the expiration', () => {
    const list = servers(1, 1, 1)
    const s = new LocalityReplicationScheduler(list, 1000)
    expect(s.pick({destAddress: 'd', now: 0})?.name).toBe('A')
    list[0]!.served = 3
    expect(s.pick({destAddress: 'd', now: 10})?.name).toBe('B')
    expect(s.setOf('d').map((x) => x.name)).toEqual(['A', 'B'])
    list[1]!.served = 1
    expect(s.pick({destAddress: 'd', now: 20})?.name).toBe('B') // least of the set, not overloaded
    expect(s.pick({destAddress: 'd', now: 900})?.name).toBe('B')
    expect(s.pick({destAddress: 'd', now: 1500})?.name).toBe('B') // set unchanged > 1 s: A (most loaded) dropped
    expect(s.setOf('d').map((x) => x.name)).toEqual(['B'])
  })
})
