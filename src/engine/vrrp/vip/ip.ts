/**
 * Privileged mode: VIPs added and removed with iproute2 as keepalived does
 * (`ip addr add VIP/PREFIX dev IFACE`, IPv6 with `nodad`), announced with gratuitous ARP / unsolicited NA
 * (vip/garp.ts, vip/na.ts) after becoming MASTER.
 */
import {execa} from 'execa'
import type {VipSpec} from '../settings.js'
import {ArpingAnnouncer, type Announcer, type CommandRunner} from './garp.js'
import type {VipManager, VipNotice} from './types.js'

export type {CommandRunner}

const runCommand: CommandRunner = async (file, args) => {
  const result = await execa(file, args, {reject: false, timeout: 5000, stdin: 'ignore'})
  return {exitCode: result.exitCode ?? 1, stderr: String(result.stderr ?? result.message ?? '')}
}

export interface IpVipOptions {
  run?: CommandRunner
  /** Told about failures and skipped gratuitous ARPs (the runner turns these into events). */
  notice?: VipNotice
  /** Whether `arping` can be used; looked up on first use when not given. */
  arping?: boolean
  /** Gratuitous ARP for IPv4 VIPs (default: arping). */
  announce4?: Announcer
  /** Unsolicited Neighbor Advertisements for IPv6 VIPs (default: none, reported once). */
  announce6?: Announcer
}

export class IpVipManager implements VipManager {
  private readonly run: CommandRunner
  private readonly notice: VipNotice
  private readonly announce4: Announcer
  private readonly announce6: Announcer | undefined
  private naSkipReported = false

  constructor(options: IpVipOptions = {}) {
    this.run = options.run ?? runCommand
    this.notice = options.notice ?? (() => {})
    this.announce4 = options.announce4 ?? new ArpingAnnouncer({run: this.run, notice: this.notice, ...(options.arping === undefined ? {} : {available: options.arping})})
    this.announce6 = options.announce6
  }

  async add(vips: readonly VipSpec[]): Promise<void> {
    for (const vip of vips) {
      const args = ['addr', 'add', `${vip.address}/${vip.prefix}`, 'dev', deviceOf(vip)]
      if (vip.label !== undefined) args.push('label', vip.label)
      // keepalived adds IPv6 VIPs with IFA_F_NODAD: the address must work at once, not after duplicate address detection.
      if (vip.family === 6) args.push('nodad')
      const result = await this.run('ip', family(vip, args))
      // "RTNETLINK answers: File exists": already there, which is what we wanted.
      if (result.exitCode !== 0 && !/File exists/i.test(result.stderr)) this.notice(`ip ${args.join(' ')} failed: ${firstLine(result.stderr)}`)
    }
  }

  async remove(vips: readonly VipSpec[]): Promise<void> {
    for (const vip of vips) {
      const args = ['addr', 'del', `${vip.address}/${vip.prefix}`, 'dev', deviceOf(vip)]
      const result = await this.run('ip', family(vip, args))
      // "Cannot assign requested address": already gone.
      if (result.exitCode !== 0 && !/Cannot assign requested address|Address not found|No such device/i.test(result.stderr)) {
        this.notice(`ip ${args.join(' ')} failed: ${firstLine(result.stderr)}`)
      }
    }
  }

  /** One burst: `repeat` announcements per VIP, `intervalMs` apart (keepalived garp_interval / gna_interval). */
  async garp(vips: readonly VipSpec[], repeat: number, intervalMs = 0): Promise<void> {
    if (repeat < 1) return
    const runs: Promise<void>[] = []
    for (const vip of vips) {
      const withDev = {...vip, dev: deviceOf(vip)}
      if (vip.family === 4) runs.push(this.announce4.announce(withDev, repeat, intervalMs))
      else if (this.announce6) runs.push(this.announce6.announce(withDev, repeat, intervalMs))
      else if (!this.naSkipReported) {
        this.naSkipReported = true
        this.notice('unsolicited neighbour advertisements skipped: no ICMPv6 sender configured')
      }
    }
    await Promise.all(runs)
  }
}

function deviceOf(vip: VipSpec): string {
  if (vip.dev === undefined) throw new Error(`VIP ${vip.address} has no interface (set \`interface\` or \`dev\`)`)
  return vip.dev
}

function family(vip: VipSpec, args: string[]): string[] {
  return vip.family === 6 ? ['-6', ...args] : args
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? ''
}
