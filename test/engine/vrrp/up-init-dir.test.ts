/**
 * `lbctl up DIR` on an `lbctl init` scaffold: the scaffold's check script (`pidof haproxy`) asks
 * each local node's own bundled proxy, so the pair elects one MASTER and one BACKUP, and soft-
 * stopping the master's proxy (SIGUSR1, as HAProxy) moves the VIP to the other node.
 * Runs from the sources (bin/dev.js), so the nodes `lbctl up` starts run them too.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, describe, expect, it} from 'vitest'
import type {UpEndpoints} from '../../../src/engine/demo/up.js'
import {freePort} from '../../helpers/ports.js'
import {alive} from '../../helpers/process.js'
import {within} from './ns-procs.js'

const devCli = fileURLToPath(new URL('../../../bin/dev.js', import.meta.url))

function lbctl(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', '--no-warnings', devCli, ...args], {stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, NO_COLOR: '1'}})
}

async function get(url: string): Promise<string | undefined> {
  try {
    const response = await fetch(url, {signal: AbortSignal.timeout(1000)})
    return await response.text()
  } catch {
    return undefined
  }
}

describe('lbctl up DIR on an lbctl init scaffold', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lbctl-up-init-'))
  const started: ChildProcess[] = []
  let nodePids: number[] = []

  afterAll(() => {
    for (const pid of [...nodePids, ...started.map((child) => child.pid ?? 0)]) if (pid > 0 && alive(pid)) process.kill(pid, 'SIGKILL')
    rmSync(dir, {recursive: true, force: true})
  })

  it('elects one MASTER, and a soft-stopped proxy on the master moves the VIP', async () => {
    const [port, app1, app2] = [await freePort(), await freePort(), await freePort()]
    const init = lbctl(['init', dir, '--yes', '--port', String(port), '--vrid', '157', '--backends', `127.0.0.1:${app1},127.0.0.1:${app2}`])
    started.push(init)
    expect(await new Promise((resolve) => init.on('exit', resolve))).toBe(0)

    const up = lbctl(['up', dir, '--no-top', '--json'])
    started.push(up)
    let stdout = ''
    let stderr = ''
    up.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    up.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const exited = new Promise<number | null>((resolve) => up.on('exit', (code) => resolve(code)))
    try {
      await within('lbctl up prints its endpoints', 30_000, () => stdout.includes('\n'), 50)
      const endpoints = JSON.parse(stdout.split('\n')[0] ?? '') as UpEndpoints
      nodePids = endpoints.nodes.map((node) => node.pid)
      expect(endpoints.nodes.map((node) => [node.name, node.state])).toEqual([
        ['lb1', 'MASTER'],
        ['lb2', 'BACKUP'],
      ])
      expect(endpoints.notes.join('\n')).not.toContain('FAULT')
      expect(stderr).toContain("vrrp_script chk_haproxy: local mode checks this node's bundled proxy")
      // Both checks pass (the production `pidof haproxy` would fail on both nodes here).
      expect(stderr).toMatch(/lb1 \| .*chk_haproxy succeeded \(exit 0\) -> priority 110/)
      expect(stderr).toMatch(/lb2 \| .*chk_haproxy succeeded \(exit 0\) -> priority 100/)
      expect(await get(endpoints.url)).toMatch(/hello/)

      const lb1 = endpoints.nodes[0]!
      process.kill(lb1.pid, 'SIGUSR1')
      // fall 2 × interval 2 s, then lb2 (100) outranks lb1 (110 - 20 = 90) within its Master_Down_Interval.
      const moved = await within('lb2 takes the VIP', 15_000, () => /lb2 \| .*BACKUP -> MASTER/.test(stderr) && /lb1 \| .*MASTER -> BACKUP/.test(stderr), 50)
      console.log(`VIP moved to lb2 ${Math.round(moved)} ms after SIGUSR1 to lb1`)
      expect(stderr).toMatch(/lb1 \| .*chk_haproxy failed \(exit 1\) -> priority 110-20=90/)
      let body: string | undefined
      for (const end = Date.now() + 5000; Date.now() < end && !body?.includes('hello'); ) body = await get(endpoints.url)
      expect(body).toMatch(/hello/)
      expect(alive(lb1.pid)).toBe(true)

      up.kill('SIGTERM')
      expect(await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('timeout'), 15_000))])).toBe(0)
      await within('every node exited', 5000, () => nodePids.every((pid) => !alive(pid)))
    } catch (error) {
      console.error(`--- lbctl up stdout\n${stdout}\n--- stderr\n${stderr}`)
      throw error
    }
  })
})
