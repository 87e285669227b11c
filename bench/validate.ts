import {execFileSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
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
  const times = {haproxy: [] as number[], inProcess: [] as number[], cli: [] as number[], cliCleanEnv: [] as number[]}
  const cleanEnv = process.env.NODE_EXTRA_CA_CERTS === undefined ? undefined : {...process.env, NODE_EXTRA_CA_CERTS: undefined}
  const cli = [join(import.meta.dirname, '..', 'bin', 'run.js'), 'validate', '-q', file]
  const options = {paths: [file], pair: false, strict: false, strictEnv: false, targetVersion: '2.6', oracle: false}
  await validateConfigs(options) // warm up the JIT once, like a second run of a CLI would not be: reported separately below
  try {
    for (let round = 0; round < rounds; round++) {
      if (haproxy) times.haproxy.push(timeCommand('haproxy', ['-c', '-q', '-f', file]))
      const start = performance.now()
      const run = await validateConfigs(options)
      times.inProcess.push(performance.now() - start)
      if (run.diagnostics.some((d) => d.severity === 'error')) throw new Error(`generated config has errors: ${run.diagnostics[0]?.message}`)
      times.cli.push(timeCommand(process.execPath, cli))
      if (cleanEnv) times.cliCleanEnv.push(timeCommand(process.execPath, cli, cleanEnv))
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
    ratioInProcess: haproxyCheckMs ? lbctlInProcessMs / haproxyCheckMs : null,
    ratioCli: haproxyCheckMs ? lbctlCliMs / haproxyCheckMs : null,
    ratioCliCleanEnv: haproxyCheckMs && lbctlCliCleanEnvMs !== null ? lbctlCliCleanEnvMs / haproxyCheckMs : null,
  }
}

function timeCommand(command: string, args: string[], env?: NodeJS.ProcessEnv): number {
  const start = performance.now()
  try {
    execFileSync(command, args, {stdio: 'ignore', ...(env ? {env} : {})})
  } catch (error) {
    const status = (error as {status?: number}).status
    if (status !== 2) throw error // haproxy -c exits 2 for "valid but would not start"
  }
  return performance.now() - start
}
