// Scenario `proxy`: keep-alive HTTP, a new connection per request, and L4 TCP through each target,
// interleaved round by round (A B C D, then B C D A, ...) so drift on the machine hits every target alike.
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {median} from '../util.js'
import {startBackends} from './backends.js'
import {proxyConfig} from './config.js'
import {type Machine, machine} from './machine.js'
import {freePort} from './process.js'
import {direct, startHaproxy, startHttpProxy, startLbctl, type Target, type TargetName} from './targets.js'
import {findTools, lbctlBaselineBin, requireTools} from './tools.js'
import {isPinned} from './pin.js'
import {runWrk} from './wrk.js'

export type LoadMode = 'http-keepalive' | 'http-close' | 'tcp'

export const MODES: Record<LoadMode, {port: 'http' | 'tcp'; close: boolean; what: string}> = {
  'http-keepalive': {port: 'http', close: false, what: 'L7, keep-alive'},
  'http-close': {port: 'http', close: true, what: 'L7, new connection per request'},
  tcp: {port: 'tcp', close: false, what: 'L4 (mode tcp), keep-alive through it'},
}

export interface TargetFigures {
  target: TargetName
  /** Medians over the rounds. */
  rps: number
  p50Ms: number
  p99Ms: number
  rssKiB: number | null
  /** Proxy CPU time per request in microseconds (user + system): robust when other load shares the machine. */
  cpuUsPerRequest: number | null
  errors: number
  /** Per-round requests/s, in round order. */
  runs: number[]
  /** rps / HAProxy's rps (null without HAProxy). */
  vsHaproxy: number | null
  /** p99 / HAProxy's p99. */
  p99VsHaproxy: number | null
  /** CPU per request / HAProxy's (what the rps ratio would be, inverted, if both had a core to themselves). */
  cpuVsHaproxy: number | null
}

export interface ModeFigures {
  mode: LoadMode
  what: string
  targets: TargetFigures[]
}

export interface ProxyBenchOptions {
  durationS?: number
  rounds?: number
  connections?: number
  /** Seconds of load per target and mode before the measured rounds (0: none). */
  warmupS?: number
  modes?: LoadMode[]
  /** HAProxy's nbthread (lbctl always runs one process). */
  nbthread?: number
  /** Targets left out. */
  skip?: ('http-proxy' | 'direct')[]
  log?: (line: string) => void
}

export interface ProxyBenchResult {
  scenario: 'proxy'
  machine: Machine
  durationS: number
  rounds: number
  connections: number
  nbthread: number
  /** --pin: the proxies on CPU 1, wrk and nginx on CPU 0. */
  pinned: boolean
  modes: ModeFigures[]
  /** Targets that could not be measured and why. */
  missing: string[]
}

interface Sample {
  rps: number
  p50Ms: number
  p99Ms: number
  rss: number | undefined
  cpuUs: number | undefined
  errors: number
}

