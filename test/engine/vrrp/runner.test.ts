import {describe, expect, it} from 'vitest'
import {parseKeepalived} from '../../../src/config/keepalived/index.js'
import type {VrrpEvent} from '../../../src/engine/vrrp/events.js'
import {encodeAdvert} from '../../../src/engine/vrrp/packet.js'
import {VrrpRunner} from '../../../src/engine/vrrp/runner.js'
import {planInstances} from '../../../src/engine/vrrp/settings.js'
import {FakeClock, FakeNetwork, FakeVips} from './fakes.js'

function config(priority: number, extra = ''): string {
  return `
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority ${priority}
  advert_int 1
  ${extra}
  authentication {
    auth_type PASS
    auth_pass s3cret
  }
  virtual_ipaddress {
    198.18.0.100/24
  }
}`
}

interface Node {
  runner: VrrpRunner
  vips: FakeVips
  events: VrrpEvent[]
}

function node(text: string, address: string, clock: FakeClock, network: FakeNetwork): Node {
  const parse = parseKeepalived({path: 'k.conf', text}, {reader: {read: () => ({path: 'x', text: ''}), glob: () => []}})
  const {plans, problems} = planInstances(parse.model, {interfaceAddress: () => address})
  expect(problems).toEqual([])
  const vips = new FakeVips()
  const runner = new VrrpRunner({plans, openTransport: network.open, vips, clock})
  const events: VrrpEvent[] = []
  runner.on('event', (event) => events.push(event))
  return {runner, vips, events}
}

const transitions = (n: Node) => n.events.filter((e) => e.type === 'transition').map((e) => e.type === 'transition' && `${e.time} ${e.from}->${e.to} (${e.reason})`)
const flush = () => new Promise((resolve) => setImmediate(resolve))

async function pair() {
  const clock = new FakeClock()
  const network = new FakeNetwork(clock)
  const a = node(config(150), '198.18.0.1', clock, network)
  const b = node(config(100), '198.18.0.2', clock, network)
  await a.runner.start()
  await b.runner.start()
  return {clock, network, a, b}
}

