import {BaseCommand} from '../../base-command.js'
import {hostFlags, selectHosts, sshConnect, sshFlags} from '../../deploy/cli.js'
import {readLocalFiles} from '../../deploy/local-files.js'
import {renderStatus} from '../../deploy/render.js'
import {deployStatus, type StatusResult} from '../../deploy/status.js'
import {ExitCode} from '../../errors.js'

export type {StatusResult} from '../../deploy/status.js'

export default class DeployStatus extends BaseCommand {
  static override summary = 'Show which version of the configs each host runs (hashes of the deployed files)'
  static override description = `Reads the deployed haproxy.cfg and keepalived.conf on every host and prints a hash per file and one over all of them, whether they are the local files a deploy would install ("local"), which kept version they equal ("version N"), and the versions each host keeps for \`lbctl rollback --to N\`. Exit 0 when every host runs the local files, 1 when a host differs or cannot be reached.`

  static override examples = [
    '<%= config.bin %> deploy status',
    '<%= config.bin %> deploy status --hosts lb1 --json',
    '<%= config.bin %> deploy status --inventory /srv/lb/lbctl.yaml --ssh-config ~/.ssh/lb_config',
  ]

  static override flags = {...hostFlags, ...sshFlags}

  async run(): Promise<StatusResult> {
    const {flags} = await this.parse(DeployStatus)
    const selection = selectHosts(flags)
    const status = await deployStatus(selection.targets, sshConnect(flags), readLocalFiles(selection.targets, {tolerant: true}))
    if (!this.jsonEnabled()) this.log(renderStatus(status))
    if (status.hosts.some((h) => h.runs !== 'local')) process.exitCode = ExitCode.checkFailed
    return status
  }
}
