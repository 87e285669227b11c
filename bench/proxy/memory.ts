// Scenario `memory`: many idle keep-alive client connections held open through the proxy; the growth of
// the proxy's resident memory divided by their number is what one idle client connection costs.
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {connect, type Socket} from 'node:net'
import {BODY, startBackends} from './backends.js'
import {proxyConfig} from './config.js'
import {type Machine, machine} from './machine.js'
import {freePort} from './process.js'
import {startHaproxy, startLbctl, type Target} from './targets.js'
import {findTools, requireTools} from './tools.js'

export interface MemoryFigures {
  target: 'lbctl' | 'haproxy'
  /** 'closed': `option http-server-close`, the proxy holds only the client socket; 'kept': the default, the server connection stays too. */
  serverSide: 'closed' | 'kept'
  connections: number
  rssBeforeKiB: number
  rssAfterKiB: number
  kibPerConnection: number
  /** Connections the proxy closed while they were held (should be 0). */
  dropped: number
}

export interface MemoryBenchResult {
  scenario: 'memory'
  machine: Machine
  connections: number
  targets: MemoryFigures[]
  missing: string[]
}

export interface MemoryBenchOptions {
  connections?: number
  /** Connections held with the server side kept open (the default keep-alive); 0 skips that part. */
  keptConnections?: number
  /** Connections being opened at the same time. */
  batch?: number
  /** Pause between the RSS readings taken once the connections are open (the lowest of 5 counts). */
  settleMs?: number
  log?: (line: string) => void
}

const REQUEST = Buffer.from('GET / HTTP/1.1\r\nhost: bench\r\n\r\n')

/** Opens a connection, makes one request, resolves once the response is in: the connection is then idle. */
function openIdle(port: number, onDrop: () => void): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({host: '127.0.0.1', port})
    let got = ''
    let ready = false
    socket.setEncoding('latin1')
    socket.once('connect', () => socket.write(REQUEST))
    socket.on('data', (text: string) => {
      got += text
      if (!ready && got.endsWith(BODY)) {
        ready = true
        resolve(socket)
      }
    })
    socket.once('error', (error) => (ready ? onDrop() : reject(error)))
    socket.once('close', () => (ready ? onDrop() : reject(new Error(`closed before the response: ${JSON.stringify(got.slice(0, 200))}`))))
  })
}

async function settle(target: Target, settleMs: number): Promise<number> {
  // Let the proxy finish what the last connections started; then take the lowest of a few readings.
  const readings: number[] = []
  for (let i = 0; i < 5; i++) {
    await new Promise((resolve) => setTimeout(resolve, settleMs))
    readings.push(target.rss() ?? 0)
  }
  return Math.min(...readings)
}

async function measure(target: Target, serverSide: MemoryFigures['serverSide'], connections: number, batch: number, settleMs: number, log: (line: string) => void): Promise<MemoryFigures> {
  const port = target.ports.http!
  // Warm the process (JIT, pools) with the same kind of connection, then close them.
  const warm = await Promise.all(Array.from({length: Math.min(200, connections)}, () => openIdle(port, () => {})))
  for (const s of warm) s.destroy()
  const before = await settle(target, settleMs)
  const held: Socket[] = []
  let dropped = 0
  try {
    while (held.length < connections) {
      const n = Math.min(batch, connections - held.length)
      held.push(...(await Promise.all(Array.from({length: n}, () => openIdle(port, () => dropped++)))))
    }
    const after = await settle(target, settleMs)
    log(`memory ${target.name}, server side ${serverSide}: ${connections} idle connections, RSS ${before} → ${after} KiB`)
    return {
      target: target.name as 'lbctl' | 'haproxy',
      serverSide,
      connections,
      rssBeforeKiB: before,
      rssAfterKiB: after,
      kibPerConnection: (after - before) / connections,
      dropped,
    }
  } finally {
    for (const s of held) s.destroy()
  }
}

export async function benchMemory(options: MemoryBenchOptions = {}): Promise<MemoryBenchResult> {
  const connections = options.connections ?? 10_000
  const batch = options.batch ?? 250
  const settleMs = options.settleMs ?? 300
  const log = options.log ?? (() => {})
  const tools = findTools()
  requireTools(tools, 'memory')
  const dir = mkdtempSync(join(tmpdir(), 'lbctl-bench-memory-'))
  const backends = await startBackends(dir, 1)
  const results: MemoryFigures[] = []
  try {
    // 'closed': one fd per client connection at the proxy, so the figure is the cost of the idle client connection
    // itself and 10,000 fit a 20,000 open-files limit. 'kept' holds two fds per client: fewer connections.
    const config = (port: number, haproxy: boolean, serverSide: MemoryFigures['serverSide'], n: number) =>
      proxyConfig({
        httpPort: port,
        backends: backends.ports,
        maxconn: n + 100,
        ...(serverSide === 'closed' ? {frontendLines: ['option http-server-close']} : {}),
        // HAProxy wants 2 fds per maxconn; the idle clients need one. Warn instead of refusing when ulimit -n is lower.
        ...(haproxy ? {globalLines: ['no strict-limits'], nbthread: 1} : {}),
      })
    const kinds: ('lbctl' | 'haproxy')[] = tools.haproxy ? ['lbctl', 'haproxy'] : ['lbctl']
    const parts: [MemoryFigures['serverSide'], number][] = [['closed', connections]]
    const kept = options.keptConnections ?? 5000
    if (kept > 0) parts.push(['kept', kept])
    // One target at a time: the client sockets of both would not fit the open-files limit together.
    for (const [serverSide, n] of parts) {
      for (const kind of kinds) {
        const port = await freePort()
        const o = {dir, ports: {http: port}, config: config(port, kind === 'haproxy', serverSide, n)}
        const target = kind === 'lbctl' ? await startLbctl(o) : await startHaproxy(o)
        try {
          results.push(await measure(target, serverSide, n, batch, settleMs, log))
        } finally {
          await target.stop()
        }
      }
    }
  } finally {
    await backends.stop()
    rmSync(dir, {recursive: true, force: true})
  }
  return {scenario: 'memory', machine: machine(), connections, targets: results, missing: tools.missing}
}
