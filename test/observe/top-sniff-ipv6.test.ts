/**
 * The built `lbctl top --sniff` on an IPv6 segment: real keepalived 2.2.7 (VRRPv3, native_ipv6) in one network
 * namespace becomes MASTER of an IPv6 VIP while two `top --sniff --once` listen at the peer (its veth, and any). Its unsolicited
 * Neighbor Advertisements must show as announcements: every one in --json, the first in the human log.
 */
import {execFileSync, spawn, type ChildProcess} from 'node:child_process'
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {TopSnapshot} from '../../src/observe/snapshot.js'
import {repoRoot, runCli, type CliResult} from '../helpers/cli.js'
import {createNetnsPair, type NetnsPair} from '../helpers/netns.js'
import {requireBinary, requireRoot} from '../helpers/oracles.js'

const built = existsSync(join(repoRoot, 'dist/observe/wire/neighbor-advert.js'))
const SUBNET = 80
const VIP = 'fd12:c612:50::100'
const LINK_LOCAL = {a: 'fe80::c612:50:1', b: 'fe80::c612:50:2'}

const ip = (...args: string[]) => execFileSync('ip', args, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']})

/** Packet sockets open in a namespace (tcpdump holds one once it captures). */
const packetSockets = (ns: string) => ip('netns', 'exec', ns, 'cat', '/proc/net/packet').trim().split('\n').length - 1

describe.skipIf(!built || !(requireRoot() && requireBinary('tcpdump') && requireBinary('keepalived')))('lbctl top --sniff on IPv6 (real keepalived announcing its VIP with NAs)', () => {
  let pair: NetnsPair
  let dir: string
  let keepalived: ChildProcess | undefined
  let json: CliResult
  let human: CliResult
  let mac: string

  beforeAll(async () => {
    pair = createNetnsPair('t6', SUBNET)
    dir = mkdtempSync(join(tmpdir(), 'lbctl-sniff6-'))
    // Fixed link-local addresses without duplicate address detection: usable at once, and known to the assertions.
    for (const [end, address] of [[pair.a, LINK_LOCAL.a], [pair.b, LINK_LOCAL.b]] as const) {
      ip('-n', end.ns, 'addr', 'flush', 'dev', end.ifname, 'scope', 'link')
      ip('-n', end.ns, 'addr', 'add', `${address}/64`, 'dev', end.ifname, 'nodad')
    }
    mac = (JSON.parse(ip('-n', pair.a.ns, '-j', 'link', 'show', 'dev', pair.a.ifname)) as {address: string}[])[0]!.address
    const conf = join(dir, 'keepalived.conf')
    writeFileSync(
      conf,
      `global_defs {
  router_id sniff6
  vrrp_version 3
}
vrrp_instance VI_6 {
  state BACKUP
  interface ${pair.a.ifname}
  virtual_router_id 61
  priority 150
  advert_int 0.2
  native_ipv6
  virtual_ipaddress {
    ${VIP}/64
  }
}
`,
    )
    const sniff = (iface: string, extra: string[]) => runCli(['top', '--sniff', iface, '--vrid', '61', '--once', '--sniff-for', '3s', ...extra], {prefix: ['ip', 'netns', 'exec', pair.b.ns]})
    // One on the veth (Ethernet frames), one on `any` (Linux cooked v2: the filter's ip6[] offsets move).
    const runs = Promise.all([sniff(pair.b.ifname, ['--json']), sniff('any', [])])
    // keepalived starts once both captures run, so its transition to MASTER (and its NAs) comes after.
    const deadline = Date.now() + 10_000
    while (packetSockets(pair.b.ns) < 2) {
      if (Date.now() > deadline) throw new Error('the two tcpdumps did not start within 10 s')
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    const pids = ['--pid', join(dir, 'k.pid'), '--vrrp_pid', join(dir, 'v.pid'), '--checkers_pid', join(dir, 'c.pid')]
    keepalived = spawn('ip', ['netns', 'exec', pair.a.ns, 'keepalived', '--dont-fork', '--log-console', '--no-syslog', '--vrrp', '-f', conf, ...pids], {detached: true, stdio: 'ignore'})
    ;[json, human] = await runs
  })

  afterAll(() => {
    try {
      if (keepalived?.pid !== undefined) process.kill(-keepalived.pid, 'SIGKILL')
    } catch {
      // gone
    }
    pair?.destroy()
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  const naText = `${VIP} > ff02::1: ICMP6, neighbor advertisement, tgt is ${VIP}, length 32`

  it('--once --json: the NAs as announcements of the VIP by the MASTER’s MAC, next to its adverts', () => {
    expect(json.stderr).toBe('')
    expect(json.code).toBe(0)
    const snapshot = JSON.parse(json.stdout) as TopSnapshot
    const events = snapshot.events as {kind: string; op?: string; ip?: string; mac?: string; text: string; src?: string; vrid?: number}[]
    const nas = events.filter((e) => e.kind === 'garp')
    // keepalived sends vrrp_garp_master_repeat (5) NAs per VIP on becoming MASTER.
    expect(nas.length).toBeGreaterThanOrEqual(5)
    for (const na of nas) expect(na).toMatchObject({op: 'na', ip: VIP, mac, text: naText})
    const adverts = events.filter((e) => e.kind === 'vrrp-advert')
    expect(adverts[0]).toMatchObject({src: LINK_LOCAL.a, vrid: 61, text: `${LINK_LOCAL.a} > ff02::12: VRRPv3, Advertisement, vrid 61, prio 150, intvl 20cs, length 24`})
    expect(snapshot.vrrp.map((v) => `${v.node} ${v.instance} ${v.vrid} ${v.state} ${v.vips.join(' ')} ${v.mac}`)).toEqual([`${LINK_LOCAL.a} (wire) 61 MASTER ${VIP} ${mac}`])
  })

  it('human --once on any: one line for the claim, not one per repeat', () => {
    expect(human.code).toBe(0)
    const lines = human.stdout.split('\n').filter((l) => l.includes('neighbor advertisement'))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} ${naText.replace(/[.]/g, '\\.')}$`))
    expect(human.stderr).toContain('lbctl: listening on any for 3s')
  })
})
