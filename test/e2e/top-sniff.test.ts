/**
 * The built `lbctl top --sniff` on a real wire: two real keepalived 2.2.7 in network namespaces, both
 * MASTER of VRID 51 because they never hear each other (a sends its adverts unicast to a peer that
 * does not exist, b multicasts, and a unicast instance drops multicast adverts): a split brain that
 * only the wire shows. Plus a VRID 99 nobody expects. `--once --json` must show both senders, the split
 * brain and the rogue VRID; the refusals (not root, unknown interface) must be one clear line.
 */
import {execFileSync, spawn, type ChildProcess} from 'node:child_process'
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {TopSnapshot} from '../../src/observe/snapshot.js'
import {cliPath, repoRoot, runCli} from '../helpers/cli.js'
import {createNetnsPair, type NetnsEnd, type NetnsPair} from '../helpers/netns.js'
import {requireBinary, requireRoot} from '../helpers/oracles.js'

const built = existsSync(join(repoRoot, 'dist/observe/vrrp-sniffer.js'))
const SUBNET = 78

/** The unicast peer of a: an address nobody holds, with a static neighbour entry so the adverts do leave. */
const GHOST = `198.18.${SUBNET}.9`

function conf(end: NetnsEnd, vip: string, rogue: boolean): string {
  const instance = (name: string, vrid: number, address: string, unicast = false) => `vrrp_instance ${name} {
  state BACKUP
  interface ${end.ifname}
  virtual_router_id ${vrid}
  priority 100
  advert_int 0.2${unicast ? `\n  unicast_peer {\n    ${GHOST}\n  }` : ''}
  virtual_ipaddress {
    ${address}/24
  }
}
`
  return `global_defs {
  router_id ${end.ns}
  vrrp_version 3
}
${instance('VI_1', 51, vip, rogue)}${rogue ? instance('VI_LAB', 99, `198.18.${SUBNET}.199`) : ''}`
}

