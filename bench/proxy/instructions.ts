// `npm run bench -- instructions`: user-space instructions per request, counted by valgrind (callgrind) in lbctl,
// the LBCTL_BENCH_BASELINE build and HAProxy. Requests per second and CPU time swing 15-25 % between rounds on a
// shared VM; this count repeats to about 1 %, so it is the measure for changes of a few per cent. It leaves out the
// kernel (system calls, loopback traffic, waking the peers), which the proxy scenario's CPU time includes.
import {execFileSync} from 'node:child_process'
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {connect} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {hasCommand} from '../util.js'
import {startBackends} from './backends.js'
import {proxyConfig} from './config.js'
import {machine, type Machine} from './machine.js'
import {freePort, start, waitForPort} from './process.js'
import {findTools, lbctlBaselineBin, lbctlBin, requireTools} from './tools.js'

export interface InstructionsOptions {
  log: (line: string) => void
  /** Requests counted per mode (after the warm-up). */
  requests?: number
  /** Rounds of both modes before counting (the JIT warms slowly under valgrind). */
  warmupRounds?: number
}

interface Counted {
  target: string
  /** User-space instructions per request, every thread of the process. */
  perRequest: number
  vsHaproxy: number | null
}

export interface InstructionsResult {
  scenario: 'instructions'
  machine: Machine
  requests: number
  modes: {mode: 'http-keepalive' | 'http-close'; what: string; targets: Counted[]}[]
}

const MODES = [
  {mode: 'http-keepalive', what: 'L7, keep-alive', close: false},
  {mode: 'http-close', what: 'L7, new connection per request', close: true},
] as const

const CONCURRENCY = 10

export async function benchInstructions(options: InstructionsOptions): Promise<InstructionsResult> {
  const {log} = options
  const requests = options.requests ?? 4000
  for (const tool of ['valgrind', 'callgrind_control']) {
    if (!hasCommand(tool)) throw new Error(`bench instructions: missing ${tool}. Install: apt-get install valgrind`)
  }
  const tools = findTools()
  requireTools(tools, 'instructions')
  const dir = mkdtempSync(join(tmpdir(), 'lbctl-bench-instr-'))
  const backends = await startBackends(dir)
  const targets: {name: string; command: string[]}[] = [{name: 'lbctl', command: [process.execPath, lbctlBin, 'run', '-f']}]
  if (lbctlBaselineBin) targets.push({name: 'lbctl-baseline', command: [process.execPath, lbctlBaselineBin, 'run', '-f']})
  if (tools.haproxy) targets.push({name: 'haproxy', command: ['haproxy', '-db', '-f']})
  const counts = new Map<string, Map<string, number>>()
  try {
    for (const target of targets) {
      log(`instructions: ${target.name} under callgrind (warming up, a few minutes)...`)
      counts.set(target.name, await countTarget(dir, target, backends.ports, requests, options.warmupRounds ?? 3))
    }
  } finally {
    await backends.stop()
    rmSync(dir, {recursive: true, force: true})
  }
  const modes = MODES.map(({mode, what}) => {
    const haproxy = counts.get('haproxy')?.get(mode)
    const rows = [...counts].map(([target, byMode]) => {
      const perRequest = byMode.get(mode)!
      return {target, perRequest, vsHaproxy: haproxy ? perRequest / haproxy : null}
    })
    return {mode, what, targets: rows}
  })
  return {scenario: 'instructions', machine: machine(), requests, modes}
}

