/**
 * `top --hosts` survives a dead ssh connection: a real sshd and a real haproxy 2.6 in a namespace, reached
 * through the system's OpenSSH (test/helpers/sshd.ts). The poller of `lbctl top` watches the node; the
 * test kills lbctl's ssh master (as a host reboot or a long network blip does) with the host's sshd
 * stopped, so the first reconnect attempt fails; with sshd back, the next attempt (2 s later) reconnects
 * and the node's stats flow again. Then the same through the built CLI's event log.
 */
import {execFileSync, spawn, type ChildProcess} from 'node:child_process'
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {openSsh} from '../../src/deploy/ssh.js'
import type {LbEvent} from '../../src/observe/events.js'
import {connectRemoteNodes, type RemoteTarget} from '../../src/observe/remote-nodes.js'
import {startPoller, type Poller} from '../../src/observe/source.js'
import {cliPath, repoRoot} from '../helpers/cli.js'
import {requireBinary, requireRoot} from '../helpers/oracles.js'
import {createSshLab, type SshLab} from '../helpers/sshd.js'

const SUBNET = 86
const built = existsSync(join(repoRoot, 'dist/observe/reconnecting-transport.js'))

/** The pid of the ControlMaster process that serves `localSocket` (its control path sits beside it). */
function masterPid(localSocket: string): number {
  const lines = execFileSync('pgrep', ['-af', `ControlPath=${dirname(localSocket)}/cm`], {encoding: 'utf8'}).trim().split('\n')
  const master = lines.find((l) => l.includes('ControlMaster=yes'))
  if (!master) throw new Error(`no ssh master for ${localSocket}: ${lines.join(' | ')}`)
  return Number(master.split(' ')[0])
}

/** Pids of the ssh masters opened with the lab's ssh config (by lbctl, in the CLI test). */
function sshMasters(lab: SshLab): number[] {
  try {
    const lines = execFileSync('pgrep', ['-af', `^ssh -F ${lab.configFile}`], {encoding: 'utf8'}).trim().split('\n')
    return lines.filter((l) => l.includes('ControlMaster=yes')).map((l) => Number(l.split(' ')[0]))
  } catch {
    return []
  }
}

async function until<T>(what: string, check: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe.skipIf(!(requireRoot() && requireBinary('sshd') && requireBinary('ssh') && requireBinary('haproxy')))('top --hosts reconnects a node whose ssh connection died (real sshd + haproxy)', () => {
  let lab: SshLab
  let dir: string
  let haproxy: ChildProcess | undefined
  let socket: string
  let connected: {targets: RemoteTarget[]; close: () => Promise<void>} | undefined
  let poller: Poller | undefined
  let child: ChildProcess | undefined

  beforeAll(async () => {
    lab = await createSshLab({tag: 'tr', subnet: SUBNET, hosts: ['lb1']})
    dir = mkdtempSync(join(tmpdir(), 'lbctl-top-reconnect-'))
    socket = join(dir, 'admin.sock')
    const host = lab.hosts[0]!
    writeFileSync(
      join(dir, 'haproxy.cfg'),
      `global
    stats socket ${socket} mode 600 level admin

defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s

frontend fe_lb1
    bind ${host.address}:80
    default_backend app

backend app
    server web1 127.0.0.1:8081
`,
    )
    haproxy = spawn('ip', ['netns', 'exec', host.ns, 'haproxy', '-db', '-f', join(dir, 'haproxy.cfg')], {stdio: 'ignore'})
    await until('the stats socket', () => (existsSync(socket) ? true : undefined), 10_000)
  })

  afterAll(async () => {
    child?.kill('SIGKILL')
    await poller?.stop()
    await connected?.close()
    haproxy?.kill('SIGKILL')
    lab?.destroy()
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  it('shows the node reconnecting with backoff, then its stats again once ssh is back', async () => {
    const host = lab.hosts[0]!
    connected = await connectRemoteNodes([{name: 'lb1', dest: host.dest, statsSocket: socket}], {ssh: lab.sshOptions, openSsh, timeoutMs: 1000})
    const target = connected.targets[0]!
    const firstSocket = target.localSocket!
    const events: LbEvent[] = []
    poller = startPoller({targets: [{node: 'lb1', client: target.client}], intervalMs: 200, onEvent: (e) => events.push(e)})
    const stats = () => events.filter((e) => e.kind === 'stats').length
    await until('the first stats', () => (stats() > 0 ? true : undefined), 5000)

    // The host "reboots": its sshd is down and lbctl's master connection is gone.
    await host.stopSshd()
    process.kill(masterPid(firstSocket), 'SIGKILL')
    const lost = await until('the node unreachable', () => events.find((e) => e.kind === 'node' && !e.reachable), 5000)
    expect(lost.text).toMatch(/^stats socket unreachable: ssh connection lost \(.*\); reconnecting \(attempt 1, next in 1s\)$/)
    // Attempt 1 (1 s later) meets no sshd: attempt 2 waits 2 s.
    const waiting = await until('attempt 1 to fail', () => {
      const link = target.link()
      return link.state === 'waiting' && link.attempt === 2 ? link : undefined
    }, 8000)
    expect(waiting.reason).toMatch(/^lb1: cannot connect/)

    await host.startSshd()
    const stalled = stats()
    const back = await until('the node reachable again', () => events.find((e) => e.kind === 'node' && e.reachable), 10_000)
    expect(back.text).toBe('stats socket reachable again')
    await until('stats after the reconnect', () => (stats() > stalled ? true : undefined), 5000)
    const link = target.link()
    expect(link.state).toBe('connected')
    expect(link.state === 'connected' && link.localSocket).not.toBe(firstSocket)
    const last = events.filter((e) => e.kind === 'stats').at(-1)
    expect(last?.kind === 'stats' && last.snapshot.rows.some((r) => r.proxy === 'fe_lb1')).toBe(true)
    await poller.stop()
    await connected.close()
    poller = undefined
    connected = undefined
  })

  it.skipIf(!built)('the built `lbctl top --hosts` logs the lost connection, the reconnect, and exits cleanly', async () => {
    const host = lab.hosts[0]!
    child = spawn(process.execPath, [cliPath, 'top', '--hosts', 'lb1', '--remote-socket', socket, '--ssh-config', lab.configFile, '--interval', '200ms'], {cwd: dir, stdio: ['ignore', 'pipe', 'pipe']})
    let out = ''
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()))
    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)))
    await until('the first summary line', () => (/ lb1 HAProxy 2\.6/.test(out) ? true : undefined), 10_000)

    await host.stopSshd()
    const masters = sshMasters(lab)
    expect(masters).toHaveLength(1)
    process.kill(masters[0]!, 'SIGKILL')
    await until('the lost line', () => (/ lb1 stats socket unreachable: ssh connection lost \(.*\); reconnecting \(attempt 1, next in 1s\)\n/.test(out) ? true : undefined), 5000)
    await host.startSshd()
    await until('the reconnected line', () => (/ lb1 stats socket reachable again\n/.test(out) ? true : undefined), 10_000)

    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    child = undefined
    // The new master was closed on the way out, like the first one.
    expect(sshMasters(lab)).toEqual([])
  })
})
