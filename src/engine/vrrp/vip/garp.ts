/**
 * Announcing a VIP after becoming MASTER, so neighbours (and switches) move it to our MAC:
 * gratuitous ARP for IPv4, unsolicited Neighbor Advertisements for IPv6 (vip/na.ts).
 *
 * keepalived sends a burst of `garp_master_repeat` packets `garp_interval` apart (default 0: back
 * to back). Node cannot open an AF_PACKET socket, so the ARP frames come from iputils `arping -U`
 * (ARP request, sender = target = VIP, broadcast: what keepalived sends). arping paces its own
 * repeats one second apart and cannot do less (`-i` takes whole seconds, `-i 0` hangs), so each
 * packet of a burst is its own `arping -c 1`, started `garp_interval` after the previous one
 * (all at once for 0); each of them exits a second after it sent.
 */
import type {VipSpec} from '../settings.js'

/** Announces one VIP `count` times, `intervalMs` apart. */
export interface Announcer {
  announce(vip: VipSpec & {dev: string}, count: number, intervalMs: number): Promise<void>
}

export type CommandRunner = (file: string, args: readonly string[]) => Promise<{exitCode: number; stderr: string}>

export interface ArpingOptions {
  run: CommandRunner
  /** Told about failures and a missing arping (once). */
  notice: (message: string) => void
  /** Whether `arping` can be used; looked up on first use when not given. */
  available?: boolean
  sleep?: (ms: number) => Promise<void>
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export class ArpingAnnouncer implements Announcer {
  private available: Promise<boolean> | undefined
  private skipReported = false
  private readonly sleep: (ms: number) => Promise<void>

  constructor(private readonly options: ArpingOptions) {
    if (options.available !== undefined) this.available = Promise.resolve(options.available)
    this.sleep = options.sleep ?? delay
  }

  async announce(vip: VipSpec & {dev: string}, count: number, intervalMs: number): Promise<void> {
    if (count < 1) return
    this.available ??= this.options.run('sh', ['-c', 'command -v arping']).then((result) => result.exitCode === 0)
    if (!(await this.available)) {
      if (!this.skipReported) this.options.notice('gratuitous ARP skipped: arping (iputils) is not installed (neighbours learn the VIP on their next ARP request)')
      this.skipReported = true
      return
    }
    const runs: Promise<void>[] = []
    for (let sent = 0; sent < count; sent++) {
      if (sent > 0 && intervalMs > 0) await this.sleep(intervalMs)
      runs.push(this.one(vip))
    }
    await Promise.all(runs)
  }

  private async one(vip: VipSpec & {dev: string}): Promise<void> {
    const result = await this.options.run('arping', ['-U', '-c', '1', '-I', vip.dev, vip.address])
    if (result.exitCode !== 0) this.options.notice(`arping for ${vip.address} on ${vip.dev} failed: ${result.stderr.trim().split('\n')[0] ?? ''}`)
  }
}
