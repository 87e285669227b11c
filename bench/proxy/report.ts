// Human-readable tables of the proxy scenarios (`--json` prints the results themselves).
import type {FeaturesBenchResult} from './features.js'
import type {InstructionsResult} from './instructions.js'
import type {Machine} from './machine.js'
import type {MemoryBenchResult} from './memory.js'
import type {ReloadBenchResult} from './reload.js'
import type {ProxyBenchResult} from './throughput.js'

/** Columns after the first are right-aligned, except the text columns listed in `left`. */
function table(rows: string[][], left: number[] = []): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)))
  const pad = (cell: string, c: number) => (c === 0 || left.includes(c) ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))
  return rows.map((r) => '  ' + r.map(pad).join('  ')).join('\n')
}

const num = (v: number, digits = 0) => v.toLocaleString('en-US', {maximumFractionDigits: digits, minimumFractionDigits: digits})
const ratio = (v: number | null) => (v === null ? 'n/a' : `${v.toFixed(2)} x`)

export function describeMachine(m: Machine): string {
  return `${m.cpus} cores (${m.cpuModel}), Node ${m.node}, HAProxy ${m.haproxy ?? 'not installed'}, nginx ${m.nginx ?? '-'}, wrk ${m.wrk ?? '-'}, ${m.date.slice(0, 10)}`
}

export function renderProxy(r: ProxyBenchResult): string {
  const out = [`proxy: wrk -t1 -c${r.connections}, ${r.durationS} s x ${r.rounds} rounds interleaved, medians; HAProxy nbthread ${r.nbthread}; ${r.pinned ? 'proxies pinned to CPU 1, wrk and nginx to CPU 0; ' : ''}${describeMachine(r.machine)}`]
  for (const mode of r.modes) {
    out.push(`${mode.what}`)
    const rows = [['target', 'req/s', 'vs haproxy', 'p50 ms', 'p99 ms', 'p99 vs haproxy', 'CPU µs/req', 'CPU vs haproxy', 'RSS MiB', 'errors']]
    for (const t of mode.targets) {
      const cpu = t.cpuUsPerRequest === null ? '-' : num(t.cpuUsPerRequest, 1)
      const cpuRatio = t.cpuVsHaproxy === null ? '-' : ratio(t.cpuVsHaproxy)
      rows.push([t.target, num(t.rps), ratio(t.vsHaproxy), num(t.p50Ms, 2), num(t.p99Ms, 2), ratio(t.p99VsHaproxy), cpu, cpuRatio, t.rssKiB === null ? '-' : num(t.rssKiB / 1024, 1), String(t.errors)])
    }
    out.push(table(rows))
  }
  return out.join('\n')
}

export function renderInstructions(r: InstructionsResult): string {
  const out = [`instructions: user-space instructions per request (valgrind callgrind, every thread), ${num(r.requests)} requests per mode after a warm-up, 10 at a time; ${describeMachine(r.machine)}`]
  for (const mode of r.modes) {
    out.push(mode.what)
    const rows = [['target', 'instructions/req', 'vs haproxy']]
    for (const t of mode.targets) rows.push([t.target, num(t.perRequest), t.vsHaproxy === null ? '-' : ratio(t.vsHaproxy)])
    out.push(table(rows))
  }
  return out.join('\n')
}

export function renderMemory(r: MemoryBenchResult): string {
  const rows = [['target', 'server side', 'connections', 'RSS before MiB', 'RSS after MiB', 'KiB per connection', 'dropped']]
  for (const t of r.targets) rows.push([t.target, t.serverSide, num(t.connections), num(t.rssBeforeKiB / 1024, 1), num(t.rssAfterKiB / 1024, 1), num(t.kibPerConnection, 2), String(t.dropped)])
  return `memory: idle keep-alive client connections held through the proxy (server side closed after the response, or kept); ${describeMachine(r.machine)}\n${table(rows, [1])}`
}

export function renderReload(r: ReloadBenchResult): string {
  const rows = [['target', 'setup', 'reloads', 'requests', 'failed', 'req/s']]
  for (const t of r.targets) rows.push([t.target, t.setup, String(t.reloads), num(t.requests), String(t.failed), num(t.rps)])
  return `reload: wrk -c${r.connections} while the configuration is reloaded; ${describeMachine(r.machine)}\n${table(rows, [1])}`
}

export function renderFeatures(r: FeaturesBenchResult): string {
  const out = [`features: ${r.measured.join(', ') || 'none'} on vs off, wrk -t1 -c${r.connections}, ${r.durationS} s x ${r.rounds} rounds; ${describeMachine(r.machine)}`]
  for (const s of r.support) if (!s.lbctl) out.push(`  not supported by lbctl yet, left out of both: ${s.feature} (${s.reason})`)
  const rows = [['target', 'features', 'req/s', 'p99 ms', 'CPU µs/req', 'log bytes', 'errors']]
  for (const run of r.runs) {
    const cpu = run.cpuUsPerRequest === null ? '-' : num(run.cpuUsPerRequest, 1)
    rows.push([run.target, run.features, num(run.rps), num(run.p99Ms, 2), cpu, run.logBytes === null ? '-' : num(run.logBytes), String(run.errors)])
  }
  out.push(table(rows, [1]))
  out.push(`  cost of the features (on/off): ${r.cost.map((c) => `${c.target} ${c.ratio.toFixed(2)}`).join(', ')}; lbctl vs haproxy with them on: ${ratio(r.lbctlVsHaproxy)}`)
  for (const f of r.perFeature) {
    out.push(`  ${f.feature} alone, ${f.target}: ${f.rpsRatio.toFixed(2)} of the plain req/s, ${f.cpuRatio === null ? '-' : `${f.cpuRatio.toFixed(2)} x`} its CPU per request`)
  }
  for (const run of r.runs) if (run.logBytes === 0) out.push(`  warning: ${run.target} accepted httplog to stdout but wrote no log line: its figure does not include logging`)
  return out.join('\n')
}
