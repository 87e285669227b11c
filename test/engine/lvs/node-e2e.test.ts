/**
 * `lbctl run -f keepalived.conf -f haproxy.cfg --local`: the node serves the haproxy.cfg frontend and
 * the keepalived virtual_server side by side, both following the VIP, and reports the virtual
 * servers in its --json result.
 */
import {type ChildProcess, spawn} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {connect, createServer, type Server} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {cliPath} from '../../helpers/cli.js'
import {freePort} from '../../helpers/ports.js'
import {parseShowStat} from '../../../src/observe/stat-csv.js'
import {runtimeCommand} from '../proxy/helpers.js'

function ask(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({host, port})
    let data = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => (data += chunk))
    socket.once('close', () => resolve(data))
    socket.once('error', () => {})
    socket.setTimeout(3000, () => socket.destroy())
  })
}

describe('lbctl run: keepalived.conf with virtual_server plus haproxy.cfg (one node)', () => {
  let dir = ''
  let child: ChildProcess | undefined
  let real: Server | undefined

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGKILL')
      await new Promise((r) => child!.once('exit', r))
    }
    if (real) await new Promise<void>((resolve) => real!.close(() => resolve()))
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  it('serves the frontend and the virtual server on the VIP and lists the virtual servers at the end', async () => {
    const vip = '127.0.0.51'
    const [realPort, vsPort, fePort, udpPort, statsPort] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()]
    real = createServer((socket) => {
      socket.on('error', () => {})
      socket.end('REAL')
    })
    await new Promise<void>((resolve) => real!.listen(realPort, '127.0.0.1', resolve))
    dir = mkdtempSync(join(tmpdir(), 'lbctl-lvs-node-'))
    writeFileSync(
      join(dir, 'keepalived.conf'),
      `vrrp_instance VI_1 {
  state MASTER
  interface lo
  virtual_router_id 52
  priority 100
  advert_int 1
  virtual_ipaddress {
    ${vip}
  }
}
virtual_server ${vip} ${vsPort} {
  delay_loop 0.3
  lb_algo rr
  lb_kind NAT
  protocol TCP
  real_server 127.0.0.1 ${realPort} {
    TCP_CHECK {
      connect_timeout 1
      retry 0
    }
  }
}
`,
    )
    writeFileSync(
      join(dir, 'haproxy.cfg'),
      `global
  stats socket ipv4@127.0.0.1:${statsPort} level admin
defaults
  mode tcp
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend fe
  bind ${vip}:${fePort}
  default_backend be
backend be
  server s1 127.0.0.1:${realPort}
`,
    )
    let out = ''
    child = spawn(process.execPath, [cliPath, 'run', '-f', join(dir, 'keepalived.conf'), '-f', join(dir, 'haproxy.cfg'), '--local', '--node', 'lvs-node', '--local-port', String(udpPort), '--json'], {stdio: ['ignore', 'pipe', 'pipe']})
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()))
    const deadline = Date.now() + 15_000
    while (!(out.includes(`VS [${vip}]:tcp:${vsPort} listening`) && out.includes(`bind ${vip}:${fePort} opened`)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25))
    expect(out).toContain(`VS [${vip}]:tcp:${vsPort} listening`)
    expect(await ask(vip, vsPort)).toBe('REAL')
    expect(await ask(vip, fePort)).toBe('REAL')
    // show stat lists the virtual server as a backend with its real server, after the proxy's own rows (what lbctl top reads).
    const rows = parseShowStat(await runtimeCommand(statsPort, 'show stat'))
    const vsName = `[${vip}]:tcp:${vsPort}`
    expect(rows.filter((r) => r.proxy === vsName).map((r) => [r.name, r.status.state])).toEqual([
      [`[127.0.0.1]:tcp:${realPort}`, 'UP'],
      ['BACKEND', 'UP'],
    ])
    expect(rows.findIndex((r) => r.proxy === vsName)).toBeGreaterThan(rows.findIndex((r) => r.proxy === 'be'))
    expect(parseShowStat(await runtimeCommand(statsPort, `show stat ${vsName} 4 -1`)).map((r) => r.name)).toEqual([`[127.0.0.1]:tcp:${realPort}`])
    // show events on the stats socket carries the virtual server's health changes like the proxy's.
    let events = ''
    const stream = connect({host: '127.0.0.1', port: statsPort})
    stream.on('data', (chunk: Buffer) => (events += chunk.toString()))
    stream.on('error', () => {})
    stream.write('show events\n')
    await new Promise((r) => setTimeout(r, 100))
    await new Promise<void>((resolve) => real!.close(() => resolve()))
    real = undefined
    const until = Date.now() + 5000
    while (!events.includes('"kind":"health"') && Date.now() < until) await new Promise((r) => setTimeout(r, 25))
    stream.destroy()
    const health = events.split('\n').filter((line) => line.includes('"kind":"health"')).map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(health[0]).toMatchObject({proxy: `[${vip}]:tcp:${vsPort}`, server: `[127.0.0.1]:tcp:${realPort}`, from: 'UP', to: 'DOWN', activeLeft: 0})
    const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)))
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    const result = out
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as {type?: string; virtualServers?: {name: string; servers: {total: number; up: boolean}[]}[]})
      .find((line) => line.type === 'stopped')
    expect(result?.virtualServers?.[0]).toMatchObject({name: `[${vip}]:tcp:${vsPort}`, servers: [{total: 1, up: false}]})
  }, 30_000)
})
