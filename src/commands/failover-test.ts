import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../base-command.js'
import {ExitCode, UserError} from '../errors.js'
import {parseDurationMs} from '../failover/duration.js'
import {readFileSync} from 'node:fs'
import type {HostStartCommands} from '../failover/host-commands.js'
import {runHostsFailover} from '../failover/hosts.js'
import {runLabFailover} from '../failover/lab.js'
import {runLocalFailover} from '../failover/local.js'
import {FAULT_KINDS, type FaultKind} from '../failover/records.js'
import {renderResult} from '../failover/render.js'
import type {FailoverTestResult} from '../failover/report.js'
import {sweepLeftovers} from '../lab/topology.js'

export type {FailoverTestResult, RunReport} from '../failover/report.js'

/** `--lab --cleanup`: the namespaces of crashed labs that were removed. */
export interface LabCleanupResult {
  type: 'failover-lab-cleanup'
  removed: string[]
}

function duration(flag: string, text: string): number {
  const ms = parseDurationMs(text)
  if (ms === undefined) throw new UserError('failover.duration', `--${flag} ${text}: not a duration`, {hint: 'use e.g. 3s, 1.5s or 800ms'})
  return ms
}

function readHostCommands(path: string): Partial<HostStartCommands> {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new UserError('failover.host-commands', `--host-commands ${path}: ${(error as Error).message}`, {hint: 'give a JSON file like {"startKeepalived": "systemctl start keepalived", "startHaproxy": "systemctl start haproxy"}'})
  }
  const commands: Partial<HostStartCommands> = {}
  for (const key of ['startKeepalived', 'startHaproxy'] as const) {
    const value = (parsed as Record<string, unknown> | null)?.[key]
    if (value === undefined) continue
    if (typeof value !== 'string' || value.trim() === '') throw new UserError('failover.host-commands', `--host-commands ${path}: ${key} must be a command line`, {hint: 'e.g. "startKeepalived": "systemctl start keepalived"'})
    commands[key] = value
  }
  return commands
}

export default class FailoverTest extends BaseCommand {
  static override summary = 'Break the VRRP master on purpose and measure what clients saw'
  static override description = `Sends HTTP requests to the VIP at a fixed rate (a new connection each, or --keepalive), follows both nodes' VRRP state, then breaks the MASTER:
  kill        SIGKILL of the VRRP process: the backup takes over after 3 x advert_int + skew
  stop        graceful stop: a priority-0 advert, so the backup waits only its skew time
  proxy       kill the proxy only: the track script (vrrp_script, negative weight) lowers the priority
  link        the VRRP interface goes down
  block-vrrp  VRRP packets are dropped: both nodes become MASTER, the split brain

Targets: --local starts the bundled pair (the built-in demo, or DIR made by lbctl init) as lbctl up would and polls show vrrp (as root with tcpdump, it also sniffs the adverts on lo); there proxy is SIGUSR1 (the node's soft stop of its proxy; it needs a track script, so an init DIR), link and block-vrrp are the runtime API's set vrrp link down and set vrrp block in; --lab builds, as root, network namespaces on 198.18.0.0/24 with real haproxy and keepalived on two nodes (configs from the lbctl init scaffold, VRRPv3 adverts every --advert-int), two backends and a client namespace the traffic comes from, follows keepalived's notify script and sniffs VRRP adverts and GARPs on the lab's switch, and removes it all afterwards (also on Ctrl-C); --lab --cleanup removes what a crashed lab left; --hosts a,b tests real nodes of lbctl.yaml (--inventory) over OpenSSH: the faults and their undoing run there (kill -9 / SIGTERM of keepalived by its pid file, kill -9 of haproxy, the interface down with a scheduled up after --link-hold, a tc filter dropping VRRP), starting daemons again is systemctl start unless --host-commands says otherwise, roles are polled over ssh (keepalived alive, link up, VIP held), the timing comes from each node's keepalived.conf, and the traffic goes from here to --url (default http://VIP/).

Reports the failover time (fault -> first answer via the new master, or first success after the failures), the client-visible gap (longest run of failed requests), failed/total, the time two nodes were MASTER at once (from the polls, and from the wire), and the theory beside them, with a timeline chart. Exit 0 when every gap is within --max-gap (default: 4 advert intervals, 1.5 for stop, plus the track script for proxy, at least 1 s), 1 when not. --repeat N runs N times on a fresh pair each and adds min/median/max. Unless --no-recover, the fault is undone afterwards (restart, link up, filter removed) and the report adds when the old master is MASTER again (preemption) and the failback gap.`

