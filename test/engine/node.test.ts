/** node.ts: binds on a VIP follow the held VIPs (fake VRRP runner and VIP source, real loopback sockets). */
import {EventEmitter} from 'node:events'
import {connect, createServer} from 'node:net'
import {afterEach, describe, expect, it} from 'vitest'
import {parseHaproxyFiles} from '../../src/config/haproxy/index.js'
import {LoadBalancerNode, readNonlocalBind, RunnerHeldVips, vipBindGate} from '../../src/engine/node.js'
import {planEngine} from '../../src/engine/proxy/plan.js'
import type {VrrpEvent} from '../../src/engine/vrrp/events.js'
import {fetchName, freePort, namedBackend, waitFor, type NamedBackend} from './proxy/helpers.js'

const VIP = '127.0.0.101'

class FakeVrrp extends EventEmitter<{event: [VrrpEvent]}> {
  started = 0
  stopped = 0
  constructor(private readonly onStop?: () => void) {
    super()
  }
  async start(): Promise<void> {
    this.started++
  }
  async stop(): Promise<void> {
    this.stopped++
    this.onStop?.()
  }
}

class FakeHeld extends EventEmitter<{change: [string[]]}> {
  current: string[] = []
  held(): string[] {
    return this.current
  }
  set(vips: string[]): void {
    this.current = vips
    this.emit('change', vips)
  }
}

function plan(vipPort: number, localPort: number, backendPort: number) {
  const cfg = `defaults
  mode tcp
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend fe
  bind ${VIP}:${vipPort}
  bind 127.0.0.1:${localPort}
  default_backend be
backend be
  server s1 127.0.0.1:${backendPort}
`
  const parse = parseHaproxyFiles([{path: 'node.cfg', text: cfg}])
  const planned = planEngine(parse.model)
  if (!planned.ok) throw new Error(planned.problems.join('; '))
  return planned.plan
}

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({host, port})
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function setup(options: {nonlocalBind?: boolean; held?: string[]} = {}) {
  const backend: NamedBackend = await namedBackend('s1')
  cleanups.push(() => backend.close())
  const [vipPort, localPort] = [await freePort(), await freePort()]
  const held = new FakeHeld()
  held.current = options.held ?? []
  const vrrp = new FakeVrrp(() => held.set([]))
  const lines: string[] = []
  const node = new LoadBalancerNode({
    plan: plan(vipPort, localPort, backend.port),
    vrrp,
    vips: new Set([VIP]),
    held,
    nonlocalBind: options.nonlocalBind ?? false,
    log: (line) => lines.push(line),
    retryMs: 50,
  })
  cleanups.push(() => node.stop(0))
  return {node, held, vrrp, vipPort, localPort, lines}
}

describe('vipBindGate', () => {
  const gate = vipBindGate(new Set(['127.0.0.100', '2001:db8::1']), () => new Set(['2001:db8::1']))
  it.each([
    [{kind: 'tcp', host: '127.0.0.100', port: 80}, false],
    [{kind: 'tcp', host: '2001:db8:0::1', port: 80}, true],
    [{kind: 'tcp', host: '127.0.0.1', port: 80}, true],
    [{kind: 'tcp', host: '0.0.0.0', port: 80}, true],
    [{kind: 'unix', path: '/tmp/admin.sock'}, true],
  ] as const)('%o -> %s', (address, open) => {
    expect(gate(address)).toBe(open)
  })
})

describe('RunnerHeldVips', () => {
  it('follows the runner vips events per instance', () => {
    const runner = new FakeVrrp()
    const held = new RunnerHeldVips(runner)
    const changes: string[][] = []
    held.on('change', (vips) => changes.push(vips))
    runner.emit('event', {type: 'vips', time: 0, instance: 'VI_1', action: 'add', vips: ['10.0.0.1']})
    runner.emit('event', {type: 'vips', time: 0, instance: 'VI_2', action: 'add', vips: ['10.0.0.2']})
    runner.emit('event', {type: 'vips', time: 0, instance: 'VI_1', action: 'remove', vips: ['10.0.0.1']})
    expect(changes).toEqual([['10.0.0.1'], ['10.0.0.1', '10.0.0.2'], ['10.0.0.2']])
  })
})

describe('readNonlocalBind', () => {
  it('reads the sysctl, false when unreadable', () => {
    expect(readNonlocalBind(() => '1\n')).toBe(true)
    expect(readNonlocalBind(() => '0\n')).toBe(false)
    expect(
      readNonlocalBind(() => {
        throw new Error('ENOENT')
      }),
    ).toBe(false)
  })
})

describe('LoadBalancerNode', () => {
  it('binds the VIP only while it holds it; other binds always', async () => {
    const {node, held, vrrp, vipPort, localPort, lines} = await setup()
    await node.start()
    expect(vrrp.started).toBe(1)
    expect(await fetchName(localPort)).toBe('s1')
    expect(await reachable(VIP, vipPort)).toBe(false)

    held.set([VIP])
    await waitFor(() => reachable(VIP, vipPort), 2000)
    expect(await fetchName(vipPort, undefined, VIP)).toBe('s1')
    expect(lines).toContain(`bind ${VIP}:${vipPort} opened: this node holds the VIP`)

    held.set([])
    await waitFor(async () => !(await reachable(VIP, vipPort)), 2000)
    expect(lines).toContain(`bind ${VIP}:${vipPort} closed: this node no longer holds the VIP`)
    expect(await fetchName(localPort)).toBe('s1')
  })

  it('binds at once when it starts as the holder, and closes on stop after VRRP hands over', async () => {
    const {node, vrrp, vipPort} = await setup({held: [VIP]})
    await node.start()
    expect(await reachable(VIP, vipPort)).toBe(true)
    await node.stop(0)
    expect(vrrp.stopped).toBe(1)
    expect(await reachable(VIP, vipPort)).toBe(false)
  })

  it('binds the VIP without holding it when nonlocal bind is on', async () => {
    const {node, vipPort} = await setup({nonlocalBind: true})
    await node.start()
    expect(await reachable(VIP, vipPort)).toBe(true)
  })

  it('retries a VIP bind that fails (the old master has not let go yet)', async () => {
    const {node, held, vipPort, lines} = await setup()
    const squatter = createServer((socket) => socket.end('old master\n'))
    await new Promise<void>((resolve) => squatter.listen(vipPort, VIP, () => resolve()))
    await node.start()
    held.set([VIP])
    await waitFor(() => lines.some((line) => line.includes('failed (EADDRINUSE): trying again')), 2000)
    await new Promise<void>((resolve) => squatter.close(() => resolve()))
    await waitFor(() => lines.includes(`bind ${VIP}:${vipPort} opened: this node holds the VIP`), 2000)
    expect(await fetchName(vipPort, undefined, VIP)).toBe('s1')
  })
})
