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
  features: 'none' | 'on'
  rps: number
  p99Ms: number
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
  /** lbctl's rps / HAProxy's with the features on. */
  lbctlVsHaproxy: number | null
  missing: string[]
}

export interface FeaturesBenchOptions {
  durationS?: number
  rounds?: number
  connections?: number
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
  const durationS = options.durationS ?? 3
  const rounds = options.rounds ?? 3
  const connections = options.connections ?? 50
  const log = options.log ?? (() => {})
  const tools = findTools()
  requireTools(tools, 'features')
  const dir = mkdtempSync(join(tmpdir(), 'lbctl-bench-features-'))
  const backends = await startBackends(dir)
  const targets: {target: Target; features: 'none' | 'on'; logFile: string}[] = []
  try {
    const supported = support(dir, backends.ports)
    const measured = supported.filter((s) => s.lbctl).map((s) => s.feature)
    for (const s of supported) if (!s.lbctl) log(`features: lbctl does not support ${s.feature} yet: ${s.reason}`)
    const kinds: ('lbctl' | 'haproxy')[] = tools.haproxy ? ['lbctl', 'haproxy'] : ['lbctl']
    for (const kind of kinds) {
      for (const features of ['none', 'on'] as const) {
        const port = await freePort()
        const sub = join(dir, `${kind}-${features}`)
        mkdirSync(sub)
        const base: ProxyConfig = {httpPort: port, backends: backends.ports, extraBackend: true, ...(kind === 'haproxy' ? {nbthread: 1} : {})}
        const config = proxyConfig(features === 'on' ? merge(measured.map((f) => FEATURES[f]), base) : base)
        const logFile = join(dir, `${kind}-${features}.log`)
        writeFileSync(logFile, '')
        const o = {dir: sub, ports: {http: port}, config, stdoutFile: logFile}
        targets.push({target: kind === 'lbctl' ? await startLbctl(o) : await startHaproxy(o), features, logFile})
      }
    }
    const samples = new Map<number, {rps: number; p99Ms: number; errors: number}[]>()
    for (const t of targets) await runWrk({port: t.target.ports.http!, durationS: 1, connections, path: PATH})
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < targets.length; i++) {
        const index = (i + round) % targets.length
        const t = targets[index]!
        const r = await runWrk({port: t.target.ports.http!, durationS, connections, path: PATH})
        samples.set(index, [...(samples.get(index) ?? []), {rps: r.rps, p99Ms: r.p99Ms, errors: r.errors}])
        log(`round ${round + 1}/${rounds} ${t.target.name} features ${t.features}: ${r.rps.toFixed(0)} req/s`)
      }
    }
    const runs: FeatureRun[] = targets.map((t, i) => {
      const s = samples.get(i) ?? []
      const logBytes = statSync(t.logFile).size
      return {
        target: t.target.name as 'lbctl' | 'haproxy',
        features: t.features,
        rps: median(s.map((x) => x.rps)),
        p99Ms: median(s.map((x) => x.p99Ms)),
        errors: s.reduce((n, x) => n + x.errors, 0),
        logBytes: measured.includes('httplog-file') && t.features === 'on' ? logBytes : null,
      }
    })
    const find = (target: string, features: string) => runs.find((r) => r.target === target && r.features === features)
    const cost = kinds.map((target) => ({target, ratio: find(target, 'on')!.rps / find(target, 'none')!.rps}))
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
      lbctlVsHaproxy: haproxyOn ? find('lbctl', 'on')!.rps / haproxyOn.rps : null,
      missing: tools.missing,
    }
  } finally {
    await Promise.all(targets.map((t) => t.target.stop()))
    await backends.stop()
    rmSync(dir, {recursive: true, force: true})
  }
}
