/**
 * Processes started inside test network namespaces (`ip netns exec`), with their output kept,
 * plus polling helpers: shared by the namespace tests of the VRRP engine.
 */
import {execFileSync, spawn, type ChildProcess} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import type {NetnsEnd} from '../../helpers/netns.js'

export const runCliPath = fileURLToPath(new URL('./run-cli.ts', import.meta.url))

export interface NsProc {
  name: string
  child: ChildProcess
  output: string[]
  exit: Promise<number | null>
  text(): string
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls until `check` holds; returns how long it took (ms), or throws after `timeoutMs`. */
export async function within(what: string, timeoutMs: number, check: () => boolean, pollMs = 20): Promise<number> {
  const start = performance.now()
  for (;;) {
    if (check()) return performance.now() - start
    if (performance.now() - start > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`)
    await sleep(pollMs)
  }
}

/** Starts `args` in the namespace, in its own process group (a hard kill takes its children too). */
export function startIn(procs: NsProc[], name: string, end: NetnsEnd, args: string[]): NsProc {
  const child = spawn('ip', ['netns', 'exec', end.ns, ...args], {detached: true, stdio: ['ignore', 'pipe', 'pipe']})
  const output: string[] = []
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()))
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const proc: NsProc = {name, child, output, exit, text: () => output.join('')}
  procs.push(proc)
  return proc
}

/** `lbctl run -f FILE --json` from the sources, inside the namespace. */
export function startLbctlIn(procs: NsProc[], end: NetnsEnd, file: string, name = 'lbctl'): NsProc {
  return startIn(procs, name, end, [process.execPath, '--import', 'tsx', runCliPath, '-f', file, '--json'])
}

export function signal(proc: NsProc, sig: 'SIGKILL' | 'SIGTERM'): void {
  const pid = proc.child.pid
  if (pid === undefined) throw new Error(`${proc.name} has no pid`)
  process.kill(sig === 'SIGKILL' ? -pid : pid, sig)
}

/** Kills what is still running (whole process groups) and waits a little for the exits. */
export async function killAll(procs: readonly NsProc[]): Promise<void> {
  for (const proc of procs) {
    if (proc.child.exitCode === null && proc.child.signalCode === null && proc.child.pid !== undefined) {
      try {
        process.kill(-proc.child.pid, 'SIGKILL')
      } catch {
        // gone already
      }
    }
  }
  await Promise.all(procs.map((proc) => Promise.race([proc.exit, sleep(2000)])))
}

export function ipIn(end: NetnsEnd, args: string[]): string {
  return execFileSync('ip', ['-n', end.ns, ...args], {stdio: ['ignore', 'pipe', 'pipe']}).toString()
}

/** The MAC address of the namespace end's veth. */
export function macOf(end: NetnsEnd): string {
  const match = /link\/ether\s+([0-9a-f:]{17})/.exec(ipIn(end, ['link', 'show', 'dev', end.ifname]))
  if (!match?.[1]) throw new Error(`no MAC on ${end.ifname}`)
  return match[1]
}

/** lbctl's JSON event lines. */
export function jsonEvents(proc: NsProc): {type: string; [key: string]: unknown}[] {
  return proc
    .text()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as {type: string})
}
