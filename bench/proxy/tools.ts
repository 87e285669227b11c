// What the proxy benchmarks need, where it is, and how to get what is missing.
import {existsSync} from 'node:fs'
import {createRequire} from 'node:module'
import {join} from 'node:path'
import {hasCommand} from '../util.js'

export const repoRoot = join(import.meta.dirname, '..', '..')
/** The lbctl to measure: this checkout's build, or LBCTL_BENCH_BIN (another build's bin/run.js, to compare builds). */
export const lbctlBin = process.env.LBCTL_BENCH_BIN ?? join(repoRoot, 'bin', 'run.js')
/** `proxy` scenario: a second lbctl build's bin/run.js measured in the same run as `lbctl-baseline` (before/after a change). */
export const lbctlBaselineBin = process.env.LBCTL_BENCH_BASELINE

const INSTALL: Record<string, string> = {
  wrk: 'apt-get install wrk (Debian/Ubuntu), brew install wrk (macOS)',
  nginx: 'apt-get install nginx-light (or nginx), brew install nginx',
  haproxy: 'apt-get install haproxy (2.6 is what the figures were taken with), brew install haproxy',
  'http-proxy': 'npm install (it is a devDependency of lbctl)',
  'lbctl build': 'npm run build (the benchmark runs the built bin/run.js, like users do)',
}

export interface Toolset {
  wrk: boolean
  nginx: boolean
  haproxy: boolean
  httpProxy: boolean
  lbctl: boolean
  /** One line per missing tool: what it is needed for and how to install it. */
  missing: string[]
}

export function findTools(): Toolset {
  const wrk = hasCommand('wrk')
  const nginx = hasCommand('nginx')
  const haproxy = hasCommand('haproxy')
  let httpProxy = true
  try {
    createRequire(import.meta.url).resolve('http-proxy')
  } catch {
    httpProxy = false
  }
  const lbctl = existsSync(join(lbctlBin, '..', '..', 'dist', 'commands', 'run.js'))
  const missing: string[] = []
  if (!wrk) missing.push(`wrk (the load generator, needed by every proxy scenario): ${INSTALL.wrk}`)
  if (!nginx) missing.push(`nginx (the backends, needed by every proxy scenario): ${INSTALL.nginx}`)
  if (!haproxy) missing.push(`haproxy (the reference every ratio is taken against): ${INSTALL.haproxy}`)
  if (!httpProxy) missing.push(`node http-proxy (a comparison target): ${INSTALL['http-proxy']}`)
  if (!lbctl) missing.push(`lbctl's build: ${INSTALL['lbctl build']}`)
  return {wrk, nginx, haproxy, httpProxy, lbctl, missing}
}

/** Throws one readable error when the scenario cannot run at all. */
export function requireTools(tools: Toolset, scenario: string): void {
  const essential = [!tools.wrk && 'wrk', !tools.nginx && 'nginx', !tools.lbctl && 'lbctl build'].filter((x): x is string => Boolean(x))
  if (essential.length > 0) {
    throw new Error(`bench ${scenario}: missing ${essential.join(', ')}. Install: ${essential.map((t) => `${t}: ${INSTALL[t]}`).join('; ')}`)
  }
}
