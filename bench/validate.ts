import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {performance} from 'node:perf_hooks'
import {validateConfigs} from '../src/config/validate.js'
import {generateLargeHaproxyConfig} from './generate.js'
import {hasCommand, median} from './util.js'

export interface ValidateBenchResult {
  scenario: 'validate'
  backends: number
  servers: number
  bytes: number
  rounds: number
  /** Median milliseconds per run. */
  haproxyCheckMs: number | null
  lbctlInProcessMs: number
  lbctlCliMs: number
  /**
   * The CLI without NODE_EXTRA_CA_CERTS in its environment, when the bench's own environment sets it (else
   * null): Node then reads and parses the whole CA file before running any script (about 40 ms for the
   * 220 KB Debian bundle), a cost of that environment that every Node program pays, not of lbctl.
   */
  lbctlCliCleanEnvMs: number | null
  /**
   * Median CPU time (user + system, all threads) of one CLI run and of one `haproxy -c`: steadier than wall
   * time when other work shares the machine.
   */
  lbctlCliCpuMs: number | null
  haproxyCheckCpuMs: number | null
  /**
   * Another lbctl build's bin/run.js (LBCTL_BENCH_BASELINE) timed in the same rounds, to compare builds:
   * wall and CPU medians, with this environment and (when it sets NODE_EXTRA_CA_CERTS) without it.
   */
  baseline: {bin: string; cliMs: number; cliCpuMs: number | null; cliCleanEnvMs: number | null} | null
  /** lbctl time / haproxy time (≤ 1 means lbctl is as fast or faster). */
  ratioInProcess: number | null
  ratioCli: number | null
  ratioCliCleanEnv: number | null
}

/** Times `haproxy -c` against lbctl validate (in-process and the whole CLI) on one generated file, interleaved. */
export async function benchValidate(rounds = 9, backends = 2000, serversPerBackend = 10): Promise<ValidateBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'lbctl-bench-'))
  const file = join(dir, 'haproxy.cfg')
  const text = generateLargeHaproxyConfig(backends, serversPerBackend)
  writeFileSync(file, text)
  const haproxy = hasCommand('haproxy')
  const times = {haproxy: [] as number[], inProcess: [] as number[], cli: [] as number[], cliCleanEnv: [] as number[], haproxyCpu: [] as number[], cliCpu: [] as number[]}
  const baselineBin = process.env.LBCTL_BENCH_BASELINE
  const baselineTimes = {cli: [] as number[], cpu: [] as number[], cleanEnv: [] as number[]}
  const cleanEnv = process.env.NODE_EXTRA_CA_CERTS === undefined ? undefined : {...process.env, NODE_EXTRA_CA_CERTS: undefined}
  const cli = [join(import.meta.dirname, '..', 'bin', 'run.js'), 'validate', '-q', file]
  const options = {paths: [file], pair: false, strict: false, strictEnv: false, targetVersion: '2.6', oracle: false}
  await validateConfigs(options) // warm up the JIT once, like a second run of a CLI would not be: reported separately below
  try {
    for (let round = 0; round < rounds; round++) {
      if (haproxy) {
        const t = timeCommand('haproxy', ['-c', '-q', '-f', file])
        times.haproxy.push(t.ms)
        times.haproxyCpu.push(t.cpuMs)
      }
      const start = performance.now()
      const run = await validateConfigs(options)
      times.inProcess.push(performance.now() - start)
      if (run.diagnostics.some((d) => d.severity === 'error')) throw new Error(`generated config has errors: ${run.diagnostics[0]?.message}`)
      const t = timeCommand(process.execPath, cli)
      times.cli.push(t.ms)
      times.cliCpu.push(t.cpuMs)
      if (cleanEnv) times.cliCleanEnv.push(timeCommand(process.execPath, cli, cleanEnv).ms)
      if (baselineBin !== undefined) {
        const b = timeCommand(process.execPath, [baselineBin, ...cli.slice(1)])
        baselineTimes.cli.push(b.ms)
        baselineTimes.cpu.push(b.cpuMs)
        if (cleanEnv) baselineTimes.cleanEnv.push(timeCommand(process.execPath, [baselineBin, ...cli.slice(1)], cleanEnv).ms)
      }
    }
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
  const haproxyCheckMs = haproxy ? median(times.haproxy) : null
  const lbctlInProcessMs = median(times.inProcess)
  const lbctlCliMs = median(times.cli)
  const lbctlCliCleanEnvMs = cleanEnv ? median(times.cliCleanEnv) : null
  return {
    scenario: 'validate',
    backends,
    servers: backends * serversPerBackend,
    bytes: Buffer.byteLength(text),
    rounds,
    haproxyCheckMs,
    lbctlInProcessMs,
    lbctlCliMs,
    lbctlCliCleanEnvMs,
    lbctlCliCpuMs: orNull(median(times.cliCpu)),
    haproxyCheckCpuMs: haproxy ? orNull(median(times.haproxyCpu)) : null,
    baseline: baselineBin === undefined ? null : {bin: baselineBin, cliMs: median(baselineTimes.cli), cliCpuMs: orNull(median(baselineTimes.cpu)), cliCleanEnvMs: cleanEnv ? median(baselineTimes.cleanEnv) : null},
    ratioInProcess: haproxyCheckMs ? lbctlInProcessMs / haproxyCheckMs : null,
    ratioCli: haproxyCheckMs ? lbctlCliMs / haproxyCheckMs : null,
    ratioCliCleanEnv: haproxyCheckMs && lbctlCliCleanEnvMs !== null ? lbctlCliCleanEnvMs / haproxyCheckMs : null,
  }
}

/** Wall and CPU milliseconds of one run (CPU: the children's user + system time, which the run adds to). */
function timeCommand(command: string, args: string[], env?: NodeJS.ProcessEnv): {ms: number; cpuMs: number} {
  const cpuBefore = childrenCpuMs()
  const start = performance.now()
  const result = spawnSync(command, args, {stdio: 'ignore', ...(env ? {env} : {})})
  const ms = performance.now() - start
  if (result.error) throw result.error
  // haproxy -c exits 2 for "valid but would not start"
  if (result.status !== 0 && result.status !== 2) throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`)
  return {ms, cpuMs: childrenCpuMs() - cpuBefore}
}

/**
 * User + system time of this process's finished children (getrusage RUSAGE_CHILDREN, from /proc/self/stat),
 * in ms, in steps of 10 ms; NaN without /proc (the CPU figures are then null).
 */
function childrenCpuMs(): number {
  if (!existsSync('/proc/self/stat')) return Number.NaN
  const stat = readFileSync('/proc/self/stat', 'utf8')
  // Fields after the command name (which may contain spaces) start at field 3; cutime and cstime are fields 16 and 17.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / CLOCK_TICKS
}

/** sysconf(_SC_CLK_TCK): 100 on Linux. */
const CLOCK_TICKS = 100

const orNull = (v: number): number | null => (Number.isNaN(v) ? null : v)
