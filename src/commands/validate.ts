import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../base-command.js'
import {validateConfigs, validateReport, type ValidateResult} from '../config/validate.js'
import {ExitCode} from '../errors.js'

export default class Validate extends BaseCommand {
  static override summary = 'Check haproxy.cfg and keepalived.conf files as the real tools would, and beyond'
  static override description = `Reads haproxy and keepalived configs (the type is detected from content; --type overrides) and reports every problem with file:line:column, the source line and a suggested fix. Errors are what haproxy -c (2.6) or keepalived -t would reject; warnings are traps the real tools accept silently. Exit 0 when there is no error, 1 when there is (or a warning with --strict), 2 on a usage mistake.`

  static override examples = [
    '<%= config.bin %> validate /etc/haproxy/haproxy.cfg',
    '<%= config.bin %> validate --pair keepalived-a.conf keepalived-b.conf',
    '<%= config.bin %> validate demo/ --strict',
    '<%= config.bin %> validate haproxy.cfg --oracle --json',
    '<%= config.bin %> validate old.cfg --target-version 2.6',
  ]

  static override strict = false
  static override args = {
    files: Args.string({description: 'configuration files or directories', required: false}),
  }

  static override flags = {
    type: Flags.string({description: 'read every file as this type instead of detecting it', options: ['haproxy', 'keepalived']}),
    pair: Flags.boolean({description: 'treat the keepalived files as the nodes of one cluster and check them against each other'}),
    strict: Flags.boolean({description: 'fail on warnings too'}),
    'strict-env': Flags.boolean({description: 'report environment-only problems (missing certs, unresolvable names) as errors'}),
    'target-version': Flags.string({description: 'HAProxy version to check keywords against', default: '2.6'}),
    oracle: Flags.boolean({description: 'also run the installed haproxy -c / keepalived -t and merge their messages'}),
    quiet: Flags.boolean({char: 'q', description: 'print errors only'}),
  }

  async run(): Promise<ValidateResult> {
    const {argv, flags} = await this.parse(Validate)
    const run = await validateConfigs({
      paths: argv as string[],
      type: flags.type as 'haproxy' | 'keepalived' | undefined,
      pair: flags.pair,
      strict: flags.strict,
      strictEnv: flags['strict-env'],
      targetVersion: flags['target-version'],
      oracle: flags.oracle,
    })
    if (!this.jsonEnabled()) for (const line of validateReport(run, {quiet: flags.quiet, color: this.color})) this.log(line)
    if (!run.result.valid) process.exitCode = ExitCode.checkFailed
    return run.result
  }
}
