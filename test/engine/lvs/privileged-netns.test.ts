/**
 * As root, in network namespaces: `lbctl run -f keepalived.conf` adds the VIP to a veth with
 * `ip addr` (privileged VRRP), and the virtual_server on that VIP starts listening when the VIP
 * arrives; a client in the other namespace reaches the real server there through it (NAT-style).
 */
import {type ChildProcess, execFile, spawn} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {cliPath} from '../../helpers/cli.js'
import {createNetnsPair, type NetnsPair} from '../../helpers/netns.js'
import {requireRoot} from '../../helpers/oracles.js'

const nodeIn = (ns: string, script: string) => ['netns', 'exec', ns, process.execPath, '-e', script]

/** One connection from inside a namespace: what came back. */
function askFrom(ns: string, host: string, port: number): Promise<string> {
  const script = `const s=require('net').connect({host:'${host}',port:${port}});let d='';s.setEncoding('utf8');s.on('data',c=>d+=c);s.on('close',()=>process.stdout.write(d));s.on('error',()=>{});setTimeout(()=>s.destroy(),3000)`
  return new Promise((resolve) => execFile('ip', nodeIn(ns, script), (_error, stdout) => resolve(stdout)))
}

describe.skipIf(!requireRoot())('lbctl run as root: a virtual_server on a VIP follows the VIP (netns)', () => {
  let pair: NetnsPair | undefined
  let node: ChildProcess | undefined
  let real: ChildProcess | undefined
  let dir = ''
  let log = ''

  const waitFor = async (text: string, ms = 10_000) => {
    const deadline = Date.now() + ms
    while (!log.includes(text) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25))
    if (!log.includes(text)) throw new Error(`no "${text}" in:\n${log}`)
  }

  beforeAll(async () => {
    pair = createNetnsPair('lvs', 61)
    const vip = '198.18.61.50'
    real = spawn('ip', nodeIn(pair.b.ns, `require('net').createServer(s=>{s.on('error',()=>{});s.end('REAL-B')}).listen(8080,'${pair.b.address}',()=>console.log('ready'))`), {stdio: ['ignore', 'pipe', 'inherit']})
    await new Promise<void>((resolve) => real!.stdout!.once('data', () => resolve()))
    dir = mkdtempSync(join(tmpdir(), 'lbctl-lvs-priv-'))
    writeFileSync(
      join(dir, 'keepalived.conf'),
      `vrrp_instance VI_1 {
  state MASTER
  interface ${pair.a.ifname}
  virtual_router_id 61
  priority 100
  advert_int 1
  virtual_ipaddress {
    ${vip}/24
  }
}
virtual_server ${vip} 80 {
  delay_loop 1
  lb_algo wlc
  lb_kind DR
  protocol TCP
  real_server ${pair.b.address} 8080 {
    weight 1
    TCP_CHECK {
      connect_timeout 1
    }
  }
}
`,
    )
    node = spawn('ip', ['netns', 'exec', pair.a.ns, process.execPath, cliPath, 'run', '-f', join(dir, 'keepalived.conf'), '--node', 'lvs-priv'], {stdio: ['ignore', 'pipe', 'pipe']})
    node.stdout!.on('data', (c: Buffer) => (log += c.toString()))
    node.stderr!.on('data', (c: Buffer) => (log += c.toString()))
  }, 20_000)

  afterAll(async () => {
    for (const child of [node, real]) {
      if (child && child.exitCode === null) {
        child.kill('SIGKILL')
        await new Promise((r) => child.once('exit', r))
      }
    }
    pair?.destroy()
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  it('listens once the VIP is added, forwards to the real server in the other namespace, and lets go on SIGTERM', async () => {
    await waitFor('listen while this node holds the VIP')
    await waitFor('VS [198.18.61.50]:tcp:80 listening: this node holds the VIP')
    expect(log).toMatch(/VI_1 .*-> MASTER/)
    expect(await askFrom(pair!.b.ns, '198.18.61.50', 80)).toBe('REAL-B')
    const exited = new Promise<number | null>((r) => node!.once('exit', (code) => r(code)))
    node!.kill('SIGTERM')
    expect(await exited).toBe(0)
    expect(log).toContain('VS [198.18.61.50]:tcp:80 closed: this node no longer holds the VIP')
    if (process.env.LVS_E2E_LOG) console.log(log)
  }, 20_000)
})
