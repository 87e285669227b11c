/** `ip` and `tc` run synchronously; a failure throws with the command and its stderr. */
import {execFileSync} from 'node:child_process'

export function run(command: string, args: readonly string[]): string {
  try {
    return execFileSync(command, args, {stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000}).toString()
  } catch (error) {
    const stderr = (error as {stderr?: Buffer}).stderr?.toString().trim()
    throw new Error(`${command} ${args.join(' ')}: ${stderr || (error as Error).message}`)
  }
}

export const ip = (...args: string[]): string => run('ip', args)

/** `ip -n NS ...`: an ip command inside a namespace. */
export const ipIn = (ns: string, ...args: string[]): string => run('ip', ['-n', ns, ...args])

/** `tc ...` inside a namespace. */
export const tcIn = (ns: string, ...args: string[]): string => run('ip', ['netns', 'exec', ns, 'tc', ...args])

/** Like run, but a failure is ignored (cleanup of things that may already be gone). */
export function tryRun(command: string, args: readonly string[]): void {
  try {
    execFileSync(command, args, {stdio: 'ignore', timeout: 10_000})
  } catch {
    // already gone, or never made
  }
}
