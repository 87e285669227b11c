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
  /** How it was run and reloaded. */
  setup: string
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
  /** Also run HAProxy with `option idle-close-on-response` (default true). */
  idleCloseVariant?: boolean
  log?: (line: string) => void
}

async function measure(target: Target, setup: string, reloads: number, gapMs: number, connections: number, log: (line: string) => void): Promise<ReloadFigures> {
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
  log(`reload ${target.name} (${setup}): ${done} reloads, ${r.requests} requests, ${r.errors} failed`)
  return {target: target.name as 'lbctl' | 'haproxy', setup, reloads: done, requests: r.requests, failed: r.errors, rps: r.rps}
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
    const starters: [string, () => Promise<Target>][] = [
      [
        'SIGHUP, in place',
        async () => {
          const port = await freePort()
          return startLbctl({dir, ports: {http: port}, config: proxyConfig({httpPort: port, backends: backends.ports})})
        },
      ],
    ]
    if (tools.haproxy) {
      // Old workers give up their last connections after 10 s instead of lingering.
      const haproxy = (frontendLines: string[]) => async () => {
        const port = await freePort()
        const config = proxyConfig({httpPort: port, backends: backends.ports, nbthread: 1, globalLines: ['hard-stop-after 10s'], frontendLines})
        return startHaproxy({dir, ports: {http: port}, masterWorker: true, config})
      }
      starters.push(['-W, SIGUSR2', haproxy([])])
      // HAProxy's own answer to the same race: idle connections wait for one more request (closed after its response).
      if (options.idleCloseVariant ?? true) starters.push(['-W, SIGUSR2, option idle-close-on-response', haproxy(['option idle-close-on-response'])])
    }
    for (const [setup, startTarget] of starters) {
      const target = await startTarget()
      try {
        results.push(await measure(target, setup, reloads, gapMs, connections, log))
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
