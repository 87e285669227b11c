/**
 * `set vrrp link|block` as the runner does them (VrrpRunner.setLinkDown / setBlock), on the fake
 * network and clock: what the backup sees, and when, is the point.
 */
import {describe, expect, it} from 'vitest'
import {parseKeepalived} from '../../src/config/keepalived/index.js'
import type {VrrpEvent} from '../../src/engine/vrrp/events.js'
import {SIMULATED_LINK_FAULT, VrrpRunner} from '../../src/engine/vrrp/runner.js'
import {planInstances} from '../../src/engine/vrrp/settings.js'
import {FakeClock, FakeNetwork, FakeVips} from '../engine/vrrp/fakes.js'

const config = (priority: number) => `
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority ${priority}
  advert_int 1
  virtual_ipaddress {
    198.18.0.100/24
  }
}`

function node(priority: number, address: string, clock: FakeClock, network: FakeNetwork) {
  const parse = parseKeepalived({path: 'k.conf', text: config(priority)}, {reader: {read: () => ({path: 'x', text: ''}), glob: () => []}})
  const {plans} = planInstances(parse.model, {interfaceAddress: () => address})
  const vips = new FakeVips()
  const runner = new VrrpRunner({plans, openTransport: network.open, vips, clock})
  const events: VrrpEvent[] = []
  runner.on('event', (event) => events.push(event))
  return {runner, vips, events}
}

type Node = ReturnType<typeof node>
const transitions = (n: Node) => n.events.filter((e) => e.type === 'transition').map((e) => e.type === 'transition' && `${e.time} ${e.from}->${e.to} (${e.reason})`)
const flush = () => new Promise((resolve) => setImmediate(resolve))

/** a (150) MASTER, b (100) BACKUP, settled at 10 s; a's adverts go out at 3414 + n x 1000. */
async function pair() {
  const clock = new FakeClock()
  const network = new FakeNetwork(clock)
  const a = node(150, '198.18.0.1', clock, network)
  const b = node(100, '198.18.0.2', clock, network)
  await a.runner.start()
  await b.runner.start()
  clock.advance(10_000)
  await flush()
  expect(a.runner.status()[0]?.state).toBe('MASTER')
  return {clock, network, a, b}
}

describe('simulated link down (set vrrp link down)', () => {
  it('the MASTER goes FAULT and drops its VIPs; its priority-0 advert is lost with the link, so the backup waits Master_Down_Interval', async () => {
    const {clock, network, a, b} = await pair()
    const sentBefore = network.sent.length
    a.runner.setLinkDown(true)
    expect(a.runner.simulation()).toEqual({linkDown: true, block: 'off'})
    expect(a.runner.status()[0]).toMatchObject({state: 'FAULT', faults: [SIMULATED_LINK_FAULT]})
    expect(network.sent.length).toBe(sentBefore)
    clock.advance(5_000)
    await flush()
    expect(transitions(a).at(-1)).toBe(`10000 MASTER->FAULT (fault: ${SIMULATED_LINK_FAULT})`)
    expect(a.vips.held.size).toBe(0)
    // The last advert b heard left a at 9414 (arriving 9415): 3609 ms later, not the 609 ms skew of a priority-0 advert.
    expect(transitions(b).at(-1)).toBe('13024 BACKUP->MASTER (master_down timer expired)')
    // Nothing from a while the link is down, and nothing reaches it: it stays in FAULT.
    expect(network.sent.slice(sentBefore).every((s) => s.from !== '198.18.0.1')).toBe(true)
    expect(a.events.filter((e) => e.type === 'advert_received' && e.time > 10_000)).toEqual([])
  })

  it('link up: FAULT -> BACKUP, then the higher priority preempts after Master_Down_Interval', async () => {
    const {clock, a, b} = await pair()
    a.runner.setLinkDown(true)
    clock.advance(5_000)
    a.runner.setLinkDown(false)
    expect(a.runner.simulation().linkDown).toBe(false)
    clock.advance(5_000)
    await flush()
    // b (100) is MASTER: a (150) discards its lower-priority adverts and takes over after its own Master_Down_Interval (3414 ms).
    expect(transitions(a).slice(-2)).toEqual([`15000 FAULT->BACKUP (fault cleared: ${SIMULATED_LINK_FAULT})`, '18414 BACKUP->MASTER (master_down timer expired)'])
    expect(transitions(b).at(-1)).toMatch(/^18415 MASTER->BACKUP/)
    expect(a.vips.held).toEqual(new Set(['198.18.0.100']))
    expect(b.vips.held.size).toBe(0)
  })

  it('a second link down or up changes nothing', async () => {
    const {a} = await pair()
    a.runner.setLinkDown(false)
    expect(transitions(a).at(-1)).toMatch(/BACKUP->MASTER/)
    a.runner.setLinkDown(true)
    a.runner.setLinkDown(true)
    expect(a.events.filter((e) => e.type === 'log' && e.message.startsWith('link down')).length).toBe(1)
  })
})

describe('simulated VRRP filter (set vrrp block)', () => {
  it('in on both: each keeps advertising unheard, the backup becomes a second MASTER after Master_Down_Interval; off heals it', async () => {
    const {clock, network, a, b} = await pair()
    b.runner.setBlock('in')
    a.runner.setBlock('in')
    const sentBefore = network.sent.length
    clock.advance(5_000)
    await flush()
    expect(transitions(b).at(-1)).toBe('13024 BACKUP->MASTER (master_down timer expired)')
    expect(a.runner.status()[0]?.state).toBe('MASTER')
    expect(b.runner.status()[0]?.state).toBe('MASTER')
    // Both on the wire: a sniffer sees two masters.
    const senders = new Set(network.sent.slice(sentBefore).map((s) => s.from))
    expect(senders).toEqual(new Set(['198.18.0.1', '198.18.0.2']))
    a.runner.setBlock('off')
    b.runner.setBlock('off')
    clock.advance(2_000)
    await flush()
    expect(transitions(b).at(-1)).toMatch(/MASTER->BACKUP/)
    expect(a.runner.status()[0]?.state).toBe('MASTER')
  })

  it('on: the node also sends nothing (no FAULT, the MASTER stays MASTER)', async () => {
    const {clock, network, a, b} = await pair()
    a.runner.setBlock('on')
    const sentBefore = network.sent.length
    clock.advance(5_000)
    await flush()
    expect(network.sent.slice(sentBefore).some((s) => s.from === '198.18.0.1')).toBe(false)
    expect(a.runner.status()[0]).toMatchObject({state: 'MASTER', faults: []})
    expect(transitions(b).at(-1)).toBe('13024 BACKUP->MASTER (master_down timer expired)')
  })
})
