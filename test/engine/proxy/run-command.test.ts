/** `lbctl run -f haproxy.cfg` as a process: refusals, SIGHUP reload under load, SIGTERM drain, SIGUSR1 soft stop. */
import {spawn, type ChildProcess} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {createServer, type AddressInfo, type Server} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {fetchName, freePort, namedBackend, type NamedBackend, portOpen, waitFor} from './helpers.js'

const runCli = fileURLToPath(new URL('./run-cli.ts', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'lbctl-run-proxy-'))
const children: ChildProcess[] = []
let backends: NamedBackend[] = []
const extra: Server[] = []

beforeAll(async () => {
  backends = await Promise.all(['s1', 's2'].map((n) => namedBackend(n)))
})
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  await Promise.all(backends.map((b) => b.close()))
  for (const s of extra) s.close()
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
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  child.stdout.resume()
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return {child, exit, err: () => stderr}
}

const cfg = (front: number, servers: string) => `defaults
  mode tcp
  timeout connect 1s
  timeout client 5s
  timeout server 5s
listen l
  bind 127.0.0.1:${front}
${servers}`

describe('lbctl run -f haproxy.cfg', () => {
  it('refuses what mode http cannot run yet clearly', async () => {
    const run = start(['-f', file('http.cfg', 'defaults\n  mode http\n  timeout connect 1s\n  timeout client 1s\n  timeout server 1s\nlisten stats\n  bind 127.0.0.1:1\n  stats enable\n  stats uri /stats\n  http-reuse always\n')])
    expect(await run.exit).toBe(2)
    expect(run.err()).toContain('http-reuse is not supported by the bundled engine yet')
    expect(run.err()).toContain('refusing to run it')
  })

  it('refuses a config with errors, printing them with their position', async () => {
    const run = start(['-f', file('bad.cfg', 'defaults\n  mode tcp\nlisten l\n  bind 127.0.0.1:1\n  balance nosuchalgo\n  server a 127.0.0.1:2\n')])
    expect(await run.exit).toBe(2)
    expect(run.err()).toMatch(/bad\.cfg:5:/)
  })

  it('reloads on SIGHUP without losing a connection, then drains on SIGTERM and exits 0', async () => {
    const front = await freePort()
    const path = file('haproxy.cfg', cfg(front, `  server s1 127.0.0.1:${backends[0]!.port}\n`))
    const run = start(['-f', path])
    await waitFor(() => run.err().includes('proxy started'), 15000)
    let ok = 0
    let failed = 0
    const seen = new Set<string>()
    let reloads = 0
    const load = (async () => {
      for (let i = 0; i < 300; i++) {
        try {
          seen.add(await fetchName(front))
          ok++
        } catch {
          failed++
        }
      }
    })()
    for (let i = 0; i < 5; i++) {
      await new Promise((resolve) => setTimeout(resolve, 60))
      writeFileSync(path, cfg(front, `  server s1 127.0.0.1:${backends[0]!.port}\n${i % 2 === 0 ? `  server s2 127.0.0.1:${backends[1]!.port}\n` : ''}`))
      run.child.kill('SIGHUP')
      reloads++
    }
    await load
    await waitFor(() => (run.err().match(/reloaded/g) ?? []).length === reloads, 5000)
    expect(failed).toBe(0)
    expect(ok).toBe(300)
    expect(seen).toEqual(new Set(['s1', 's2']))

    // A slow server holds one connection open; SIGTERM must wait for it.
    const slow = createServer((s) => {
      s.on('error', () => {})
      setTimeout(() => s.end('late\n'), 400)
    })
    extra.push(slow)
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', () => resolve()))
    writeFileSync(path, cfg(front, `  server slow 127.0.0.1:${(slow.address() as AddressInfo).port}\n`))
    run.child.kill('SIGHUP')
    await waitFor(() => (run.err().match(/reloaded/g) ?? []).length === reloads + 1, 5000)
    const inflight = fetchName(front)
    await new Promise((resolve) => setTimeout(resolve, 100))
    run.child.kill('SIGTERM')
    expect(await inflight).toBe('late')
    expect(await run.exit).toBe(0)
    expect(await portOpen(front)).toBe(false)
    expect(run.err()).toContain('SIGTERM: no longer accepting')
  })

  it('soft-stops on SIGUSR1 like HAProxy: listeners close at once, the connection in flight finishes, exit 0', async () => {
    const slow = createServer((s) => {
      s.on('error', () => {})
      setTimeout(() => s.end('late\n'), 400)
    })
    extra.push(slow)
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', () => resolve()))
    const front = await freePort()
    const run = start(['-f', file('usr1.cfg', cfg(front, `  server slow 127.0.0.1:${(slow.address() as AddressInfo).port}\n`))])
    await waitFor(() => run.err().includes('proxy started'), 15000)
    const inflight = fetchName(front)
    await new Promise((resolve) => setTimeout(resolve, 100))
    run.child.kill('SIGUSR1')
    await waitFor(async () => !(await portOpen(front)), 2000)
    expect(await inflight).toBe('late')
    expect(await run.exit).toBe(0)
    expect(run.err()).toContain('SIGUSR1: no longer accepting')
  })
})
