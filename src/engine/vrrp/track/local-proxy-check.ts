/**
 * Local mode (`lbctl up`): a vrrp_script that checks "is haproxy running" (`pidof haproxy`,
 * `killall -0 haproxy`, `pgrep haproxy`, also inside `sh -c '...'`) would ask about a haproxy
 * process that does not exist on a laptop, and fail on every node alike. In local mode such a
 * check asks the node's own bundled proxy instead: it passes while the proxy runs and fails once
 * it has stopped (SIGUSR1, HAProxy's soft stop). Every other script runs as written; production
 * (privileged mode) runs every script as written.
 */
import {splitCommandLine} from './command-line.js'
import type {ProcessOutcome, ProcessRunner, RunOptions} from './process.js'

const PROCESS_CHECKERS = new Set(['pidof', 'killall', 'pgrep'])
const SHELLS = new Set(['sh', 'bash', 'dash'])

const basename = (path: string) => path.slice(path.lastIndexOf('/') + 1)

/** Whether the command only checks that a haproxy process exists. */
export function isHaproxyProcessCheck(argv: readonly string[]): boolean {
  const [file, ...args] = argv
  if (file === undefined) return false
  const name = basename(file)
  if (SHELLS.has(name) && args[0] === '-c' && args.length === 2) {
    const inner = splitCommandLine(args[1] ?? '')
    return inner.ok && isHaproxyProcessCheck(inner.words)
  }
  if (!PROCESS_CHECKERS.has(name)) return false
  const operands = args.filter((arg) => !arg.startsWith('-'))
  return operands.length === 1 && operands[0] === 'haproxy'
}

/** A process runner that answers haproxy process checks from `proxyRunning` and runs the rest with `inner`. */
export function localProxyCheckRunner(inner: ProcessRunner, proxyRunning: () => boolean): ProcessRunner {
  return {
    run(argv: readonly string[], options: RunOptions): Promise<ProcessOutcome> {
      if (!isHaproxyProcessCheck(argv)) return inner.run(argv, options)
      return Promise.resolve({kind: 'exited', code: proxyRunning() ? 0 : 1})
    },
  }
}
