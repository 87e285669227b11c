/**
 * Load-balancer hosts for the deploy e2e tests: the sshd lab's namespaces, each also running a real haproxy
 * (daemon, reloaded with -sf as on a host without systemd) and a real keepalived (reloaded with HUP), files
 * under the lab dir per host, and an lbctl.yaml whose per-node settings point there.
 */
import {execFileSync} from 'node:child_process'
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {RuntimeApiClient} from '../../src/observe/runtime-api.js'
import {createSshLab, type SshLab} from '../helpers/sshd.js'

export interface LbHost {
  name: string
  dir: string
  haproxyCfg: string
  keepalivedConf: string
  socket: string
  haproxyPidFile: string
  keepalivedPidFile: string
  env: string
}

export interface LbLab {
  ssh: SshLab
  hosts: LbHost[]
  vip: string
  subnet: number
  /** Local workspace: lbctl.yaml, haproxy.cfg, keepalived-<node>.conf. */
  work: string
  inventory: string
  writeLocal(haproxy: string, keepalived?: (host: LbHost, i: number) => string): void
  /** `show stat` proxy names and `show info` pid, asked on the host's socket directly (same file system). */
  stats(host: LbHost): Promise<{pid: number; proxies: string[]}>
  /** Addresses on the host's eth0. */
  addresses(host: LbHost): string[]
  destroy(): void
}

export const haproxyConfig = (extra = '') => `global
    stats socket "\${LBCTL_RUN_DIR-/run/haproxy}/admin.sock" mode 600 level admin
    stats timeout 30s

defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s

frontend fe
    bind *:8080
    default_backend be_app

backend be_app
    server app1 127.0.0.1:9001
${extra}`

export const keepalivedConfig = (vip: string, state: string, priority: number, extraVips: string[] = []) => `global_defs {
    router_id lbctl_test
}

vrrp_instance VI_1 {
    state ${state}
    interface eth0
    virtual_router_id 71
    priority ${priority}
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass s3cr3tpw
    }
    virtual_ipaddress {
${[vip, ...extraVips].map((a) => `        ${a}/24 dev eth0`).join('\n')}
    }
}
`

export async function createLbLab(tag: string, subnet: number): Promise<LbLab> {
  const ssh = await createSshLab({tag, subnet, hosts: ['lb1', 'lb2']})
  const vip = `198.18.${subnet}.100`
  const work = join(ssh.dir, 'work')
  mkdirSync(work)
  const hosts: LbHost[] = ssh.hosts.map((h) => {
    const dir = join(ssh.dir, `${h.name}-root`)
    mkdirSync(dir)
    return {
      name: h.name,
      dir,
      haproxyCfg: join(dir, 'haproxy.cfg'),
      keepalivedConf: join(dir, 'keepalived.conf'),
      socket: join(dir, 'admin.sock'),
      haproxyPidFile: join(dir, 'haproxy.pid'),
      keepalivedPidFile: join(dir, 'keepalived.pid'),
      env: `LBCTL_RUN_DIR=${dir}`,
    }
  })
  const inventory = join(work, 'lbctl.yaml')
  const node = (h: LbHost, i: number) => `  - name: ${h.name}
    ssh: ${h.name}
    role: ${i === 0 ? 'MASTER' : 'BACKUP'}
    priority: ${i === 0 ? 110 : 100}
    interface: eth0
    keepalivedConfig: keepalived-${h.name}.conf
    haproxy:
      remotePath: ${h.haproxyCfg}
      check: ${h.env} haproxy -c -f {file}
      reload: ${h.env} haproxy -D -p ${h.haproxyPidFile} -f ${h.haproxyCfg} -sf $(cat ${h.haproxyPidFile})
      statsSocket: ${h.socket}
    keepalived:
      remotePath: ${h.keepalivedConf}
      reload: kill -HUP $(cat ${h.keepalivedPidFile})
      pidFile: ${h.keepalivedPidFile}
    sysctlFile: ${join(h.dir, '90-lbctl.conf')}
`
  writeFileSync(
    inventory,
    `version: 1
vips:
  - address: ${vip}
    prefix: 24
    interface: eth0
    vrid: 71
haproxy:
  config: haproxy.cfg
  remotePath: /etc/haproxy/haproxy.cfg
  reload: systemctl reload haproxy
  statsSocket: /run/haproxy/admin.sock
keepalived:
  remotePath: /etc/keepalived/keepalived.conf
  reload: systemctl reload keepalived
nodes:
${hosts.map(node).join('')}sysctl:
  net.ipv4.ip_nonlocal_bind: "1"
`,
  )
  const lab: LbLab = {
    ssh,
    hosts,
    vip,
    subnet,
    work,
    inventory,
    writeLocal: (haproxy, keepalived = (h, i) => keepalivedConfig(vip, i === 0 ? 'MASTER' : 'BACKUP', i === 0 ? 110 : 100)) => {
      writeFileSync(join(work, 'haproxy.cfg'), haproxy)
      hosts.forEach((h, i) => writeFileSync(join(work, `keepalived-${h.name}.conf`), keepalived(h, i)))
    },
    stats: async (host) => {
      const client = RuntimeApiClient.connect(host.socket, {timeoutMs: 2000})
      const info = await client.showInfo()
      const rows = await client.showStat()
      return {pid: info.pid ?? 0, proxies: [...new Set(rows.map((r) => r.proxy))]}
    },
    addresses: (host) => {
      const out = ssh.hosts.find((h) => h.name === host.name)!.run('ip -o -4 addr show dev eth0')
      return [...out.matchAll(/inet ([\d.]+)\//g)].map((m) => m[1]!)
    },
    destroy: () => ssh.destroy(),
  }
  // What the hosts run before any deploy: haproxy on *:8080, keepalived with the VIP (lb1 MASTER).
  hosts.forEach((h, i) => {
    writeFileSync(h.haproxyCfg, haproxyConfig())
    writeFileSync(h.keepalivedConf, keepalivedConfig(vip, i === 0 ? 'MASTER' : 'BACKUP', i === 0 ? 110 : 100))
    const run = ssh.hosts[i]!.run
    run(`${h.env} haproxy -D -p ${h.haproxyPidFile} -f ${h.haproxyCfg}`)
    run(`keepalived --vrrp -f ${h.keepalivedConf} -p ${h.keepalivedPidFile} -r ${join(h.dir, 'vrrp.pid')} -c ${join(h.dir, 'checkers.pid')}`)
  })
  return lab
}

/** Polls (at most `ms`) until `check` is true. */
export async function until(check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms
  for (;;) {
    if (await check()) return
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

export function fileText(path: string): string {
  return readFileSync(path, 'utf8')
}

export function sha(path: string): string {
  return execFileSync('sha256sum', [path]).toString().split(' ')[0]!
}
