import {type ChildProcess, spawn} from 'node:child_process'
import type {UpEndpoints} from '../../src/engine/demo/up.js'
import {repoRoot} from './cli.js'
import {alive} from './process.js'

/** A running `lbctl up --no-top --json` (the built CLI) and what it printed so far. */
export interface UpRun {
  child: ChildProcess
  endpoints: UpEndpoints
  exited: Promise<number | null>
  stdout(): string
  stderr(): string
  /** SIGKILL of `lbctl up` and every node it started: the afterAll safety net. */
  killAll(): void
}

/** Starts `lbctl up --no-top --json` and waits (at most `ms`) for its first line, the endpoints. */
export async function startUpJson(cli: string, ms = 20_000): Promise<UpRun> {
  const child = spawn(process.execPath, [cli, 'up', '--no-top', '--json'], {cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, NO_COLOR: '1'}})
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const end = Date.now() + ms
  while (!stdout.includes('\n')) {
    if (Date.now() > end) {
      child.kill('SIGKILL')
      throw new Error(`timed out after ${ms} ms waiting for the endpoints line (stderr: ${stderr})`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const endpoints = JSON.parse(stdout.split('\n')[0]!) as UpEndpoints
  return {
    child,
    endpoints,
    exited,
    stdout: () => stdout,
    stderr: () => stderr,
    killAll: () => {
      for (const pid of [...endpoints.nodes.map((n) => n.pid), child.pid]) if (pid !== undefined && alive(pid)) process.kill(pid, 'SIGKILL')
    },
  }
}
