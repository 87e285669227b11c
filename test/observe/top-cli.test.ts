// The built `lbctl top` without a TTY against a real haproxy: --once --json, and the line-per-event log.
import {spawn} from 'node:child_process'
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {cliPath, repoRoot, runCli} from '../helpers/cli.js'
import {startHaproxyLab, type HaproxyLab} from '../helpers/haproxy.js'
import {requireBinary} from '../helpers/oracles.js'

const built = existsSync(join(repoRoot, 'dist/commands/top.js'))

describe.skipIf(!built || !requireBinary('haproxy'))('lbctl top (no terminal)', () => {
  let lab: HaproxyLab

  beforeAll(async () => {
    lab = await startHaproxyLab()
  })

  afterAll(async () => {
    await lab?.stop()
  })

  it('--once --json prints one snapshot of every node', async () => {
    const result = await runCli(['top', '--socket', `lb1=${lab.socket}`, '--socket', `lb2=${lab.tcpSocket}`, '--once', '--json'])
    expect(result.code).toBe(0)
    const snapshot = JSON.parse(result.stdout) as {nodes: {name: string; reachable: boolean; version: string}[]; servers: {node: string; proxy: string; name: string; type: string}[]; vrrp: unknown[]; events: unknown[]}
    expect(snapshot.nodes.map((n) => [n.name, n.reachable])).toEqual([['lb1', true], ['lb2', true]])
    expect(snapshot.nodes[0]?.version).toMatch(/^2\.6\./)
    expect(snapshot.servers.filter((s) => s.node === 'lb1').map((s) => `${s.type} ${s.proxy}/${s.name}`)).toEqual(['frontend fe_main/FRONTEND', 'server app/web1', 'server app/web2', 'backend app/BACKEND'])
    expect(snapshot.vrrp).toEqual([])
    expect(snapshot.events).toEqual([])
  })

  it('prints events as lines until SIGTERM', async () => {
    const child = spawn(process.execPath, [cliPath, 'top', '--socket', `lb1=${lab.socket}`, '--interval', '100ms'], {env: {...process.env, NO_COLOR: '1'}, stdio: ['ignore', 'pipe', 'pipe']})
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    const waitFor = async (re: RegExp) => {
      const deadline = Date.now() + 5000
      while (!re.test(out)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${re}; got:\n${out}`)
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    }
    try {
      await waitFor(/lb1 HAProxy 2\.6\.\d+, servers: 2 UP\n/)
      await lab.backends[1]!.stop()
      await waitFor(/^\d\d:\d\d:\d\d\.\d{3} lb1 app\/web2 DOWN, L4CON in \d+ms, 1 active server left$/m)
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
    }
  })
})
