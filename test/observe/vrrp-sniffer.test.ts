/**
 * The VRRP sniffer on a real wire: two network namespaces on a veth pair, real keepalived 2.2.7 in one
 * (a VRRPv2 multicast instance with PASS auth, and a unicast instance with a VRID nobody else knows)
 * and lbctl's own VRRP engine (VRRPv3, 100 ms adverts) in the other; the sniffer captures in the second.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {isUserError} from '../../src/errors.js'
import type {GarpEvent, VrrpAdvertEvent} from '../../src/observe/events.js'
import {startVrrpSniffer, type SniffedEvent, type VrrpSniffer} from '../../src/observe/vrrp-sniffer.js'
import {createNetnsPair, type NetnsPair} from '../helpers/netns.js'
import {requireBinary, requireRoot} from '../helpers/oracles.js'

const runCli = fileURLToPath(new URL('../engine/vrrp/run-cli.ts', import.meta.url))
const SUBNET = 77

async function until<T>(what: string, timeoutMs: number, find: () => T | undefined, dump: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const found = find()
    if (found !== undefined) return found
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms\n${dump()}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe.skipIf(!(requireRoot() && requireBinary('tcpdump') && requireBinary('keepalived')))('VRRP sniffer on a real wire', () => {
  let pair: NetnsPair
  let dir: string
  let sniffer: VrrpSniffer | undefined
  const children: ChildProcess[] = []
  const output: string[] = []
  const events: SniffedEvent[] = []

  const start = (ns: string, args: string[]) => {
    const child = spawn('ip', ['netns', 'exec', ns, ...args], {detached: true, stdio: ['ignore', 'pipe', 'pipe']})
    child.stdout?.on('data', (d: Buffer) => output.push(d.toString()))
    child.stderr?.on('data', (d: Buffer) => output.push(d.toString()))
    children.push(child)
  }

  beforeAll(async () => {
    pair = createNetnsPair('sn', SUBNET)
    dir = mkdtempSync(join(tmpdir(), 'lbctl-sniff-'))
    sniffer = await startVrrpSniffer({iface: pair.b.ifname, netns: pair.b.ns, node: 'wire', onEvent: (e) => events.push(e)})
    writeFileSync(
      join(dir, 'keepalived.conf'),
      `global_defs {
  router_id sniff_a
}
vrrp_instance VI_1 {
  state MASTER
  interface ${pair.a.ifname}
  virtual_router_id 51
  priority 110
  advert_int 1
  authentication {
    auth_type PASS
    auth_pass secret12
  }
  virtual_ipaddress {
    198.18.${SUBNET}.100/24
  }
}
vrrp_instance VI_ROGUE {
  state MASTER
  interface ${pair.a.ifname}
  virtual_router_id 99
  priority 120
  advert_int 1
  unicast_peer {
    ${pair.b.address}
  }
  virtual_ipaddress {
    198.18.${SUBNET}.199/24
  }
}
`,
    )
    writeFileSync(
      join(dir, 'lbctl.conf'),
      `global_defs {
  vrrp_version 3
}
vrrp_instance VI_2 {
  state MASTER
  interface ${pair.b.ifname}
  virtual_router_id 52
  priority 150
  advert_int 0.1
  virtual_ipaddress {
    198.18.${SUBNET}.110/24
  }
}
`,
    )
    const pids = ['--pid', join(dir, 'k.pid'), '--vrrp_pid', join(dir, 'v.pid'), '--checkers_pid', join(dir, 'c.pid')]
    start(pair.a.ns, ['keepalived', '--dont-fork', '--log-console', '--no-syslog', '--vrrp', '-f', join(dir, 'keepalived.conf'), ...pids])
    start(pair.b.ns, [process.execPath, '--import', 'tsx', runCli, '-f', join(dir, 'lbctl.conf')])
  })

  afterAll(async () => {
    await sniffer?.stop()
    for (const child of children) {
      if (child.pid !== undefined && child.exitCode === null) {
        try {
          process.kill(-child.pid, 'SIGKILL')
        } catch {
          // gone
        }
      }
    }
    pair?.destroy()
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  const adverts = () => events.filter((e): e is VrrpAdvertEvent => e.kind === 'vrrp-advert')
  const garps = () => events.filter((e): e is GarpEvent => e.kind === 'garp')
  const dump = () => `${events.map((e) => e.text).join('\n')}\n--- daemons\n${output.join('')}`

  it('decodes real keepalived adverts: VRRPv2 multicast with PASS auth, and a unicast VRID', async () => {
    const keepalived = await until('keepalived VRID 51 advert', 10_000, () => adverts().find((a) => a.vrid === 51), dump)
    expect(keepalived).toMatchObject({
      node: 'wire',
      src: pair.a.address,
      dst: '224.0.0.18',
      version: 2,
      priority: 110,
      authType: 'simple',
      intervalMs: 1000,
      addresses: [`198.18.${SUBNET}.100`],
      ttl: 255,
      unicast: false,
      problems: [],
    })
    expect(keepalived.text).toBe(`${pair.a.address} > 224.0.0.18: VRRPv2, Advertisement, vrid 51, prio 110, authtype simple, intvl 1s, length 20`)
    expect(Math.abs(keepalived.at - Date.now())).toBeLessThan(15_000)
    const rogue = await until('keepalived unicast VRID 99 advert', 10_000, () => adverts().find((a) => a.vrid === 99), dump)
    expect(rogue).toMatchObject({src: pair.a.address, dst: pair.b.address, unicast: true, priority: 120, problems: []})
  })

  it("decodes lbctl's own VRRPv3 adverts (100 ms) and the gratuitous ARPs of both masters", async () => {
    const lbctl = await until('lbctl VRID 52 advert', 15_000, () => adverts().find((a) => a.vrid === 52), dump)
    expect(lbctl).toMatchObject({src: pair.b.address, dst: '224.0.0.18', version: 3, priority: 150, intervalMs: 100, authType: 'none', ttl: 255, problems: []})
    expect(lbctl.text).toBe(`${pair.b.address} > 224.0.0.18: VRRPv3, Advertisement, vrid 52, prio 150, intvl 10cs, length 12`)
    // Adverts arrive every 100 ms with capture timestamps: at least 5 more within a second.
    const seen = adverts().filter((a) => a.vrid === 52).length
    await until('5 more VRID 52 adverts', 3000, () => (adverts().filter((a) => a.vrid === 52).length >= seen + 5 ? true : undefined), dump)
    const times = adverts()
      .filter((a) => a.vrid === 52)
      .map((a) => a.at)
    // Capture timestamps, not arrival times: the median gap is the advert interval even on a loaded machine.
    const gaps = times
      .slice(1)
      .map((t, i) => t - times[i]!)
      .sort((x, y) => x - y)
    const median = gaps[Math.floor(gaps.length / 2)]!
    expect(median).toBeGreaterThan(70)
    expect(median).toBeLessThan(150)

    const vipA = await until('GARP for the keepalived VIP', 10_000, () => garps().find((g) => g.ip === `198.18.${SUBNET}.100`), dump)
    const vipB = await until('GARP for the lbctl VIP', 10_000, () => garps().find((g) => g.ip === `198.18.${SUBNET}.110`), dump)
    expect(vipA.mac).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/)
    expect(vipB.mac).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/)
    expect(vipA.mac).not.toBe(vipB.mac)
    expect(adverts().find((a) => a.src === pair.a.address)?.sourceMac).toBe(vipA.mac)
    expect(sniffer?.counts.adverts).toBe(adverts().length)
  })

  it('stops tcpdump cleanly: no event after stop', async () => {
    await sniffer?.stop()
    const count = events.length
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(events.length).toBe(count)
    sniffer = undefined
  })

  it('refuses an unknown interface with a UserError naming the interfaces', async () => {
    const error = await startVrrpSniffer({iface: 'nosuch0', onEvent: () => undefined}).catch((e: unknown) => e)
    expect(isUserError(error)).toBe(true)
    expect((error as Error).message).toBe('no interface nosuch0 on this host')
    const inNs = await startVrrpSniffer({iface: 'nosuch0', netns: pair.a.ns, onEvent: () => undefined}).catch((e: unknown) => e)
    expect(isUserError(inNs)).toBe(true)
    expect((inNs as Error).message).toMatch(new RegExp(`^no interface nosuch0 in namespace ${pair.a.ns} \\(tcpdump: nosuch0: No such device exists\\)`))
  })

  it('refuses a missing tcpdump', async () => {
    const error = await startVrrpSniffer({iface: 'lo', tcpdump: '/nonexistent/tcpdump', onEvent: () => undefined}).catch((e: unknown) => e)
    expect(isUserError(error)).toBe(true)
    expect((error as Error).message).toMatch(/is not installed/)
  })
})
