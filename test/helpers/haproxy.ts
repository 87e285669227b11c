// A real haproxy on loopback for tests: a temp-dir config with stats sockets (admin and user level),
// two tiny node:http backends on ephemeral ports, health checks every 200 ms.
import {freePort} from './ports.js'
import {spawn, type ChildProcess} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {createServer as createHttpServer, type Server} from 'node:http'
import {createConnection} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

export interface TestBackend {
  name: string
  port: number
  /** Closes the listener so health checks fail (connection refused → L4CON). */
  stop(): Promise<void>
  /** Listens again on the same port. */
  start(): Promise<void>
  /** Answers health checks with this status from now on (e.g. 404 → L7STS). */
  setStatus(code: number): void
}

export interface HaproxyLab {
  dir: string
  /** Stats socket at `level admin`. */
  socket: string
  /** Stats socket at `level user` (admin commands are refused). */
  userSocket: string
  /** Stats socket reachable over TCP at `level admin`, as `127.0.0.1:PORT`. */
  tcpSocket: string
  frontendPort: number
  backends: TestBackend[]
  stop(): Promise<void>
}

async function startBackend(name: string): Promise<TestBackend> {
  let status = 200
  let server: Server | undefined
  const port = await freePort()
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = createHttpServer((_req, res) => {
        res.writeHead(status, {'content-type': 'text/plain'})
        res.end(`${name}\n`)
      })
      s.keepAliveTimeout = 100
      s.once('error', reject)
      s.listen(port, '127.0.0.1', () => {
        server = s
        resolve()
      })
    })
  await listen()
  return {
    name,
    port,
    start: listen,
    stop: () =>
      new Promise<void>((resolve) => {
        const s = server
        server = undefined
        if (!s) return resolve()
        s.close(() => resolve())
        s.closeAllConnections()
      }),
    setStatus: (code) => {
      status = code
    },
  }
}

async function waitForSocket(path: string, child: ChildProcess, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited with ${child.exitCode} before opening its stats socket`)
    const ok = await new Promise<boolean>((resolve) => {
      const c = createConnection(path)
      c.once('connect', () => {
        c.destroy()
        resolve(true)
      })
      c.once('error', () => resolve(false))
    })
    if (ok) return
    if (Date.now() > deadline) throw new Error(`haproxy did not open ${path} within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

/** Starts haproxy (foreground, -db) with two backends web1/web2 in backend `app`. Call stop() in afterAll. */
export async function startHaproxyLab(options: {servers?: number; backendLines?: string[]} = {}): Promise<HaproxyLab> {
  const dir = mkdtempSync(join(tmpdir(), 'lbctl-haproxy-'))
  const count = options.servers ?? 2
  const backends: TestBackend[] = []
  for (let i = 1; i <= count; i++) backends.push(await startBackend(`web${i}`))
  const frontendPort = await freePort()
  const statsPort = await freePort()
  const socket = join(dir, 'admin.sock')
  const userSocket = join(dir, 'user.sock')
  const config = `global
    stats socket ${socket} mode 600 level admin
    stats socket ${userSocket} mode 600 level user
    stats socket 127.0.0.1:${statsPort} level admin

defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s

frontend fe_main
    bind 127.0.0.1:${frontendPort}
    default_backend app

backend app
    balance roundrobin
    option httpchk GET /
    default-server inter 200ms fall 2 rise 2
${backends.map((b) => `    server ${b.name} 127.0.0.1:${b.port} check`).join('\n')}
${(options.backendLines ?? []).map((l) => `    ${l}`).join('\n')}
`
  const cfgPath = join(dir, 'haproxy.cfg')
  writeFileSync(cfgPath, config)
  const child = spawn('haproxy', ['-db', '-f', cfgPath], {stdio: ['ignore', 'ignore', 'pipe']})
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
  try {
    await waitForSocket(socket, child)
    await waitForSocket(userSocket, child)
  } catch (error) {
    child.kill('SIGKILL')
    for (const b of backends) await b.stop()
    rmSync(dir, {recursive: true, force: true})
    throw new Error(`${(error as Error).message}\n${stderr}`)
  }
  return {
    dir,
    socket,
    userSocket,
    tcpSocket: `127.0.0.1:${statsPort}`,
    frontendPort,
    backends,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 2000)
        await exited
        clearTimeout(timer)
      }
      for (const b of backends) await b.stop()
      rmSync(dir, {recursive: true, force: true})
    },
  }
}
