/**
 * Privileged mode: VIPs added and removed with iproute2 as keepalived does
 * (`ip addr add VIP/PREFIX dev IFACE`), gratuitous ARP with `arping -U` when it is installed.
 */
import {execa} from 'execa'
import type {VipSpec} from '../settings.js'
import type {VipManager, VipNotice} from './types.js'

export type CommandRunner = (file: string, args: readonly string[]) => Promise<{exitCode: number; stderr: string}>

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
}

export class IpVipManager implements VipManager {
  private readonly run: CommandRunner
  private readonly notice: VipNotice
  private arping: Promise<boolean> | undefined
  private arpingSkipReported = false

  constructor(options: IpVipOptions = {}) {
    this.run = options.run ?? runCommand
    this.notice = options.notice ?? (() => {})
    if (options.arping !== undefined) this.arping = Promise.resolve(options.arping)
  }

  async add(vips: readonly VipSpec[]): Promise<void> {
    for (const vip of vips) {
      const args = ['addr', 'add', `${vip.address}/${vip.prefix}`, 'dev', deviceOf(vip)]
      if (vip.label !== undefined) args.push('label', vip.label)
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

  async garp(vips: readonly VipSpec[], repeat: number): Promise<void> {
    const v4 = vips.filter((vip) => vip.family === 4)
    if (v4.length === 0 || repeat < 1) return
    this.arping ??= this.run('sh', ['-c', 'command -v arping']).then((result) => result.exitCode === 0)
    if (!(await this.arping)) {
      if (!this.arpingSkipReported) this.notice('gratuitous ARP skipped: arping is not installed (neighbours learn the VIP on their next ARP request)')
      this.arpingSkipReported = true
      return
    }
    // One unsolicited ARP per VIP and burst: arping paces repeats a second apart, far slower than keepalived.
    for (const vip of v4) {
      const result = await this.run('arping', ['-U', '-c', '1', '-I', deviceOf(vip), vip.address])
      if (result.exitCode !== 0) this.notice(`arping for ${vip.address} failed: ${firstLine(result.stderr)}`)
    }
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
