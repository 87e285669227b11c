/**
 * When a VIP appears on or leaves a lab node's interface: `ip -n NS monitor address` (netlink events,
 * no polling), one line per change, timed when the line arrives.
 */
import {spawn} from 'node:child_process'
import type {VipChange} from '../failover/records.js'

export interface VipWatch {
  readonly changes: readonly VipChange[]
  stop(): Promise<void>
}

/** `[Deleted ]N: IF    inet A.B.C.D/P ...` about `vip` → added/removed; other lines → undefined. */
export function parseAddressEvent(line: string, vip: string): 'added' | 'removed' | undefined {
  const match = /^(Deleted )?\d+:\s+\S+\s+inet (\d+\.\d+\.\d+\.\d+)\//.exec(line)
  if (!match || match[2] !== vip) return undefined
  return match[1] ? 'removed' : 'added'
}

export function watchVip(ns: string, node: string, vip: string, now: () => number = Date.now): VipWatch {
  const child = spawn('ip', ['-n', ns, 'monitor', 'address'], {stdio: ['ignore', 'pipe', 'ignore']})
  const changes: VipChange[] = []
  let partial = ''
  child.stdout.on('data', (chunk: Buffer) => {
    const at = now()
    const lines = (partial + chunk.toString()).split('\n')
    partial = lines.pop() ?? ''
    for (const line of lines) {
      const change = parseAddressEvent(line, vip)
      if (change) changes.push({at, node, change})
    }
  })
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()))
  return {
    changes,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}
