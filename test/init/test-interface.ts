import {execFileSync} from 'node:child_process'
import {readdirSync} from 'node:fs'

/**
 * An interface keepalived -t accepts (it refuses unknown and loopback interfaces): a dummy lbtest0
 * when root may create one, else an existing non-loopback interface of this machine.
 */
export function testInterface(): {name: string; setUp(): void; tearDown(): void} {
  let created = false
  const existing = () => readdirSync('/sys/class/net').filter((n) => n !== 'lo')
  const state = {
    name: 'lbtest0',
    setUp() {
      if (process.getuid?.() === 0) {
        try {
          execFileSync('ip', ['link', 'add', 'lbtest0', 'type', 'dummy'], {stdio: 'ignore'})
          created = true
          return
        } catch {
          // no dummy module (containers): fall back to a real interface
        }
      }
      state.name = existing()[0] ?? 'eth0'
    },
    tearDown() {
      if (created) execFileSync('ip', ['link', 'del', 'lbtest0'], {stdio: 'ignore'})
    },
  }
  return state
}
