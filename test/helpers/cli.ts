import {execFile} from 'node:child_process'
import {fileURLToPath} from 'node:url'

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
export const cliPath = fileURLToPath(new URL('../../bin/run.js', import.meta.url))

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs the built CLI (bin/run.js, needs `npm run build`) with no TTY, like a script would. */
export function runCli(args: string[], options: {cwd?: string; env?: Record<string, string>; prefix?: string[]} = {}): Promise<CliResult> {
  const [command, ...commandArgs] = [...(options.prefix ?? []), process.execPath, cliPath, ...args]
  return new Promise((resolve) => {
    execFile(
      command!,
      commandArgs,
      {cwd: options.cwd ?? repoRoot, env: {...process.env, NO_COLOR: '1', ...options.env}, maxBuffer: 64 * 1024 * 1024},
      (error, stdout, stderr) => {
        const code = error && typeof error.code === 'number' ? error.code : error ? 1 : 0
        resolve({code, stdout, stderr})
      },
    )
  })
}