describe('VrrpRunner on a fake network', () => {
  it('elects exactly one master: the higher priority, after its Master_Down_Interval', async () => {
    const {clock, a, b} = await pair()
    clock.advance(10_000)
    await flush()
    // Priority 150: 3 s + skew (256-150)/256 s = 3414 ms.
    expect(transitions(a)).toEqual(['0 INIT->BACKUP (startup)', '3414 BACKUP->MASTER (master_down timer expired)'])
    expect(transitions(b)).toEqual(['0 INIT->BACKUP (startup)'])
    expect(a.vips.held).toEqual(new Set(['198.18.0.100']))
    expect(b.vips.held.size).toBe(0)
    // Startup clears leftovers, then MASTER adds and announces.
    expect(a.vips.calls).toEqual(['remove 198.18.0.100', 'add 198.18.0.100', 'garp 198.18.0.100 x5', 'garp 198.18.0.100 x5'])
    expect(b.runner.status()[0]).toMatchObject({state: 'BACKUP', master: {address: '198.18.0.1', priority: 150}, lastAdvert: {from: '198.18.0.1', priority: 150}})
    expect(a.runner.status()[0]).toMatchObject({state: 'MASTER', effectivePriority: 150, vips: ['198.18.0.100'], timers: {advert: expect.any(Number)}})
  })

  it('takes over Master_Down_Interval after the master goes silent (crash)', async () => {
    const {clock, network, b} = await pair()
    clock.advance(10_000)
    // The master's adverts go out at 3414 + n×1000; the last one to arrive is at 9415.
    network.silenced.add('198.18.0.1')
    clock.advance(10_000)
    await flush()
    // Priority 100: 3 s + 156/256 s = 3609 ms after the last advert heard.
    expect(transitions(b)).toEqual(['0 INIT->BACKUP (startup)', '13024 BACKUP->MASTER (master_down timer expired)'])
    expect(b.vips.held).toEqual(new Set(['198.18.0.100']))
  })

  it('takes over Skew_Time after a graceful stop (priority 0 advert), and the stopped node drops its VIPs', async () => {
    const {clock, network, a, b} = await pair()
    clock.advance(10_000)
    await a.runner.stop()
    const zero = network.sent.at(-1)
    expect(zero?.message[2]).toBe(0)
    clock.advance(5_000)
    await flush()
    expect(transitions(a).at(-1)).toBe('10000 MASTER->INIT (shutdown)')
    // Priority 0 arrives at 10001; skew of priority 100 = 609 ms.
    expect(transitions(b).at(-1)).toBe('10610 BACKUP->MASTER (master_down timer expired)')
    expect(a.vips.held.size).toBe(0)
    expect(b.vips.held).toEqual(new Set(['198.18.0.100']))
  })

  it('preempts when the higher priority comes back', async () => {
    const {clock, network, a, b} = await pair()
    clock.advance(10_000)
    await a.runner.stop()
    clock.advance(5_000)
    const again = node(config(150), '198.18.0.1', clock, network)
    await again.runner.start()
    clock.advance(5_000)
    await flush()
    expect(transitions(again)).toEqual(['15000 INIT->BACKUP (startup)', '18414 BACKUP->MASTER (master_down timer expired)'])
    expect(transitions(b).at(-1)).toBe('18415 MASTER->BACKUP (higher priority advert (150) from 198.18.0.1)')
    expect(b.vips.held.size).toBe(0)
  })

  it('does not preempt with nopreempt', async () => {
    const clock = new FakeClock()
    const network = new FakeNetwork(clock)
    const b = node(config(100), '198.18.0.2', clock, network)
    await b.runner.start()
    clock.advance(5_000)
    const a = node(config(150, 'nopreempt'), '198.18.0.1', clock, network)
    await a.runner.start()
    clock.advance(10_000)
    await flush()
    expect(transitions(a)).toEqual(['5000 INIT->BACKUP (startup)'])
    expect(b.runner.status()[0]?.state).toBe('MASTER')
  })

  it('drops invalid packets with the reason, and reports an unknown VRID once per source', async () => {
    const {clock, network, b} = await pair()
    const bad = (overrides: Partial<Parameters<typeof encodeAdvert>[0]>) =>
      encodeAdvert({version: 2, family: 4, vrid: 51, priority: 200, advertIntervalCs: 100, addresses: ['198.18.0.100'], auth: {type: 'pass', password: 's3cret'}, ...overrides})
    network.inject(bad({auth: {type: 'pass', password: 'wrong'}}), {src: '198.18.0.9', dst: '224.0.0.18', ttl: 255})
    network.inject(bad({}), {src: '198.18.0.9', dst: '224.0.0.18', ttl: 64})
    network.inject(bad({vrid: 52}), {src: '198.18.0.9', dst: '224.0.0.18', ttl: 255})
    network.inject(bad({vrid: 52}), {src: '198.18.0.9', dst: '224.0.0.18', ttl: 255})
    clock.advance(1)
    const drops = b.events.filter((e) => e.type === 'dropped').map((e) => e.type === 'dropped' && `${e.instance ?? '-'} ${e.reason}: ${e.message}`)
    expect(drops).toEqual([
      'VI_1 auth: received an invalid passwd: got a password that does not match; should be the configured auth_pass (first 8 characters)',
      'VI_1 ttl: invalid TTL/HL: got 64; should be 255',
      '- vrid: unknown VRID: got 52; should be 51',
    ])
  })

  it('sends unicast adverts to each peer instead of the group', async () => {
    const clock = new FakeClock()
    const network = new FakeNetwork(clock)
    const peers = 'unicast_src_ip 198.18.0.1\n  unicast_peer {\n    198.18.0.2\n    198.18.0.3\n  }'
    const a = node(config(150, peers), '198.18.0.1', clock, network)
    await a.runner.start()
    clock.advance(4_000)
    expect(network.sent.map((s) => s.to)).toEqual(['198.18.0.2', '198.18.0.3'])
  })
})