describe.skipIf(!built || !(requireRoot() && requireBinary('tcpdump') && requireBinary('keepalived')))('lbctl top --sniff (real keepalived in namespaces)', () => {
  let pair: NetnsPair
  let dir: string
  const children: ChildProcess[] = []

  beforeAll(() => {
    pair = createNetnsPair('ts', SUBNET)
    dir = mkdtempSync(join(tmpdir(), 'lbctl-top-sniff-'))
    execFileSync('ip', ['-n', pair.a.ns, 'neigh', 'add', GHOST, 'lladdr', '02:00:c6:12:4e:09', 'dev', pair.a.ifname])
    for (const [end, vip, rogue] of [[pair.a, `198.18.${SUBNET}.100`, true], [pair.b, `198.18.${SUBNET}.101`, false]] as const) {
      const file = join(dir, `${end.ns}.conf`)
      writeFileSync(file, conf(end, vip, rogue))
      const pids = ['--pid', join(dir, `${end.ns}.pid`), '--vrrp_pid', join(dir, `${end.ns}.vrrp.pid`), '--checkers_pid', join(dir, `${end.ns}.chk.pid`)]
      children.push(spawn('ip', ['netns', 'exec', end.ns, 'keepalived', '--dont-fork', '--log-console', '--no-syslog', '--vrrp', '-f', file, ...pids], {detached: true, stdio: 'ignore'}))
    }
  })

  afterAll(() => {
    for (const child of children) {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
      } catch {
        // gone
      }
    }
    pair?.destroy()
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  it('--once --json: both senders of VRID 51 are MASTER on the wire (split brain), VRID 99 is rogue', async () => {
    // Both instances become MASTER within Master_Down_Interval (~0.7 s); listen long enough to hear both overlap.
    let snapshot: TopSnapshot | undefined
    for (let attempt = 0; attempt < 3; attempt++) {
      const result = await runCli(['top', '--sniff', pair.b.ifname, '--vrid', '51', '--once', '--json', '--sniff-for', '2s'], {prefix: ['ip', 'netns', 'exec', pair.b.ns]})
      expect(result.stderr).toBe('')
      expect(result.code).toBe(0)
      snapshot = JSON.parse(result.stdout) as TopSnapshot
      if (snapshot.vrrp.filter((v) => v.vrid === 51 && v.state === 'MASTER').length === 2) break
    }
    const unicastTo = new Map((snapshot!.events as {kind: string; src?: string; vrid?: number; unicast?: boolean}[]).filter((e) => e.kind === 'vrrp-advert' && e.unicast).map((e) => [`${e.src} ${e.vrid}`, true]))
    const rows = snapshot!.vrrp.map((v) => `${v.node} ${v.instance} ${v.vrid} ${v.state} ${v.version} ${v.advertIntMs} ${v.rogue} ${v.vips.join(' ')}${unicastTo.has(`${v.node} ${v.vrid}`) ? ' unicast' : ''}`)
    expect(rows).toEqual([
      `${pair.a.address} (wire) 51 MASTER 3 200 false 198.18.${SUBNET}.100 unicast`,
      `${pair.b.address} (wire) 51 MASTER 3 200 false 198.18.${SUBNET}.101`,
      `${pair.a.address} (wire) 99 MASTER 3 200 true 198.18.${SUBNET}.199`,
    ])
    for (const v of snapshot!.vrrp) {
      expect(v.source).toBe('wire')
      expect(v.adverts).toBeGreaterThanOrEqual(3)
      expect(v.lastAdvertMsAgo).toBeLessThan(1000)
      expect(v.mac).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/)
    }
    const events = snapshot!.events as {kind: string; text: string; vrid?: number}[]
    expect(events.filter((e) => e.kind === 'vrrp-split').map((e) => e.text)).toEqual([`two masters for VRID 51: ${pair.a.address} wire, ${pair.b.address} wire`])
    const texts = events.filter((e) => e.kind === 'vrrp-advert').map((e) => e.text)
    expect(texts).toContain(`${pair.a.address} > ${GHOST}: VRRPv3, Advertisement, vrid 51, prio 100, intvl 20cs, length 12`)
    expect(texts).toContain(`${pair.b.address} > 224.0.0.18: VRRPv3, Advertisement, vrid 51, prio 100, intvl 20cs, length 12`)
    expect(texts).toContain(`${pair.a.address} > 224.0.0.18: VRRPv3, Advertisement, vrid 99, prio 100, intvl 20cs, length 12`)
    expect(snapshot!.nodes).toEqual([])
  })

  it('human --once output lists senders and warns on stderr', async () => {
    const result = await runCli(['top', '--sniff', pair.b.ifname, '--vrid', '51', '--once', '--sniff-for', '1.5s'], {prefix: ['ip', 'netns', 'exec', pair.b.ns]})
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} ${pair.b.address.replace(/\./g, '\\.')} > 224\\.0\\.0\\.18: VRRPv3, Advertisement, vrid 51, prio 100, intvl 20cs, length 12$`, 'm'))
    expect(result.stdout).toContain(`vrrp ${pair.a.address} (wire) vrid 99 (rogue) MASTER priority 100`)
    expect(result.stderr).toContain(`lbctl: listening on ${pair.b.ifname} for 1.5s`)
    expect(result.stderr).toContain('lbctl: warning: rogue VRID on the wire: 99')
    expect(result.stderr).toContain('lbctl: warning: two masters for VRID 51')
  })

  it('without a terminal: one tcpdump-style line per new sender, and the split brain as an event line', async () => {
    const child = spawn('ip', ['netns', 'exec', pair.b.ns, process.execPath, cliPath, 'top', '--sniff', pair.b.ifname], {stdio: ['ignore', 'pipe', 'pipe']})
    let out = ''
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()))
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    try {
      const deadline = Date.now() + 8000
      while (!/two masters for VRID 51/.test(out)) {
        if (Date.now() > deadline) throw new Error(`no split brain line; got:\n${out}`)
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      const lines = out.trim().split('\n')
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} ${pair.b.address} > 224\\.0\\.0\\.18: VRRPv3, Advertisement, vrid 51, prio 100, intvl 20cs, length 12$`)))
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} ${pair.a.address},${pair.b.address} two masters for VRID 51: ${pair.a.address} wire, ${pair.b.address} wire$`)))
      // Adverts every 200 ms, yet only what is new is printed.
      expect(lines.filter((l) => l.includes(`${pair.b.address} > 224.0.0.18`))).toHaveLength(1)
    } finally {
      child.kill('SIGTERM')
    }
    expect(await exited).toBe(0)
  })

  it('the interactive screen in tmux (100×30): wire senders, both banners, tcpdump lines; q quits', async () => {
    if (!requireBinary('tmux')) return
    const server = `lbctl-sniff-${process.pid}`
    const tmux = (...args: string[]) => execFileSync('tmux', ['-L', server, ...args], {encoding: 'utf8'})
    const command = `NO_COLOR=1 ip netns exec ${pair.b.ns} ${process.execPath} ${cliPath} top --sniff ${pair.b.ifname} --vrid 51; echo EXIT=$?; sleep 600`
    tmux('new-session', '-d', '-s', 'sniff', '-x', '100', '-y', '30', command)
    const screen = () => tmux('capture-pane', '-p', '-t', 'sniff')
    const waitFor = async (re: RegExp) => {
      const deadline = Date.now() + 8000
      while (!re.test(screen())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${re}; screen:\n${screen()}`)
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      return screen()
    }
    try {
      const shown = await waitFor(/ROGUE VRID on the wire: 99[\s\S]*198\.18\.78\.2\s+\(wire\)\s+51\s+MASTER/)
      expect(shown).toContain(`SPLIT BRAIN: two masters for VRID 51: ${pair.a.address} wire, ${pair.b.address} wire`)
      expect(shown).toMatch(/198\.18\.78\.1\s+\(wire\)\s+99!\s+MASTER\s+100\s+\d\.\ds/)
      expect(shown).toMatch(/\d\d:\d\d:\d\d\.\d{3} 198\.18\.78\.2 > 224\.0\.0\.18: VRRPv3, Advertisement, vrid 51, prio 100, intvl 20cs, len/)
      expect(shown).not.toContain('NAME') // no stats socket: no stats table
      tmux('send-keys', '-t', 'sniff', 'q')
      await waitFor(/EXIT=0/)
    } finally {
      try {
        tmux('kill-server')
      } catch {
        // gone
      }
    }
  })

  it('lbctl dash --sniff in tmux (120×40): the VRRP table lists the wire senders and the split brain', async () => {
    if (!requireBinary('tmux')) return
    const server = `lbctl-dsniff-${process.pid}`
    const tmux = (...args: string[]) => execFileSync('tmux', ['-L', server, ...args], {encoding: 'utf8'})
    tmux('new-session', '-d', '-s', 'dash', '-x', '120', '-y', '40', `ip netns exec ${pair.b.ns} ${process.execPath} ${cliPath} dash --sniff ${pair.b.ifname} --vrid 51; echo EXIT=$?; sleep 600`)
    const screen = () => tmux('capture-pane', '-p', '-t', 'dash')
    const waitFor = async (re: RegExp) => {
      const deadline = Date.now() + 8000
      while (!re.test(screen())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${re}; screen:\n${screen()}`)
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      return screen()
    }
    try {
      const shown = await waitFor(/198\.18\.78\.1\s+\(wire\)\s+99!\s+MASTER/)
      expect(shown).toMatch(/198\.18\.78\.2\s+\(wire\)\s+51\s+MASTER/)
      expect(shown).toMatch(/VRRP roles ⚠ SPLIT BRAIN/)
      expect(shown).toMatch(/VRRPv3, Advertisement, vrid 51/)
      tmux('send-keys', '-t', 'dash', 'q')
      await waitFor(/EXIT=0/)
    } finally {
      try {
        tmux('kill-server')
      } catch {
        // gone
      }
    }
  })

  it('refuses an unknown interface (exit 2) and a user who cannot capture (exit 1), in one line each', async () => {
    const unknown = await runCli(['top', '--sniff', 'nosuch0', '--once'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/^lbctl: no interface nosuch0 on this host\n {2}next: pick one of: .*\blo\b/)
    const nobody = await runCli(['top', '--sniff', 'lo', '--once'], {prefix: ['runuser', '-u', 'nobody', '--']})
    expect(nobody.code).toBe(1)
    expect(nobody.stderr).toMatch(/^lbctl: capturing on lo needs root \(tcpdump: lo: You don't have permission/)
    expect(nobody.stderr).not.toMatch(/at .*\.js/)
  })
})
