// Child processes of the benchmark: started, waited for (their port accepts), measured (RSS), stopped.
import {type ChildProcess, spawn} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {connect, createServer} from 'node:net'
import {type CpuRole, onCpu} from './pin.js'

export interface Running {
  name: string
  child: ChildProcess
  /** The last lines the process wrote on stderr/stdout (for error messages). */
  output(): string
  stop(): Promise<void>
}

const running = new Set<Running>()

/** Kills every child still running (the benchmark is being interrupted). */
export function killAll(): void {
  for (const r of running) r.child.kill('SIGKILL')
}

// Whatever happens to the benchmark, its children do not outlive it.
process.once('exit', killAll)

/** Raises the open-files limit of the child (10,000 connections need it); root may also raise the hard limit. */
export function withFileLimit(command: string, args: string[], limit: number): [string, string[]] {
  const quoted = [command, ...args].map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(' ')
  return ['sh', ['-c', `ulimit -n ${limit} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec ${quoted}`]]
}

export interface StartOptions {
  env?: NodeJS.ProcessEnv
  fileLimit?: number
  /** A file descriptor for stdout (request logs go to a file); default: kept like stderr. */
  stdout?: number
  /** Called with each chunk of stderr (waiting for "reloaded" lines). */
  onStderr?: (text: string) => void
  /** With --pin: the CPU it runs on (the proxy under test, or the load side: backends). */
  cpu?: CpuRole
}

export function start(name: string, command: string, args: string[], options: StartOptions = {}): Running {
  const [pinnedCommand, pinnedArgs] = onCpu(options.cpu, command, args)
  const [cmd, argv] = options.fileLimit ? withFileLimit(pinnedCommand, pinnedArgs, options.fileLimit) : [pinnedCommand, pinnedArgs]
  const child = spawn(cmd, argv, {stdio: ['ignore', options.stdout ?? 'pipe', 'pipe'], env: options.env ?? process.env})
  let tail = ''
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4000)
  }
  child.stdout?.on('data', keep)
  if (options.onStderr) child.stderr!.on('data', (chunk: Buffer) => options.onStderr!(chunk.toString()))
  child.stderr!.on('data', keep)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const entry: Running = {
    name,
    child,
    output: () => tail,
    async stop() {
      running.delete(entry)
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
      await exited
      clearTimeout(timer)
    },
  }
  running.add(entry)
  return entry
}

/** Resolves once 127.0.0.1:port accepts a connection; rejects when the process exits or after timeoutMs. */
export async function waitForPort(proc: Running, port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) throw new Error(`${proc.name} exited: ${proc.output().trim()}`)
    if (await accepts(port)) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`${proc.name} did not listen on 127.0.0.1:${port} within ${timeoutMs} ms: ${proc.output().trim()}`)
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({host: '127.0.0.1', port})
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/** Resident memory of a process in KiB (VmRSS), or undefined when it is gone. */
export function rssKiB(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) : undefined
  } catch {
    return undefined
  }
}

const TICKS_PER_SECOND = 100 // USER_HZ on Linux

/** CPU time (user + system) a process has used, in milliseconds, or undefined when it is gone. */
export function cpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined
  try {
    // The fields after the command name (which may hold spaces) start at state: utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND
  } catch {
    return undefined
  }
}

/** Children of a process (haproxy -W: the workers of the master). */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number)
  } catch {
    return []
  }
}

// Ports below the kernel's ephemeral range (32768+), so the many client connections cannot take them.
let nextPort = 21000 + Math.floor(Math.random() * 9000)

/** A TCP port on 127.0.0.1 free right now, outside the ephemeral range. */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < 500; tries++) {
    const port = nextPort
    nextPort = nextPort >= 31000 ? 21000 : nextPort + 1
    if (await canBind(port)) return port
  }
  throw new Error('no free port between 21000 and 31000 on 127.0.0.1')
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}
