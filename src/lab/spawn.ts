/**
 * Processes started inside a lab namespace (`ip netns exec NS ...`, which execs the command, so the
 * child's pid is the command's). Each gets its own process group so a kill reaches its children,
 * keeps the last lines of its output for error messages, and can be awaited.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {fileURLToPath} from 'node:url'

const KEEP_LINES = 200

export interface LabProcess {
  name: string
  pid: number
  child: ChildProcess
  /** The last lines of stdout+stderr. */
  output(): string
  exited: Promise<{code: number | null; signal: NodeJS.Signals | null}>
  alive(): boolean
  /** Signals the process (or its whole group); ignores a process already gone. */
  signal(signal: NodeJS.Signals, group?: boolean): void
}

export function spawnIn(ns: string, name: string, command: string, args: readonly string[], options: {env?: NodeJS.ProcessEnv; onLine?: (line: string) => void} = {}): LabProcess {
  const child = spawn('ip', ['netns', 'exec', ns, command, ...args], {detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, ...options.env}})
  const lines: string[] = []
  let partial = ''
  const take = (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n')
    partial = parts.pop() ?? ''
    for (const line of parts) {
      options.onLine?.(line)
      lines.push(line)
      if (lines.length > KEEP_LINES) lines.shift()
    }
  }
  child.stdout?.on('data', take)
  child.stderr?.on('data', take)
  let done = false
  const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null}>((resolve) => {
    child.on('exit', (code, signal) => {
      done = true
      resolve({code, signal})
    })
    child.on('error', () => {
      done = true
      resolve({code: null, signal: null})
    })
  })
  if (child.pid === undefined) throw new Error(`could not start ${command} in ${ns}`)
  const pid = child.pid
  return {
    name,
    pid,
    child,
    output: () => [...lines, partial].join('\n').trim(),
    exited,
    alive: () => !done,
    signal(signal, group = false) {
      if (done) return
      try {
        process.kill(group ? -pid : pid, signal)
      } catch {
        // gone meanwhile
      }
    },
  }
}

/**
 * node + the args that run one of lbctl's own modules as a script: the built .js, or (tests running
 * from src/) the .ts through tsx.
 */
export function nodeScript(moduleUrl: string): {command: string; args: string[]} {
  const file = fileURLToPath(moduleUrl)
  return {command: process.execPath, args: file.endsWith('.ts') ? ['--import', 'tsx', file] : [file]}
}

/** The sibling module `name` (without extension) of `base`, with base's extension (.ts or .js). */
export function siblingModule(base: string, name: string): string {
  const extension = base.endsWith('.ts') ? '.ts' : '.js'
  return new URL(`./${name}${extension}`, base).href
}

/** Waits until `check` holds (polling), or throws `what` after timeoutMs. */
export async function waitFor(what: string, timeoutMs: number, check: () => boolean | Promise<boolean>, pollMs = 25): Promise<number> {
  const start = Date.now()
  for (;;) {
    if (await check()) return Date.now() - start
    if (Date.now() - start > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, pollMs))
  }
}

/** Waits for `promise` at most `ms` (the timer is cleared, so it never holds the process open). */
export async function atMost<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    return await Promise.race([promise, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)))])
  } finally {
    clearTimeout(timer)
  }
}