  static override examples = [
    '<%= config.bin %> failover-test --local --fault kill',
    '<%= config.bin %> failover-test --local --fault stop --rate 100 --json',
    '<%= config.bin %> failover-test --local ./demo --fault kill --repeat 5 --max-gap 4.5s',
    '<%= config.bin %> failover-test --local ./pair --fault block-vrrp --json',
    'sudo <%= config.bin %> failover-test --lab --fault proxy',
    'sudo <%= config.bin %> failover-test --lab --fault block-vrrp --no-recover --json',
    'sudo <%= config.bin %> failover-test --lab --fault kill --vrrp-version 2 --advert-int 1s --repeat 3',
    'sudo <%= config.bin %> failover-test --lab --cleanup',
    '<%= config.bin %> failover-test --hosts lb1,lb2 --fault stop',
    '<%= config.bin %> failover-test --hosts lb1,lb2 --inventory prod/lbctl.yaml --fault proxy --url http://198.18.0.100:8080/',
  ]

  static override args = {
    dir: Args.string({description: 'with --local: a directory made by lbctl init (default: the built-in demo)'}),
  }

  static override flags = {
    local: Flags.boolean({description: 'test the local pair lbctl up runs'}),
    lab: Flags.boolean({description: 'build a namespace lab with real haproxy + keepalived and test it (root)'}),
    hosts: Flags.string({description: 'test real nodes of lbctl.yaml over ssh: comma-separated node names'}),
    inventory: Flags.string({description: 'with --hosts: the lbctl.yaml listing the nodes', default: 'lbctl.yaml'}),
    'ssh-config': Flags.string({description: 'with --hosts: an ssh config file (ssh -F)'}),
    url: Flags.string({description: 'with --hosts: where the traffic goes (default http://VIP/ of lbctl.yaml)'}),
    'host-commands': Flags.string({description: 'with --hosts: JSON file {"startKeepalived": ..., "startHaproxy": ...} replacing systemctl start ({node}, {interface}, {pidFile} are filled in)'}),
    'link-hold': Flags.string({description: 'with --hosts --fault link: how long the interface stays down (it comes up by itself)', default: '5s'}),
    cleanup: Flags.boolean({description: 'with --lab: remove the namespaces crashed labs left, then exit'}),
    fault: Flags.string({description: 'how to break the MASTER', options: [...FAULT_KINDS]}),
    rate: Flags.integer({description: 'requests per second to the VIP', default: 200, min: 1, max: 2000}),
    keepalive: Flags.boolean({description: 'reuse connections instead of a new one per request'}),
    'duration-before': Flags.string({description: 'traffic before the fault', default: '3s'}),
    'max-gap': Flags.string({description: 'the longest client-visible gap that passes (default: 4 adverts, 1.5 for stop, + the track script for proxy, at least 1s)'}),
    'request-timeout': Flags.string({description: 'per-request timeout', default: '1s'}),
    'no-recover': Flags.boolean({description: 'do not undo the fault afterwards'}),
    repeat: Flags.integer({description: 'run the experiment N times and report min/median/max', default: 1, min: 1, max: 50}),
    'vrrp-version': Flags.string({description: 'with --lab: VRRP version the lab runs', options: ['2', '3'], default: '3'}),
    'advert-int': Flags.string({description: 'with --lab: advert_int (default 100ms with VRRPv3, 1s with VRRPv2, which takes whole seconds only)'}),
    'no-sniff': Flags.boolean({description: 'with --lab: no VRRP sniffer on the lab switch (no tcpdump needed)'}),
  }