async function countTarget(dir: string, target: {name: string; command: string[]}, backendPorts: number[], requests: number, warmupRounds: number): Promise<Map<string, number>> {
  const port = await freePort()
  const cfg = join(dir, `${target.name}.cfg`)
  writeFileSync(cfg, proxyConfig({httpPort: port, backends: backendPorts, nbthread: 1}))
  const outPattern = join(dir, `${target.name}.%p.callgrind`)
  const proc = start(`${target.name} under callgrind`, 'valgrind', ['--tool=callgrind', `--callgrind-out-file=${outPattern}`, ...target.command, cfg], {fileLimit: 65536})
  try {
    await waitForPort(proc, port, 180_000)
    for (let i = 0; i < warmupRounds; i++) {
      for (const {close} of MODES) await load(port, close ? requests / 2 : requests, close)
    }
    const pid = proc.child.pid!
    const byMode = new Map<string, number>()
    for (const {mode, close} of MODES) {
      callgrind(['-z', String(pid)])
      await load(port, requests, close)
      byMode.set(mode, dumpedInstructions(dir, target.name, pid, mode) / requests)
    }
    return byMode
  } catch (error) {
    throw new Error(`${target.name}: ${(error as Error).message}\n${proc.output()}`)
  } finally {
    await proc.stop()
  }
}

function callgrind(args: string[]): void {
  execFileSync('callgrind_control', args, {stdio: 'ignore', timeout: 60_000})
}

/** Asks for a dump of the counters since the last zeroing and reads its total (`summary:` line of the dump file). */
function dumpedInstructions(dir: string, name: string, pid: number, mode: string): number {
  const before = new Set(readdirSync(dir))
  callgrind(['-d', mode, String(pid)])
  const file = readdirSync(dir).find((f) => !before.has(f) && f.startsWith(`${name}.${pid}.callgrind.`))
  if (!file) throw new Error(`callgrind wrote no dump for ${mode}`)
  const summary = /^summary: (\d+)/m.exec(readFileSync(join(dir, file), 'utf8'))
  if (!summary) throw new Error(`callgrind dump ${file} has no summary line`)
  return Number(summary[1])
}

const REQUEST = 'GET / HTTP/1.1\r\nHost: bench\r\n\r\n'
const CLOSE_REQUEST = 'GET / HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n'
/** The backends' body ends every response (bench/proxy/backends.ts). */
const END_OF_RESPONSE = 'backend\n'

/**
 * Exactly `total` requests, CONCURRENCY at a time: a fixed count (wrk runs for a time), so the counters cover a
 * known number of requests. Every response must be a 200.
 */
function load(port: number, total: number, close: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    let started = 0
    let done = 0
    let failed: Error | undefined
    const timer = setTimeout(() => finish(new Error(`load: ${done} of ${total} requests answered in 10 minutes`)), 600_000)
    const finish = (error?: Error) => {
      failed ??= error
      if (error || done === total) {
        clearTimeout(timer)
        if (failed) reject(failed)
        else resolve()
      }
    }
    const answered = (text: string) => {
      if (!text.startsWith('HTTP/1.1 200')) return finish(new Error(`load: unexpected response ${JSON.stringify(text.slice(0, 60))}`))
      done++
      finish()
    }
    const oneConnection = () => {
      if (started >= total || failed) return
      started++
      const socket = connect(port, '127.0.0.1')
      let text = ''
      socket.on('data', (chunk) => (text += chunk.toString('latin1')))
      socket.on('error', (error) => finish(error))
      socket.on('close', () => {
        answered(text)
        oneConnection()
      })
      socket.write(CLOSE_REQUEST)
    }
    const keepAliveConnection = () => {
      const socket = connect(port, '127.0.0.1')
      let text = ''
      const next = () => {
        if (started >= total || failed) return void socket.end()
        started++
        socket.write(REQUEST)
      }
      socket.on('data', (chunk) => {
        text += chunk.toString('latin1')
        for (let end = text.indexOf(END_OF_RESPONSE); end >= 0; end = text.indexOf(END_OF_RESPONSE)) {
          answered(text)
          text = text.slice(end + END_OF_RESPONSE.length)
          next()
        }
      })
      socket.on('error', (error) => finish(error))
      next()
    }
    for (let i = 0; i < CONCURRENCY; i++) (close ? oneConnection : keepAliveConnection)()
  })
}
