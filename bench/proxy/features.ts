// Scenario `features`: the seeds' L7 features on (ACL routing, cookie insert, forwardfor, httplog to a
// file) against the same proxy without them, for lbctl and HAProxy, so the cost of the features shows.
// Each feature is first offered to lbctl's own loader: what it cannot run yet is reported, not measured.
import {mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {loadHaproxyConfig} from '../../src/engine/proxy/load.js'
import {median} from '../util.js'
import {startBackends} from './backends.js'
import {type ProxyConfig, proxyConfig} from './config.js'
import {type Machine, machine} from './machine.js'
import {freePort} from './process.js'
import {startHaproxy, startLbctl, type Target} from './targets.js'
import {findTools, requireTools} from './tools.js'
import {runWrk} from './wrk.js'

type Feature = 'acl-routing' | 'cookie-insert' | 'forwardfor' | 'httplog-file'

const FEATURES: Record<Feature, Partial<ProxyConfig>> = {
  'acl-routing': {frontendLines: ['acl is_api path_beg /api', 'use_backend be_api if is_api'], extraBackend: true},
  'cookie-insert': {backendLines: ['cookie SRV insert indirect nocache'], serverSuffix: (i) => ` cookie s${i + 1}`},
  forwardfor: {frontendLines: ['option forwardfor']},
  // HAProxy cannot write a file itself: its log goes to stdout, which the benchmark sends to a file.
  'httplog-file': {globalLines: ['log stdout format raw local0'], frontendLines: ['log global', 'option httplog']},
}

const PATH = '/api/bench'

export interface FeatureSupport {
  feature: Feature
  lbctl: boolean
  /** Why lbctl cannot run it yet (its loader's own words). */
  reason?: string
}

export interface FeatureRun {
  target: 'lbctl' | 'haproxy'
  /** None, all the measured ones, or just one (measured in one extra round). */
  features: 'none' | 'on' | Feature
  rps: number
  p99Ms: number
  /** Proxy CPU (user + system) per request. */
  cpuUsPerRequest: number | null
  errors: number
  /** Bytes written to the request log file during the runs (httplog-file on). */
  logBytes: number | null
}

export interface FeaturesBenchResult {
  scenario: 'features'
  machine: Machine
  durationS: number
  rounds: number
  connections: number
  support: FeatureSupport[]
  /** The features both proxies ran in the "on" runs (the ones lbctl supports). */
  measured: Feature[]
  runs: FeatureRun[]
  /** rps with the features on / rps without, per target. */
  cost: {target: 'lbctl' | 'haproxy'; ratio: number}[]
  /** Each feature alone: rps and CPU per request relative to no features (one round, so rougher than `cost`). */
  perFeature: {feature: Feature; target: 'lbctl' | 'haproxy'; rpsRatio: number; cpuRatio: number | null}[]
  /** lbctl's rps / HAProxy's with the features on. */
  lbctlVsHaproxy: number | null
  missing: string[]
}

export interface FeaturesBenchOptions {
  durationS?: number
  rounds?: number
  connections?: number
  /** Also measure each feature alone, one round (default true). */
  perFeature?: boolean
  log?: (line: string) => void
}

function merge(parts: Partial<ProxyConfig>[], base: ProxyConfig): ProxyConfig {
  const out: ProxyConfig = {...base}
  for (const p of parts) {
    out.frontendLines = [...(out.frontendLines ?? []), ...(p.frontendLines ?? [])]
    out.backendLines = [...(out.backendLines ?? []), ...(p.backendLines ?? [])]
    out.globalLines = [...(out.globalLines ?? []), ...(p.globalLines ?? [])]
    if (p.serverSuffix) out.serverSuffix = p.serverSuffix
    if (p.extraBackend) out.extraBackend = true
  }
  return out
}

/** Asks lbctl's loader whether it runs each feature on its own. */
function support(dir: string, backends: number[]): FeatureSupport[] {
  return (Object.keys(FEATURES) as Feature[]).map((feature) => {
    const file = join(dir, `support-${feature}.cfg`)
    writeFileSync(file, proxyConfig(merge([FEATURES[feature]], {httpPort: 1, backends})))
    const loaded = loadHaproxyConfig([file])
    if (loaded.ok) return {feature, lbctl: true}
    const reason = [...loaded.errors.map((d) => d.message), ...loaded.problems].join('; ').replaceAll(`${file}:`, 'line ')
    return {feature, lbctl: false, reason: reason || 'refused'}
  })
}

export async function benchFeatures(options: FeaturesBenchOptions = {}): Promise<FeaturesBenchResult> {
  const durationS = options.durationS ?? 2
  const rounds = options.rounds ?? 3
  const connections = options.connections ?? 50
  const log = options.log ?? (() => {})
  const tools = findTools()
  requireTools(tools, 'features')
  const dir = mkdtempSync(join(tmpdir(), 'lbctl-bench-features-'))
  const backends = await startBackends(dir)
  const targets: {target: Target; features: FeatureRun['features']; logFile: string}[] = []
  try {
    const supported = support(dir, backends.ports)
    const measured = supported.filter((s) => s.lbctl).map((s) => s.feature)
    for (const s of supported) if (!s.lbctl) log(`features: lbctl does not support ${s.feature} yet: ${s.reason}`)
    const kinds: ('lbctl' | 'haproxy')[] = tools.haproxy ? ['lbctl', 'haproxy'] : ['lbctl']
    const launch = async (kind: 'lbctl' | 'haproxy', features: FeatureRun['features']) => {
      const port = await freePort()
      const sub = join(dir, `${kind}-${features}`)
      mkdirSync(sub)
      const base: ProxyConfig = {httpPort: port, backends: backends.ports, extraBackend: true, ...(kind === 'haproxy' ? {nbthread: 1} : {})}
      const on = features === 'none' ? [] : features === 'on' ? measured : [features]
      const config = proxyConfig(merge(on.map((f) => FEATURES[f]), base))
      const logFile = join(dir, `${kind}-${features}.log`)
      writeFileSync(logFile, '')
      const o = {dir: sub, ports: {http: port}, config, stdoutFile: logFile}
      targets.push({target: kind === 'lbctl' ? await startLbctl(o) : await startHaproxy(o), features, logFile})
    }
    for (const kind of kinds) for (const features of ['none', 'on'] as const) await launch(kind, features)
    const main = targets.length
    if (options.perFeature ?? true) for (const feature of measured) for (const kind of kinds) await launch(kind, feature)
    const samples = new Map<number, {rps: number; p99Ms: number; errors: number; cpuUs: number | undefined}[]>()
    const measure = async (index: number, seconds: number) => {
      const t = targets[index]!
      const before = t.target.cpu()
      const r = await runWrk({port: t.target.ports.http!, durationS: seconds, connections, path: PATH})
      const after = t.target.cpu()
      const cpuUs = before !== undefined && after !== undefined && r.requests > 0 ? ((after - before) * 1000) / r.requests : undefined
      samples.set(index, [...(samples.get(index) ?? []), {rps: r.rps, p99Ms: r.p99Ms, errors: r.errors, cpuUs}])
      return r
    }
    for (let i = 0; i < targets.length; i++) await runWrk({port: targets[i]!.target.ports.http!, durationS: 1, connections, path: PATH})
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < main; i++) {
        const index = (i + round) % main
        const r = await measure(index, durationS)
        log(`round ${round + 1}/${rounds} ${targets[index]!.target.name} features ${targets[index]!.features}: ${r.rps.toFixed(0)} req/s`)
      }
    }
    for (let index = main; index < targets.length; index++) {
      const r = await measure(index, durationS)
      log(`${targets[index]!.target.name} with ${targets[index]!.features} alone: ${r.rps.toFixed(0)} req/s`)
    }
    const runs: FeatureRun[] = targets.map((t, i) => {
      const s = samples.get(i) ?? []
      const logBytes = statSync(t.logFile).size
      const cpu = s.map((x) => x.cpuUs).filter((v): v is number => v !== undefined)
      const logs = t.features === 'httplog-file' || (t.features === 'on' && measured.includes('httplog-file'))
      return {
        target: t.target.name as 'lbctl' | 'haproxy',
        features: t.features,
        rps: median(s.map((x) => x.rps)),
        p99Ms: median(s.map((x) => x.p99Ms)),
        cpuUsPerRequest: cpu.length > 0 ? median(cpu) : null,
        errors: s.reduce((n, x) => n + x.errors, 0),
        logBytes: logs ? logBytes : null,
      }
    })
    const find = (target: string, features: string) => runs.find((r) => r.target === target && r.features === features)
    const cost = kinds.map((target) => ({target, ratio: find(target, 'on')!.rps / find(target, 'none')!.rps}))
    const perFeature = runs
      .filter((r) => r.features !== 'none' && r.features !== 'on')
      .map((r) => {
        const none = find(r.target, 'none')!
        const cpuRatio = r.cpuUsPerRequest !== null && none.cpuUsPerRequest ? r.cpuUsPerRequest / none.cpuUsPerRequest : null
        return {feature: r.features as Feature, target: r.target, rpsRatio: r.rps / none.rps, cpuRatio}
      })
    const haproxyOn = find('haproxy', 'on')
    return {
      scenario: 'features',
      machine: machine(),
      durationS,
      rounds,
      connections,
      support: supported,
      measured,
      runs,
      cost,
      perFeature,
      lbctlVsHaproxy: haproxyOn ? find('lbctl', 'on')!.rps / haproxyOn.rps : null,
      missing: tools.missing,
    }
  } finally {
    await Promise.all(targets.map((t) => t.target.stop()))
    await backends.stop()
    rmSync(dir, {recursive: true, force: true})
  }
}
