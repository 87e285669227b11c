// Scenario `reload`: steady load through the proxy while its configuration is reloaded again and again;
// every failed request (socket error or non-2xx/3xx answer) counts. lbctl reloads on SIGHUP in place;
// HAProxy runs master-worker (-W) and reloads on SIGUSR2 (new workers take over the listening sockets).
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {startBackends} from './backends.js'
import {proxyConfig} from './config.js'
import {type Machine, machine} from './machine.js'
import {freePort} from './process.js'
import {startHaproxy, startLbctl, type Target} from './targets.js'
import {findTools, requireTools} from './tools.js'
import {runWrk} from './wrk.js'

export interface ReloadFigures {
  target: 'lbctl' | 'haproxy'
  reloads: number
  requests: number
  failed: number
  rps: number
}

export interface ReloadBenchResult {
  scenario: 'reload'
  machine: Machine
  connections: number
  targets: ReloadFigures[]
  missing: string[]
}

export interface ReloadBenchOptions {
  reloads?: number
  /** Pause between two reloads (after the previous one is confirmed). */
  gapMs?: number
  connections?: number
  log?: (line: string) => void
}

async function measure(target: Target, reloads: number, gapMs: number, connections: number, log: (line: string) => void): Promise<ReloadFigures> {
  // wrk runs longer than the reloads take; it is bounded by its duration either way.
  const durationS = Math.ceil(((reloads + 1) * (gapMs + 150)) / 1000) + 1
  const load = runWrk({port: target.ports.http!, durationS, connections})
  await new Promise((resolve) => setTimeout(resolve, gapMs))
  let done = 0
  for (; done < reloads; done++) {
    await target.reload!()
    await new Promise((resolve) => setTimeout(resolve, gapMs))
  }
  const r = await load
  log(`reload ${target.name}: ${done} reloads, ${r.requests} requests, ${r.errors} failed`)
  return {target: target.name as 'lbctl' | 'haproxy', reloads: done, requests: r.requests, failed: r.errors, rps: r.rps}
}

export async function benchReload(options: ReloadBenchOptions = {}): Promise<ReloadBenchResult> {
  const reloads = options.reloads ?? 20
  const gapMs = options.gapMs ?? 200
  const connections = options.connections ?? 10
  const log = options.log ?? (() => {})
  const tools = findTools()
  requireTools(tools, 'reload')
  const dir = mkdtempSync(join(tmpdir(), 'lbctl-bench-reload-'))
  const backends = await startBackends(dir)
  const results: ReloadFigures[] = []
  try {
    const starters: (() => Promise<Target>)[] = [
      async () => {
        const port = await freePort()
        return startLbctl({dir, ports: {http: port}, config: proxyConfig({httpPort: port, backends: backends.ports})})
      },
    ]
    if (tools.haproxy) {
      starters.push(async () => {
        const port = await freePort()
        // Old workers give up their last connections after 10 s instead of lingering.
        return startHaproxy({dir, ports: {http: port}, masterWorker: true, config: proxyConfig({httpPort: port, backends: backends.ports, nbthread: 1, globalLines: ['hard-stop-after 10s']})})
      })
    }
    for (const startTarget of starters) {
      const target = await startTarget()
      try {
        results.push(await measure(target, reloads, gapMs, connections, log))
      } finally {
        await target.stop()
      }
    }
  } finally {
    await backends.stop()
    rmSync(dir, {recursive: true, force: true})
  }
  return {scenario: 'reload', machine: machine(), connections, targets: results, missing: tools.missing}
}
