/**
 * The built `lbctl top --hosts` against real hosts: real sshd and real haproxy 2.6 in network namespaces
 * (test/helpers/sshd.ts), reached through the system's OpenSSH with an lbctl.yaml inventory. Each node's
 * stats socket (a per-node override for lb2) is forwarded over ssh; nothing runs on the hosts but sshd and
 * haproxy. A node whose sshd does not answer stays in the snapshot as unreachable.
 */
import {execFileSync, spawn, type ChildProcess} from 'node:child_process'
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {TopSnapshot} from '../../src/observe/snapshot.js'
import {repoRoot, runCli} from '../helpers/cli.js'
import {requireBinary, requireRoot} from '../helpers/oracles.js'
import {createSshLab, type SshLab, type SshLabHost} from '../helpers/sshd.js'

const built = existsSync(join(repoRoot, 'dist/observe/remote-nodes.js'))
const SUBNET = 79

function haproxyConfig(host: SshLabHost, socket: string): string {
  return `global
    stats socket ${socket} mode 600 level admin

defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s

frontend fe_${host.name}
    bind ${host.address}:80
    default_backend app

backend app
    option httpchk GET /
    default-server inter 200ms fall 2 rise 1
    server web1 127.0.0.1:8081 check
    server web2 127.0.0.1:8082 check

listen web1
    bind 127.0.0.1:8081
    http-request return status 200 content-type text/plain string ${host.name}-web1

listen web2
    bind 127.0.0.1:8082
    http-request return status 503 content-type text/plain string down
`
}

/** ssh processes still running with the lab's config (the ControlMaster connections lbctl opened). */
function sshLeft(lab: SshLab): string[] {
  try {
    return execFileSync('pgrep', ['-af', `^ssh -F ${lab.configFile}`], {encoding: 'utf8'}).trim().split('\n').filter(Boolean)
  } catch {
    return []
  }
}

describe.skipIf(!built || !(requireRoot() && requireBinary('sshd') && requireBinary('ssh') && requireBinary('haproxy')))('lbctl top --hosts (real sshd + haproxy in namespaces)', () => {
  let lab: SshLab
  let dir: string
  const haproxies: ChildProcess[] = []
  const sockets: Record<string, string> = {}

  beforeAll(async () => {
    lab = await createSshLab({tag: 'th', subnet: SUBNET, hosts: ['lb1', 'lb2']})
    lab.addAlias('ghost', `198.18.${SUBNET}.99`)
    dir = mkdtempSync(join(tmpdir(), 'lbctl-top-hosts-'))
    for (const host of lab.hosts) {
      sockets[host.name] = join(dir, `${host.name}-admin.sock`)
      const cfg = join(dir, `${host.name}.cfg`)
      writeFileSync(cfg, haproxyConfig(host, sockets[host.name]!))
      haproxies.push(spawn('ip', ['netns', 'exec', host.ns, 'haproxy', '-db', '-f', cfg], {stdio: 'ignore'}))
    }
    // lb1 uses the inventory's socket path, lb2 its own override; ghost has no sshd at all.
    writeFileSync(
      join(dir, 'lbctl.yaml'),
      `version: 1
vips:
  - address: 198.18.${SUBNET}.100
    prefix: 24
    interface: eth0
    vrid: 51
haproxy:
  config: haproxy.cfg
  remotePath: /etc/haproxy/haproxy.cfg
  reload: systemctl reload haproxy
  statsSocket: ${sockets.lb1}
keepalived:
  remotePath: /etc/keepalived/keepalived.conf
  reload: systemctl reload keepalived
nodes:
  - name: lb1
    ssh: lb1
    role: MASTER
    priority: 150
    interface: eth0
    keepalivedConfig: lb1.conf
  - name: lb2
    ssh: lb2
    role: BACKUP
    priority: 100
    interface: eth0
    keepalivedConfig: lb2.conf
    haproxy:
      statsSocket: ${sockets.lb2}
  - name: ghost
    ssh: ghost
    role: BACKUP
    priority: 90
    interface: eth0
    keepalivedConfig: ghost.conf
`,
    )
    // haproxy opens its socket within a second; wait for both files.
    const deadline = Date.now() + 10_000
    while (!Object.values(sockets).every((s) => existsSync(s))) {
      if (Date.now() > deadline) throw new Error('haproxy did not open its stats sockets')
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  })

  afterAll(() => {
    for (const child of haproxies) child.kill('SIGKILL')
    lab?.destroy()
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  it('--once --json shows every node of lbctl.yaml through ssh, and ghost as unreachable (exit 1)', async () => {
    const result = await runCli(['top', '--inventory', join(dir, 'lbctl.yaml'), '--ssh-config', lab.configFile, '--once', '--json'])
    const snapshot = JSON.parse(result.stdout) as TopSnapshot
    expect(snapshot.nodes.map((n) => [n.name, n.reachable])).toEqual([['lb1', true], ['lb2', true], ['ghost', false]])
    expect(snapshot.nodes[0]?.version).toMatch(/^2\.6\./)
    expect(snapshot.nodes[1]?.socket).toBe(`lb2:${sockets.lb2}`)
    expect(snapshot.nodes[2]?.error).toMatch(/^ghost: /)
    const servers = snapshot.servers.filter((s) => s.type === 'server' && s.proxy === 'app')
    expect(servers.map((s) => `${s.node} ${s.name}`)).toEqual(['lb1 web1', 'lb1 web2', 'lb2 web1', 'lb2 web2'])
    // Each node's own frontend proves the answer came from its own haproxy.
    expect(snapshot.servers.filter((s) => s.type === 'frontend' && s.proxy.startsWith('fe_')).map((s) => `${s.node} ${s.proxy}`)).toEqual(['lb1 fe_lb1', 'lb2 fe_lb2'])
    expect(result.code).toBe(1)
    // lbctl closed its ssh master connections on the way out.
    expect(sshLeft(lab)).toEqual([])
  })

  it('--hosts picks nodes; without an inventory, ssh destinations with --remote-socket', async () => {
    const picked = await runCli(['top', '--inventory', join(dir, 'lbctl.yaml'), '--hosts', 'lb2', '--ssh-config', lab.configFile, '--once', '--json'])
    expect(picked.code).toBe(0)
    const one = JSON.parse(picked.stdout) as TopSnapshot
    expect(one.nodes.map((n) => n.name)).toEqual(['lb2'])
    // web2 answers 503 to its check: DOWN with HAProxy's own check text.
    await expect.poll(async () => {
      const again = JSON.parse((await runCli(['top', '--hosts', 'lb1', '--remote-socket', sockets.lb1!, '--ssh-config', lab.configFile, '--once', '--json'], {cwd: dir + '/..'})).stdout) as TopSnapshot
      return again.servers.filter((s) => s.type === 'server').map((s) => `${s.node} ${s.name} ${s.state} ${s.check.replace(/ in \d+ms/, '')}`)
    }, {timeout: 5000}).toEqual(['lb1 web1 UP L7OK/200', 'lb1 web2 DOWN L7STS/503'])
  })

  it('names a node missing from lbctl.yaml in one line (exit 2)', async () => {
    const result = await runCli(['top', '--inventory', join(dir, 'lbctl.yaml'), '--hosts', 'lb9', '--once'])
    expect(result.code).toBe(2)
    expect(result.stderr).toBe(`lbctl: lb9 is not a node of ${join(dir, 'lbctl.yaml')} (nodes: lb1, lb2, ghost)\n  next: name nodes by their name or ssh destination in lbctl.yaml\n`)
  })
})
