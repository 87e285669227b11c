// `npm run bench [-- SCENARIO...] [-- --json] [--duration=S --rounds=N --modes=http-keepalive,http-close,tcp --idle=N --reloads=N --nbthread=N --skip=http-proxy,direct --pin --requests=N]`:
// benchmarks measured side by side with the real tools (`instructions`, valgrind's count per request, runs only when named). Progress goes to stderr, results to stdout.
import {benchFeatures} from './proxy/features.js'
import {benchInstructions} from './proxy/instructions.js'
import {benchMemory} from './proxy/memory.js'
import {renderFeatures, renderInstructions, renderMemory, renderProxy, renderReload} from './proxy/report.js'
import {benchReload} from './proxy/reload.js'
import {benchProxy, type LoadMode, MODES} from './proxy/throughput.js'
import {pinCpus} from './proxy/pin.js'
import {killAll} from './proxy/process.js'
import {findTools} from './proxy/tools.js'
import {benchValidate, type ValidateBenchResult} from './validate.js'

const args = process.argv.slice(2)
const json = args.includes('--json')
const wanted = args.filter((a) => !a.startsWith('--'))
const flag = (name: string): number | undefined => {
  const found = args.find((a) => a.startsWith(`--${name}=`))
  if (!found) return undefined
  const value = Number(found.slice(name.length + 3))
  if (!Number.isFinite(value) || value <= 0) {
    process.stderr.write(`bench: --${name} wants a positive number, got ${found}\n`)
    process.exit(2)
  }
  return value
}
const log = (line: string) => process.stderr.write(`bench: ${line}\n`)
// Interrupted: no nginx, haproxy or lbctl left behind ('exit' handlers do not run on a signal by themselves).
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping`)
    killAll()
    process.exit(signal === 'SIGINT' ? 130 : 143)
  })
}
const durationS = flag('duration')
const rounds = flag('rounds')
const common = {log, ...(durationS ? {durationS} : {}), ...(rounds ? {rounds} : {})}
const nbthread = flag('nbthread')
const idle = flag('idle')
const modesArg = args.find((a) => a.startsWith('--modes='))?.slice('--modes='.length).split(',')
if (modesArg?.some((m) => !(m in MODES))) {
  process.stderr.write(`bench: --modes takes ${Object.keys(MODES).join(',')}\n`)
  process.exit(2)
}
const modes = modesArg as LoadMode[] | undefined
// Targets left out of the proxy scenario (a quicker before/after run with LBCTL_BENCH_BASELINE).
const skip = args.find((a) => a.startsWith('--skip='))?.slice('--skip='.length).split(',') as ('http-proxy' | 'direct')[] | undefined
if (skip?.some((t) => t !== 'http-proxy' && t !== 'direct')) {
  process.stderr.write('bench: --skip takes http-proxy,direct\n')
  process.exit(2)
}
const reloads = flag('reloads')
const requests = flag('requests')
// The proxy under test alone on CPU 1, wrk and nginx on CPU 0 (bench/proxy/pin.ts).
if (args.includes('--pin')) {
  const refused = pinCpus()
  if (refused) {
    process.stderr.write(`bench: ${refused}\n`)
    process.exit(2)
  }
}

interface Scenario {
  run: () => Promise<{scenario: string}>
  render: (result: never) => string
}

const scenarios: Record<string, Scenario> = {
  validate: {run: () => benchValidate(), render: printValidate},
  proxy: {run: () => benchProxy({...common, ...(nbthread ? {nbthread} : {}), ...(modes ? {modes} : {}), ...(skip ? {skip} : {})}), render: renderProxy},
  memory: {run: () => benchMemory({log, ...(idle ? {connections: idle} : {})}), render: renderMemory},
  reload: {run: () => benchReload({log, ...(reloads ? {reloads} : {})}), render: renderReload},
  features: {run: () => benchFeatures(common), render: renderFeatures},
  instructions: {run: () => benchInstructions({log, ...(requests ? {requests} : {})}), render: renderInstructions},
}
/** Run only when named: valgrind takes minutes per target. */
const ON_REQUEST = new Set(['instructions'])

const unknown = wanted.filter((name) => !(name in scenarios))
if (unknown.length > 0) {
  process.stderr.write(`bench: unknown scenario ${unknown.join(', ')}; known: ${Object.keys(scenarios).join(', ')}\n`)
  process.exit(2)
}

const names = wanted.length > 0 ? wanted : Object.keys(scenarios).filter((name) => !ON_REQUEST.has(name))
if (names.some((n) => n !== 'validate')) {
  for (const line of findTools().missing) log(`missing: ${line}`)
}

const results: {scenario: string}[] = []
let failed = false
for (const name of names) {
  log(`running ${name}...`)
  try {
    const result = await scenarios[name]!.run()
    results.push(result)
    if (!json) console.log(scenarios[name]!.render(result as never) + '\n')
  } catch (error) {
    failed = true
    log(`${name} failed: ${(error as Error).message}`)
  }
}

if (json) process.stdout.write(JSON.stringify({results}, null, 2) + '\n')
process.exitCode = failed ? 1 : 0

function printValidate(r: ValidateBenchResult): string {
  const ms = (v: number | null) => (v === null ? 'n/a' : `${v.toFixed(0)} ms`)
  const ratio = (v: number | null) => (v === null ? 'haproxy not installed' : `${v.toFixed(2)} x haproxy -c`)
  const cpu = (v: number | null) => (v === null ? '' : `  (CPU ${v.toFixed(0)} ms)`)
  const lines = [
    `validate: ${r.backends} backends, ${r.servers} servers, ${(r.bytes / 1024).toFixed(0)} KiB, median of ${r.rounds}`,
    `  haproxy -c          ${ms(r.haproxyCheckMs)}${cpu(r.haproxyCheckCpuMs)}`,
    `  lbctl (in process)  ${ms(r.lbctlInProcessMs)}  ${ratio(r.ratioInProcess)}`,
    `  lbctl validate CLI  ${ms(r.lbctlCliMs)}  ${ratio(r.ratioCli)}${cpu(r.lbctlCliCpuMs)}`,
  ]
  if (r.lbctlCliCleanEnvMs !== null) lines.push(`  the same without NODE_EXTRA_CA_CERTS  ${ms(r.lbctlCliCleanEnvMs)}  ${ratio(r.ratioCliCleanEnv)}`)
  if (r.baseline) {
    const clean = r.baseline.cliCleanEnvMs === null ? '' : `, ${ms(r.baseline.cliCleanEnvMs)} without NODE_EXTRA_CA_CERTS`
    lines.push(`  baseline CLI (${r.baseline.bin})  ${ms(r.baseline.cliMs)}${cpu(r.baseline.cliCpuMs)}${clean}`)
  }
  return lines.join('\n')
}
