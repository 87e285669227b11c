// The things a benchmark sends load through: lbctl, HAProxy, node http-proxy, or nothing (direct to nginx).
import {closeSync, openSync, writeFileSync} from 'node:fs'
import {connect} from 'node:net'
import {join} from 'node:path'
import {cpuMs, type Running, rssKiB, start, waitForPort} from './process.js'
import {lbctlBin} from './tools.js'

/** `lbctl-baseline`: another lbctl build (LBCTL_BENCH_BASELINE), measured in the same run to compare builds. */
export type TargetName = 'lbctl' | 'lbctl-baseline' | 'haproxy' | 'http-proxy' | 'direct'

export interface Target {
  name: TargetName
  /** Port per mode ('http' and/or 'tcp'). */
  ports: Partial<Record<'http' | 'tcp', number>>
  /** RSS of the proxy process(es) in KiB; undefined for direct. */
  rss(): number | undefined
  /** CPU milliseconds used so far by the proxy process(es); undefined for direct. */
  cpu(): number | undefined
  /** The pids whose memory rss() sums. */
  pids(): number[]
  /** Reloads the configuration and resolves once the new one serves; absent when the target cannot. */
  reload?(): Promise<void>
  stop(): Promise<void>
}

const FILE_LIMIT = 65536

function sum(pids: number[], read: (pid: number) => number | undefined): number | undefined {
  const values = pids.map(read).filter((v): v is number => v !== undefined)
  return values.length > 0 ? values.reduce((a, b) => a + b, 0) : undefined
}

/** Polls `check` (or the async `probe`) until it holds; fails when the process exits or after timeoutMs. */
async function waitUntil(what: string, check: () => boolean, proc: Running, timeoutMs = 10_000, probe?: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(check() || (probe !== undefined && (await probe())))) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms: ${proc.output().trim()}`)
    if (proc.child.exitCode !== null) throw new Error(`${proc.name} exited while waiting for ${what}: ${proc.output().trim()}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

export interface ProxyTargetOptions {
  /** Where the config (and logs) go. */
  dir: string
  config: string
  ports: Partial<Record<'http' | 'tcp', number>>
  /** A file the proxy's stdout (request logs) is written to. */
  stdoutFile?: string
}

export async function startLbctl(options: ProxyTargetOptions, extraNodeArgs: string[] = [], build: {bin: string; name: 'lbctl' | 'lbctl-baseline'} = {bin: lbctlBin, name: 'lbctl'}): Promise<Target> {
  const cfg = join(options.dir, `${build.name}.cfg`)
  writeFileSync(cfg, options.config)
  let reloaded = 0
  const out = options.stdoutFile ? openSync(options.stdoutFile, 'a') : undefined
  const proc = start(`${build.name} run`, process.execPath, [...extraNodeArgs, build.bin, 'run', '-f', cfg], {
    fileLimit: FILE_LIMIT,
    cpu: 'proxy',
    ...(out !== undefined ? {stdout: out} : {}),
    onStderr: (text) => {
      reloaded += text.split('lbctl run: reloaded').length - 1
    },
  })
  if (out !== undefined) closeSync(out)
  try {
    for (const port of Object.values(options.ports)) await waitForPort(proc, port)
  } catch (error) {
    await proc.stop()
    throw error
  }
  const pid = proc.child.pid!
  return {
    name: build.name,
    ports: options.ports,
    rss: () => rssKiB(pid),
    cpu: () => cpuMs(pid),
    pids: () => [pid],
    async reload() {
      const before = reloaded
      proc.child.kill('SIGHUP')
      await waitUntil('lbctl reload', () => reloaded > before, proc)
    },
    stop: () => proc.stop(),
  }
}

/** `show proc` on HAProxy's master CLI: the current worker pids, or undefined while the master does not answer. */
function currentWorkers(socketPath: string): Promise<number[] | undefined> {
  return new Promise((resolve) => {
    const socket = connect(socketPath)
    let text = ''
    socket.setTimeout(2000, () => socket.destroy())
    socket.once('connect', () => socket.end('show proc\n'))
    socket.on('data', (chunk) => (text += chunk.toString()))
    socket.once('error', () => resolve(undefined))
    socket.once('close', () => {
      const section = /# workers\n([\s\S]*?)(?:\n#|$)/.exec(text)?.[1]
      resolve(section === undefined ? undefined : [...section.matchAll(/^(\d+)\s+worker/gm)].map((m) => Number(m[1])))
    })
  })
}

/** HAProxy in the foreground (-db), or master-worker (-W) when it must reload like in production. */
export async function startHaproxy(options: ProxyTargetOptions & {masterWorker?: boolean}): Promise<Target> {
  const cfg = join(options.dir, 'haproxy.cfg')
  writeFileSync(cfg, options.config)
  const master = join(options.dir, 'master.sock')
  const out = options.stdoutFile ? openSync(options.stdoutFile, 'a') : undefined
  const args = options.masterWorker ? ['-W', '-S', master, '-f', cfg] : ['-db', '-f', cfg]
  const proc = start('haproxy', 'haproxy', args, {fileLimit: FILE_LIMIT, cpu: 'proxy', ...(out !== undefined ? {stdout: out} : {})})
  if (out !== undefined) closeSync(out)
  let workers: number[] = []
  // The master takes signals once its CLI answers (a SIGUSR2 during its start-up is lost).
  const workersChanged = async (what: string) => {
    const before = workers.join()
    let now: number[] | undefined
    await waitUntil(what, () => false, proc, 10_000, async () => {
      now = await currentWorkers(master)
      return now !== undefined && now.length > 0 && now.join() !== before
    })
    workers = now!
  }
  try {
    for (const port of Object.values(options.ports)) await waitForPort(proc, port)
    if (options.masterWorker) await workersChanged('haproxy start')
  } catch (error) {
    await proc.stop()
    throw error
  }
  const pid = proc.child.pid!
  const pids = () => (options.masterWorker ? workers : [pid])
  return {
    name: 'haproxy',
    ports: options.ports,
    rss: () => sum(pids(), rssKiB),
    cpu: () => sum(pids(), cpuMs),
    pids,
    ...(options.masterWorker
      ? {
          async reload() {
            // SIGUSR2 to the master: it re-execs, starts a new worker on the same sockets, soft-stops the old one.
            proc.child.kill('SIGUSR2')
            await workersChanged('haproxy reload')
          },
        }
      : {}),
    stop: () => proc.stop(),
  }
}

export async function startHttpProxy(port: number, backends: number[]): Promise<Target> {
  const script = join(import.meta.dirname, '..', 'node-http-proxy.mjs')
  const proc = start('node http-proxy', process.execPath, [script, String(port), ...backends.map((b) => `http://127.0.0.1:${b}`)], {fileLimit: FILE_LIMIT, cpu: 'proxy'})
  try {
    await waitForPort(proc, port)
  } catch (error) {
    await proc.stop()
    throw error
  }
  const pid = proc.child.pid!
  return {name: 'http-proxy', ports: {http: port}, rss: () => rssKiB(pid), cpu: () => cpuMs(pid), pids: () => [pid], stop: () => proc.stop()}
}

/** No proxy: the load goes straight to the first backend (the ceiling of this machine). */
export function direct(backends: number[]): Target {
  const port = backends[0]!
  return {name: 'direct', ports: {http: port, tcp: port}, rss: () => undefined, cpu: () => undefined, pids: () => [], stop: async () => {}}
}
