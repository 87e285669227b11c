/** `lbctl run` as a process: refusals, and two local-mode nodes on loopback (no root needed). */
import {spawn, type ChildProcess} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, describe, expect, it} from 'vitest'

const runCli = fileURLToPath(new URL('./run-cli.ts', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'lbctl-run-'))
const children: ChildProcess[] = []

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  rmSync(dir, {recursive: true, force: true})
})

function file(name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

function start(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', runCli, ...args], {stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, NO_COLOR: '1'}})
  children.push(child)
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return {child, exit, out: () => stdout, err: () => stderr}
}

const keepalived = (priority: number, extra = '') => `vrrp_instance VI_1 {
  state BACKUP
  interface lo
  virtual_router_id 51
  priority ${priority}
  advert_int 1
  virtual_ipaddress {
    127.0.0.100
  }
  ${extra}
}
`

async function until(check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

describe('lbctl run', () => {
  it('refuses a haproxy.cfg the engine cannot run yet, saying what and why', async () => {
    const run = start(['-f', file('haproxy.cfg', 'global\n  daemon\ndefaults\n  mode tcp\nfrontend fe\n  bind :80\n')])
    expect(await run.exit).toBe(2)
    expect(run.err()).toContain('frontend fe has no default_backend')
  })

  it('refuses a config with errors and prints them with their position', async () => {
    const run = start(['-f', file('bad.conf', keepalived(100, 'priority 300'))])
    expect(await run.exit).toBe(2)
    expect(run.err()).toMatch(/bad\.conf:10:12: error\[keepalived\/priority-range\]/)
    expect(run.err()).toContain('refusing to run it')
  })

  it('runs two local nodes: one MASTER, graceful stop hands over, both exit 0', async () => {
    const port = String(40000 + (process.pid % 10000))
    const common = ['--local', '--json', '--local-port', port]
    // Complete lines only: a chunk may end mid-line.
    const lines = (run: ReturnType<typeof start>) => run.out().split('\n').slice(0, -1).filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>)
    const isMaster = (run: ReturnType<typeof start>) => lines(run).some((e) => e.type === 'transition' && e.to === 'MASTER')
    // a first, so a slow start under load cannot make b master first (that would be correct VRRP, but not this test).
    const a = start(['-f', file('a.conf', keepalived(150)), '--node', 'a', '--address', '127.0.0.31', ...common])
    await until(() => isMaster(a), 8000)
    const b = start(['-f', file('b.conf', keepalived(100)), '--node', 'b', '--address', '127.0.0.32', ...common])
    await until(() => lines(b).some((e) => e.type === 'advert_received' && e.from === '127.0.0.31'), 8000)
    expect(isMaster(b)).toBe(false)
    a.child.kill('SIGTERM')
    await until(() => isMaster(b), 3000)
    expect(await a.exit).toBe(0)
    b.child.kill('SIGINT')
    expect(await b.exit).toBe(0)
    expect(lines(a).at(-1)).toMatchObject({type: 'stopped', node: 'a', mode: 'local'})
    const handover = lines(b).find((e) => e.type === 'transition' && e.to === 'MASTER')
    const zero = lines(b).find((e) => e.type === 'advert_received' && e.priority === 0)
    // Skew_Time of priority 100: 609 ms after the priority-0 advert.
    expect(Number(handover?.time) - Number(zero?.time)).toBeGreaterThanOrEqual(600)
    expect(Number(handover?.time) - Number(zero?.time)).toBeLessThan(1200)
  })
})
