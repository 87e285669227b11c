import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../base-command.js'
import {compareConfigFiles, type CompareResult} from '../config/compare.js'
import {renderChanges} from '../config/diff-render.js'
import {ExitCode} from '../errors.js'

export default class Diff extends BaseCommand {
  static override summary = 'Show what changes in meaning between two haproxy or two keepalived configs'
  static override description = `Compares sections and directives, ignoring comments, spacing and order where HAProxy and Keepalived ignore order (acl evaluation, use_backend and http-request rules keep theirs). Secrets (auth_pass, stats auth and userlist passwords) are redacted. Exit 0 when the configs mean the same, 1 when they differ.`

  static override examples = [
    '<%= config.bin %> diff /etc/haproxy/haproxy.cfg new/haproxy.cfg',
    '<%= config.bin %> diff keepalived-a.conf keepalived-b.conf',
    '<%= config.bin %> diff old.cfg new.cfg --json',
  ]

  static override args = {
    before: Args.string({description: 'the current config', required: true}),
    after: Args.string({description: 'the config to compare it with', required: true}),
  }

  static override flags = {
    type: Flags.string({description: 'read both files as this type instead of detecting it', options: ['haproxy', 'keepalived']}),
  }

  async run(): Promise<CompareResult> {
    const {args, flags} = await this.parse(Diff)
    const result = compareConfigFiles({before: args.before, after: args.after, type: flags.type as 'haproxy' | 'keepalived' | undefined})
    if (!this.jsonEnabled()) this.log(renderChanges(result.changes, this.color) || 'no semantic difference')
    if (!result.same) process.exitCode = ExitCode.checkFailed
    return result
  }
}
