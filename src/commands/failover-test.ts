import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../base-command.js'
import {ExitCode, UserError} from '../errors.js'
import {parseDurationMs} from '../failover/duration.js'
import {runLocalFailover} from '../failover/local.js'
import {renderResult} from '../failover/render.js'
import type {FailoverTestResult} from '../failover/report.js'

export type {FailoverTestResult, RunReport} from '../failover/report.js'

function duration(flag: string, text: string): number {
  const ms = parseDurationMs(text)
  if (ms === undefined) throw new UserError('failover.duration', `--${flag} ${text}: not a duration`, {hint: 'use e.g. 3s, 1.5s or 800ms'})
  return ms
}

export default class FailoverTest extends BaseCommand {
  static override summary = 'Break the VRRP master on purpose and measure what clients saw'
  static override description = `Starts the bundled pair (the built-in demo, or DIR made by lbctl init) as lbctl up would, sends HTTP requests to the VIP at a fixed rate (a new connection each, or --keepalive), polls both nodes' show vrrp every 50 ms, then breaks the MASTER: --fault kill sends SIGKILL (the backup takes over after 3 x advert_int + skew), --fault stop sends SIGTERM (a graceful stop: a priority-0 advert, so the backup waits only its skew time).

Reports the failover time (fault -> first successful request after it), the client-visible gap (longest run of failed requests), failed/total, the time two nodes were MASTER at once, and the theory beside them, with a timeline chart. Exit 0 when every gap is within --max-gap (default: 4 advert intervals for kill, 1.5 for stop, at least 1 s), 1 when not. --repeat N runs N times on a fresh pair each and adds min/median/max. Unless --no-recover, the old master is restarted after the failover and the report adds when it is MASTER again (preemption) and the failback gap.`

  static override examples = [
    '<%= config.bin %> failover-test --local --fault kill',
    '<%= config.bin %> failover-test --local --fault stop --rate 100 --json',
    '<%= config.bin %> failover-test --local ./demo --fault kill --repeat 5 --max-gap 4.5s',
  ]

  static override args = {
    dir: Args.string({description: 'with --local: a directory made by lbctl init (default: the built-in demo)'}),
  }

  static override flags = {
    local: Flags.boolean({description: 'test the local pair lbctl up runs (the only target so far)'}),
    fault: Flags.string({description: 'how to break the MASTER', options: ['kill', 'stop'], required: true}),
    rate: Flags.integer({description: 'requests per second to the VIP', default: 200, min: 1, max: 2000}),
    keepalive: Flags.boolean({description: 'reuse connections instead of a new one per request'}),
    'duration-before': Flags.string({description: 'traffic before the fault', default: '3s'}),
    'max-gap': Flags.string({description: 'the longest client-visible gap that passes (default: 4 adverts for kill, 1.5 for stop, at least 1s)'}),
    'request-timeout': Flags.string({description: 'per-request timeout', default: '1s'}),
    'no-recover': Flags.boolean({description: 'do not restart the old master afterwards'}),
    repeat: Flags.integer({description: 'run the experiment N times and report min/median/max', default: 1, min: 1, max: 50}),
  }

  async run(): Promise<FailoverTestResult> {
    const {args, flags} = await this.parse(FailoverTest)
    if (!flags.local) {
      throw new UserError('failover.target', 'choose what to test: --local (the pair lbctl up runs)', {hint: 'lbctl failover-test --local --fault kill (--lab and --hosts are not built yet)'})
    }
    const json = this.jsonEnabled()
    const abort = new AbortController()
    const onSignal = () => abort.abort()
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
    let result: FailoverTestResult
    try {
      result = await runLocalFailover({
        ...(args.dir === undefined ? {} : {dir: args.dir}),
        lbctl: {command: process.execPath, args: [...process.execArgv, process.argv[1]!]},
        fault: flags.fault as 'kill' | 'stop',
        rate: flags.rate,
        keepalive: flags.keepalive,
        durationBeforeMs: duration('duration-before', flags['duration-before']),
        ...(flags['max-gap'] === undefined ? {} : {maxGapMs: duration('max-gap', flags['max-gap'])}),
        requestTimeoutMs: duration('request-timeout', flags['request-timeout']),
        recover: !flags['no-recover'],
        repeat: flags.repeat,
        onProgress: (text) => process.stderr.write(`failover-test: ${text}\n`),
        signal: abort.signal,
      })
    } finally {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
    if (!json) this.log(renderResult(result))
    if (!result.pass) process.exitCode = ExitCode.checkFailed
    return result
  }
}
