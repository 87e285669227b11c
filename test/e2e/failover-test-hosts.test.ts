/**
 * `lbctl failover-test --hosts lb1,lb2` end to end, as root: the hosts are the sshd lab's namespaces
 * (real sshd, reached with real OpenSSH), each running a real haproxy and keepalived (VRRPv3, 100 ms
 * adverts, a track script on haproxy's listener with weight -20) started here; lbctl runs inside the lab's
 * LAN namespace, so its traffic reaches the VIP the way a client's would, and every fault, poll and
 * recovery goes through ssh. Figures land on the same theory as --lab.
 */
import {execFileSync, spawn, type ChildProcess} from 'node:child_process'
import {existsSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {FailoverTestResult, RunReport} from '../../src/failover/report.js'
import {cliPath, runCli} from '../helpers/cli.js'
import {requireBinary, requireRoot} from '../helpers/oracles.js'
import {createSshLab, type SshLab} from '../helpers/sshd.js'

const cli = process.env.LBCTL_E2E_CLI ?? cliPath
const SUBNET = 85
const VIP = `198.18.${SUBNET}.100`
const backendScript = fileURLToPath(new URL('../../src/lab/backend-server.ts', import.meta.url))
const measured: string[] = []

// The track script asks whether anything listens on :80 in the node's namespace (a killed haproxy that nobody
// reaped is a zombie, which kill -0 would still find; it holds no socket).
const keepalivedConf = (name: string, state: string, priority: number) => `global_defs {
    router_id ${name}
    vrrp_version 3
    enable_script_security
    script_user root
}
vrrp_script chk_haproxy {
    script "/bin/sh -c 'ss -Htln sport = :80 | grep -q .'"
    interval 1
    fall 1
    rise 1
    weight -20
}
vrrp_instance VI_1 {
    state ${state}
    interface eth0
    virtual_router_id 85
    priority ${priority}
    advert_int 0.1
    virtual_ipaddress {
        ${VIP}/24 dev eth0
    }
    track_script {
        chk_haproxy
    }
}
`

const haproxyCfg = (name: string) => `global
    maxconn 1000
defaults
    mode http
    timeout connect 2s
    timeout client 10s
    timeout server 10s
frontend fe
    bind ${VIP}:80
    http-response set-header X-Lb-Node ${name}
    default_backend be
backend be
    server app1 198.18.${SUBNET}.1:8080
`

describe.skipIf(!(existsSync(cli) && requireRoot() && requireBinary('haproxy') && requireBinary('keepalived') && requireBinary('sshd')))('lbctl failover-test --hosts (real sshd, haproxy, keepalived)', () => {
  let lab: SshLab
  let backend: ChildProcess | undefined
  let inventory: string
  let commandsFile: string

  const hostDir = (name: string) => join(lab.dir, `${name}-root`)
  const startKeepalived = (name: string) => `keepalived -f ${hostDir(name)}/keepalived.conf --pid ${hostDir(name)}/keepalived.pid --vrrp_pid ${hostDir(name)}/vrrp.pid --checkers_pid ${hostDir(name)}/checkers.pid --vrrp`
  const startHaproxy = (name: string) => `haproxy -D -f ${hostDir(name)}/haproxy.cfg -p ${hostDir(name)}/haproxy.pid`

  beforeAll(async () => {
    lab = await createSshLab({tag: 'fh', subnet: SUBNET, hosts: ['lb1', 'lb2']})
    backend = spawn('ip', ['netns', 'exec', lab.lanNs, process.execPath, '--import', 'tsx', backendScript, 'app1', '8080'], {stdio: 'ignore'})
    for (const [i, host] of lab.hosts.entries()) {
      execFileSync('mkdir', ['-p', hostDir(host.name)])
      writeFileSync(join(hostDir(host.name), 'keepalived.conf'), keepalivedConf(host.name, i === 0 ? 'MASTER' : 'BACKUP', i === 0 ? 110 : 100))
      writeFileSync(join(hostDir(host.name), 'haproxy.cfg'), haproxyCfg(host.name))
      host.run('sysctl -q -w net.ipv4.ip_nonlocal_bind=1')
      host.run(startHaproxy(host.name))
      host.run(startKeepalived(host.name))
    }
    inventory = join(lab.dir, 'lbctl.yaml')
    const node = (name: string, i: number) => `  - name: ${name}
    ssh: ${name}
    role: ${i === 0 ? 'MASTER' : 'BACKUP'}
    priority: ${i === 0 ? 110 : 100}
    interface: eth0
    keepalivedConfig: ${name}-root/keepalived.conf
    keepalived:
      pidFile: ${hostDir(name)}/keepalived.pid
`
    writeFileSync(
      inventory,
      `version: 1
vips:
  - address: ${VIP}
    prefix: 24
    interface: eth0
    vrid: 85
haproxy:
  config: haproxy.cfg
  remotePath: /etc/haproxy/haproxy.cfg
  reload: systemctl reload haproxy
  statsSocket: /run/haproxy/admin.sock
keepalived:
  remotePath: /etc/keepalived/keepalived.conf
  reload: systemctl reload keepalived
nodes:
${lab.hosts.map((h, i) => node(h.name, i)).join('')}sysctl:
  net.ipv4.ip_nonlocal_bind: "1"
`,
    )
    commandsFile = join(lab.dir, 'host-commands.json')
    const dir = join(lab.dir, '{node}-root')
    writeFileSync(
      commandsFile,
      JSON.stringify({
        // This container's pid 1 never reaps orphans: a killed daemon stays a zombie, which keepalived's
        // "already running" check (kill -0 on its pid file) takes for alive. A host's init reaps them.
        startKeepalived: `rm -f {pidFile} ${dir}/vrrp.pid ${dir}/checkers.pid; keepalived -f ${dir}/keepalived.conf --pid {pidFile} --vrrp_pid ${dir}/vrrp.pid --checkers_pid ${dir}/checkers.pid --vrrp`,
        startHaproxy: `haproxy -D -f ${dir}/haproxy.cfg -p ${dir}/haproxy.pid`,
      }),
    )
  }, 60_000)

  afterAll(() => {
    backend?.kill('SIGKILL')
    lab?.destroy()
    if (measured.length > 0) console.log(`hosts failover figures:\n  ${measured.join('\n  ')}`)
  })

  async function hostsTest(fault: string, extra: string[] = []): Promise<RunReport> {
    const args = ['failover-test', '--hosts', 'lb1,lb2', '--inventory', inventory, '--ssh-config', lab.configFile, '--host-commands', commandsFile, '--fault', fault, '--json', '--rate', '100', '--duration-before', '1s', ...extra]
    const result = await runCli(args, {prefix: ['ip', 'netns', 'exec', lab.lanNs]})
    expect(result.code, result.stderr + result.stdout).toBe(0)
    const report = JSON.parse(result.stdout) as FailoverTestResult
    expect(report).toMatchObject({type: 'failover-test', target: 'hosts', source: 'inventory', fault, pass: true})
    const run = report.runs[0]!
    expect(run.fault.node).toBe('lb1')
    expect(run.newMaster?.node).toBe('lb2')
    expect(run.failoverBasis).toBe('via-new-master')
    measured.push(
      `${fault}: failover ${run.failoverMs} ms (theory ${run.expectedAfterFaultMs} ms, ${run.theory.formula}), gap ${run.gapMs} ms, ${run.requests.failed}/${run.requests.total} failed` +
        (run.recovery ? `; failback: lb1 MASTER again ${run.recovery.masterAgainAfterMs} ms after the recovery, gap ${run.recovery.failbackGapMs} ms` : ''),
    )
    return run
  }

  it('kill over ssh: lb2 takes over after 3 x advert + skew; lb1’s keepalived is started again and preempts', async () => {
    const run = await hostsTest('kill')
    expect(run.theory).toMatchObject({expectedMs: 360, version: 3, advertIntMs: 100, priority: 100})
    expect(run.fault.action).toMatch(/^kill -9 of keepalived on lb1 \(pids \d+ \d+\)$/)
    // No wire capture on remote hosts: the theory is counted from the fault, so up to one advert early.
    expect(run.failoverMs!).toBeGreaterThan(360 - 100 - 50)
    expect(run.failoverMs!).toBeLessThan(360 + 500)
    expect(run.recovery!.action).toContain('keepalived started on lb1')
    expect(run.recovery!.masterAgainAfterMs).not.toBeNull()
    expect(lab.hosts[0]!.run(`cat ${hostDir('lb1')}/keepalived.pid`).trim()).toBe(String(run.recovery!.pid))
  }, 60_000)

  it('stop over ssh: the priority-0 advert, lb2 takes over after its skew', async () => {
    const run = await hostsTest('stop')
    expect(run.theory.expectedMs).toBe(60)
    expect(run.failoverMs!).toBeLessThan(60 + 500)
  }, 60_000)

  it('proxy over ssh: haproxy killed, the track script moves the VIP', async () => {
    const run = await hostsTest('proxy', ['--no-recover'])
    expect(run.theory.expectedMs).toBe(1360)
    expect(run.failoverMs!).toBeGreaterThan(300)
    expect(run.failoverMs!).toBeLessThan(1360 + 500)
    expect(run.recovery).toBeNull()
  }, 60_000)
})