  async run(): Promise<FailoverTestResult | LabCleanupResult> {
    const {args, flags} = await this.parse(FailoverTest)
    if (flags.cleanup && !flags.lab) throw new UserError('failover.cleanup', '--cleanup removes what crashed labs left; it goes with --lab', {hint: 'sudo lbctl failover-test --lab --cleanup'})
    if (flags.lab && flags.cleanup) {
      if (process.getuid?.() !== 0) throw new UserError('failover.lab-root', '--lab --cleanup deletes network namespaces and needs root', {hint: 'sudo lbctl failover-test --lab --cleanup'})
      const removed = sweepLeftovers()
      if (!this.jsonEnabled()) this.log(removed.length === 0 ? 'no leftover lab namespaces' : `removed ${removed.length} leftover lab namespaces: ${removed.join(', ')}`)
      return {type: 'failover-lab-cleanup', removed}
    }
    const targets = [flags.local && '--local', flags.lab && '--lab', flags.hosts !== undefined && '--hosts'].filter(Boolean)
    if (targets.length > 1) throw new UserError('failover.target', `choose one target, not ${targets.join(' and ')}`, {hint: 'lbctl failover-test --local --fault kill, --lab (root) or --hosts a,b'})
    if (targets.length === 0) {
      throw new UserError('failover.target', 'choose what to test: --local (the pair lbctl up runs), --lab (a namespace lab with real haproxy + keepalived, as root) or --hosts a,b (nodes of lbctl.yaml over ssh)', {hint: 'lbctl failover-test --local --fault kill'})
    }
    if (flags.fault === undefined) throw new UserError('failover.fault', 'say how to break the MASTER: --fault kill, stop, proxy, link or block-vrrp', {hint: 'lbctl failover-test --local --fault kill'})
    if (flags.lab && args.dir !== undefined) throw new UserError('failover.lab-dir', `--lab builds its configs from the init scaffold; DIR (${args.dir}) is for --local`, {hint: 'drop DIR, or use --local DIR'})
    const json = this.jsonEnabled()
    const abort = new AbortController()
    const onSignal = () => abort.abort()
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
    const common = {
      fault: flags.fault as FaultKind,
      rate: flags.rate,
      keepalive: flags.keepalive,
      durationBeforeMs: duration('duration-before', flags['duration-before']),
      ...(flags['max-gap'] === undefined ? {} : {maxGapMs: duration('max-gap', flags['max-gap'])}),
      requestTimeoutMs: duration('request-timeout', flags['request-timeout']),
      recover: !flags['no-recover'],
      repeat: flags.repeat,
      onProgress: (text: string) => process.stderr.write(`failover-test: ${text}\n`),
      signal: abort.signal,
    }
    let result: FailoverTestResult
    try {
      if (flags.hosts !== undefined) {
        result = await runHostsFailover({
          ...common,
          inventoryPath: flags.inventory,
          hosts: flags.hosts.split(',').map((h) => h.trim()).filter(Boolean),
          ...(flags.url === undefined ? {} : {url: flags.url}),
          ...(flags['ssh-config'] === undefined ? {} : {ssh: {configFile: flags['ssh-config']}}),
          ...(flags['host-commands'] === undefined ? {} : {commands: readHostCommands(flags['host-commands'])}),
          linkHoldMs: duration('link-hold', flags['link-hold']),
        })
      } else if (flags.lab) {
        const advertIntMs = duration('advert-int', flags['advert-int'] ?? (flags['vrrp-version'] === '2' ? '1s' : '100ms'))
        if (advertIntMs < 10 || advertIntMs > 40_950) throw new UserError('failover.advert-int', `--advert-int ${flags['advert-int'] ?? ''}: VRRP adverts are 10 ms to 40.95 s apart`, {hint: 'e.g. --advert-int 100ms (VRRPv3) or 1s'})
        result = await runLabFailover({...common, vrrp: {version: flags['vrrp-version'] === '2' ? 2 : 3, advertIntMs, scriptIntervalS: 1}, sniff: !flags['no-sniff']})
      } else {
        result = await runLocalFailover({...common, ...(args.dir === undefined ? {} : {dir: args.dir}), lbctl: {command: process.execPath, args: [...process.execArgv, process.argv[1]!]}})
      }
    } finally {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
    if (!json) this.log(renderResult(result))
    if (!result.pass) process.exitCode = ExitCode.checkFailed
    return result
  }
}
