import {Flags} from '@oclif/core'
import {BaseCommand} from '../base-command.js'
import {hostFlags, rolloutFlags, runRolloutCommand, sshFlags} from '../deploy/cli.js'
import type {DeployResult} from '../deploy/result.js'
import {runRollback} from '../deploy/rollback.js'

export default class Rollback extends BaseCommand {
  static override summary = 'Put a kept version of the configs back on hosts (check, reload and verify like a deploy)'
  static override description = `Every deploy keeps what a host ran before as a numbered version (the last 5). rollback restores version N (default: the newest, i.e. what ran before the last deploy) through the same steps as a deploy: check with the host's binaries, keep what runs now as a new version (so a rollback can be undone), atomic rename, reload, verify, and restore on failure. \`lbctl deploy status\` lists the versions each host keeps. Exit 0 when every host is rolled back, 1 on any failure.`

  static override examples = [
    {description: 'Undo the last deploy on lb2', command: '<%= config.bin %> rollback --hosts lb2 --yes'},
    {description: 'Go back to version 3 on every node, one at a time (BACKUPs first)', command: '<%= config.bin %> rollback --to 3 --yes'},
    {description: 'Show what it would change', command: '<%= config.bin %> rollback --hosts lb1 --to 2 --dry-run'},
  ]

  static override flags = {
    ...hostFlags,
    to: Flags.integer({description: 'version number to restore (see `lbctl deploy status`); default the newest kept', min: 1}),
    ...rolloutFlags,
    ...sshFlags,
  }

  async run(): Promise<DeployResult> {
    const {flags} = await this.parse(Rollback)
    const io = {log: (text: string) => this.log(text), json: this.jsonEnabled(), color: this.color}
    return runRolloutCommand(io, flags, 'Roll back', (session) => runRollback({...session, to: flags.to}))
  }
}
