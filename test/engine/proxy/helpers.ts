/** Loopback helpers: backends that answer their name, clients that read one answer, real haproxy runs. */
import {execFileSync, spawn, type ChildProcess} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {connect, createServer, type AddressInfo, type Server, type Socket} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parseHaproxyFiles} from '../../../src/config/haproxy/index.js'
import {ProxyEngine} from '../../../src/engine/proxy/engine.js'
import {planEngine} from '../../../src/engine/proxy/plan.js'

export interface NamedBackend {
  name: string
  port: number
  server: Server
  sockets: Set<Socket>
  accepted: number
  close(): Promise<void>
  reopen(): Promise<void>
}

/** A TCP server that writes its name and closes (like the pick-sequence backends used against real haproxy). */
export async function namedBackend(name: string, port = 0): Promise<NamedBackend> {
  const sockets = new Set<Socket>()
  const backend: NamedBackend = {
    name,
    port,
    server: createServer(),
    sockets,
    accepted: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        backend.server.close(() => resolve())
      }),
    reopen: async () => {
      backend.server = make()
      await new Promise<void>((resolve) => backend.server.listen(backend.port, '127.0.0.1', () => resolve()))
    },
  }
  const make = () =>
    createServer((socket) => {
      backend.accepted++
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
      socket.on('error', () => {})
      socket.end(`${name}\n`)
    })
  backend.server = make()
  await new Promise<void>((resolve) => backend.server.listen(port, '127.0.0.1', () => resolve()))
  backend.port = (backend.server.address() as AddressInfo).port
  return backend
}

/** Connects, reads until the server closes, returns the text (trimmed). */
export function fetchName(port: number, localAddress?: string, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({port, host, ...(localAddress ? {localAddress} : {})})
    let text = ''
    socket.on('data', (c: Buffer) => (text += c.toString()))
    socket.on('end', () => {
      socket.end()
      resolve(text.trim())
    })
    socket.on('error', reject)
  })
}

export async function sequence(port: number, count: number, localAddress?: (i: number) => string): Promise<string[]> {
  const out: string[] = []
  for (let i = 0; i < count; i++) out.push(await fetchName(port, localAddress?.(i)))
  return out
}

export function startEngine(cfg: string): ProxyEngine {
  const parse = parseHaproxyFiles([{path: 'test.cfg', text: cfg}])
  const errors = parse.diagnostics.filter((d) => d.severity === 'error')
  if (errors.length > 0) throw new Error(errors.map((d) => d.message).join('; '))
  const planned = planEngine(parse.model)
  if (!planned.ok) throw new Error(planned.problems.join('; '))
  return new ProxyEngine(planned.plan)
}

/** Runs real haproxy on a config (foreground, -db) and waits until `readyPort` (its stats socket) accepts; stop() kills it. */
export async function startHaproxy(cfg: string, readyPort: number): Promise<{stop(): Promise<void>; child: ChildProcess}> {
  const dir = mkdtempSync(join(tmpdir(), 'lbctl-haproxy-'))
  const path = join(dir, 'haproxy.cfg')
  writeFileSync(path, cfg)
  execFileSync('haproxy', ['-c', '-q', '-f', path])
  const child = spawn('haproxy', ['-db', '-f', path], {stdio: 'ignore'})
  await waitFor(() => portOpen(readyPort))
  return {
    child,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGKILL')
        await exited
      }
      rmSync(dir, {recursive: true, force: true})
    },
  }
}

export async function waitFor(check: () => boolean | Promise<boolean>, ms = 5000, step = 20): Promise<void> {
  const end = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting')
    await new Promise((resolve) => setTimeout(resolve, step))
  }
}

/** A free TCP port on loopback (bound then released). */
export {freePort} from '../../helpers/ports.js'

export async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({port, host: '127.0.0.1'})
    s.on('connect', () => {
      s.destroy()
      resolve(true)
    })
    s.on('error', () => resolve(false))
  })
}

/** One command on a TCP stats socket (HAProxy's CLI protocol): the whole answer, up to the server's close. */
export function runtimeCommand(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({port, host: '127.0.0.1'}, () => socket.write(`${command}\n`))
    let text = ''
    socket.on('data', (c: Buffer) => (text += c.toString()))
    socket.on('end', () => resolve(text))
    socket.on('error', reject)
  })
}
