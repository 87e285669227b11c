/**
 * A private tmux server (-L) for one test file, so tests never touch the user's sessions: commands, one
 * session's screen, polling the screen for text, and teardown (the server and the socket file tmux leaves).
 */
import {execFileSync} from 'node:child_process'
import {rmSync} from 'node:fs'
import {join} from 'node:path'

export type ScreenCheck = string | RegExp | ((shown: string) => boolean)

export interface TmuxServer {
  /** Runs `tmux -L <server> ARGS...` and returns its stdout. */
  run(...args: string[]): string
  /** What the session's pane shows now. */
  screen(): string
  /** Sends keys to the session. */
  keys(...keys: string[]): string
  /** Polls the screen until the check holds; throws with the screen after timeoutMs. */
  waitFor(check: ScreenCheck, timeoutMs?: number): Promise<string>
  /** Kills the server (if it runs) and removes its socket file. */
  kill(): void
}

/** `name` names the server's socket (made unique per process) and `session` the session the helpers read. */
export function tmuxServer(name: string, session: string): TmuxServer {
  const socket = `${name}-${process.pid}`
  const run = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'})
  const screen = () => run('capture-pane', '-p', '-t', session)
  const holds = (check: ScreenCheck, shown: string) => (typeof check === 'function' ? check(shown) : typeof check === 'string' ? shown.includes(check) : check.test(shown))
  return {
    run,
    screen,
    keys: (...keys) => run('send-keys', '-t', session, ...keys),
    async waitFor(check, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const shown = screen()
        if (holds(check, shown)) return shown
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(check)}; screen:\n${shown}`)
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    },
    kill() {
      try {
        run('kill-server')
      } catch {
        // already gone
      }
      rmSync(join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, socket), {force: true})
    },
  }
}