export async function benchProxy(options: ProxyBenchOptions = {}): Promise<ProxyBenchResult> {
  const durationS = options.durationS ?? 4
  const rounds = options.rounds ?? 3
  const connections = options.connections ?? 50
  const warmupS = options.warmupS ?? 1
  const modes = options.modes ?? (Object.keys(MODES) as LoadMode[])
  const nbthread = options.nbthread ?? 1
  const log = options.log ?? (() => {})
  const tools = findTools()
  requireTools(tools, 'proxy')
  const dir = mkdtempSync(join(tmpdir(), 'lbctl-bench-proxy-'))
  const targets: Target[] = []
  const backends = await startBackends(dir)
  try {
    const ports = async () => ({http: await freePort(), tcp: await freePort()})
    const lbctlPorts = await ports()
    // LBCTL_BENCH_NODE_ARGS: node options for the measured lbctl, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
    const nodeArgs = process.env.LBCTL_BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []
    targets.push(await startLbctl({dir, ports: lbctlPorts, config: proxyConfig({httpPort: lbctlPorts.http, tcpPort: lbctlPorts.tcp, backends: backends.ports})}, nodeArgs))
    if (lbctlBaselineBin) {
      const p = await ports()
      targets.push(await startLbctl({dir, ports: p, config: proxyConfig({httpPort: p.http, tcpPort: p.tcp, backends: backends.ports})}, [], {bin: lbctlBaselineBin, name: 'lbctl-baseline'}))
    }
    if (tools.haproxy) {
      const p = await ports()
      targets.push(await startHaproxy({dir, ports: p, config: proxyConfig({httpPort: p.http, tcpPort: p.tcp, backends: backends.ports, nbthread})}))
    }
    const skip = options.skip ?? []
    if (tools.httpProxy && !skip.includes('http-proxy')) targets.push(await startHttpProxy(await freePort(), backends.ports))
    if (!skip.includes('direct')) targets.push(direct(backends.ports))

    const samples = new Map<string, Sample[]>()
    const key = (mode: LoadMode, target: TargetName) => `${mode}/${target}`
    const measure = async (mode: LoadMode, target: Target, seconds: number) => {
      const port = target.ports[MODES[mode].port]
      if (port === undefined) return undefined
      const cpuBefore = target.cpu()
      const r = await runWrk({port, durationS: seconds, connections, close: MODES[mode].close})
      const cpuAfter = target.cpu()
      const cpuUs = cpuBefore !== undefined && cpuAfter !== undefined && r.requests > 0 ? ((cpuAfter - cpuBefore) * 1000) / r.requests : undefined
      return {rps: r.rps, p50Ms: r.p50Ms, p99Ms: r.p99Ms, rss: target.rss(), cpuUs, errors: r.errors}
    }
    if (warmupS > 0) {
      log(`warming up ${targets.map((t) => t.name).join(', ')} (${warmupS} s each)`)
      for (const mode of modes) for (const target of targets) await measure(mode, target, warmupS)
    }
    for (let round = 0; round < rounds; round++) {
      for (const mode of modes) {
        // Rotate the order each round.
        const order = targets.map((_, i) => targets[(i + round) % targets.length]!)
        for (const target of order) {
          const sample = await measure(mode, target, durationS)
          if (!sample) continue
          const list = samples.get(key(mode, target.name)) ?? []
          list.push(sample)
          samples.set(key(mode, target.name), list)
          log(`round ${round + 1}/${rounds} ${mode} ${target.name}: ${sample.rps.toFixed(0)} req/s, p99 ${sample.p99Ms.toFixed(2)} ms${sample.cpuUs === undefined ? '' : `, ${sample.cpuUs.toFixed(1)} µs CPU/request`}`)
        }
      }
    }
    return {
      scenario: 'proxy',
      machine: machine(),
      durationS,
      rounds,
      connections,
      nbthread,
      pinned: isPinned(),
      modes: modes.map((mode) => summarize(mode, targets, (t) => samples.get(key(mode, t)))),
      missing: tools.missing,
    }
  } finally {
    await Promise.all(targets.map((t) => t.stop()))
    await backends.stop()
    rmSync(dir, {recursive: true, force: true})
  }
}

function summarize(mode: LoadMode, targets: Target[], samplesOf: (t: TargetName) => Sample[] | undefined): ModeFigures {
  const figures: TargetFigures[] = []
  for (const target of targets) {
    const s = samplesOf(target.name)
    if (!s || s.length === 0) continue
    const rss = s.map((x) => x.rss).filter((v): v is number => v !== undefined)
    const cpu = s.map((x) => x.cpuUs).filter((v): v is number => v !== undefined)
    figures.push({
      target: target.name,
      rps: median(s.map((x) => x.rps)),
      p50Ms: median(s.map((x) => x.p50Ms)),
      p99Ms: median(s.map((x) => x.p99Ms)),
      rssKiB: rss.length > 0 ? median(rss) : null,
      cpuUsPerRequest: cpu.length > 0 ? median(cpu) : null,
      errors: s.reduce((n, x) => n + x.errors, 0),
      runs: s.map((x) => x.rps),
      vsHaproxy: null,
      p99VsHaproxy: null,
      cpuVsHaproxy: null,
    })
  }
  const haproxy = figures.find((f) => f.target === 'haproxy')
  if (haproxy) {
    for (const f of figures) {
      f.vsHaproxy = f.rps / haproxy.rps
      f.p99VsHaproxy = f.p99Ms / haproxy.p99Ms
      if (f.cpuUsPerRequest !== null && haproxy.cpuUsPerRequest) f.cpuVsHaproxy = f.cpuUsPerRequest / haproxy.cpuUsPerRequest
    }
  }
  return {mode, what: MODES[mode].what, targets: figures}
}
