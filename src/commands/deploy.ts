import {BaseCommand} from '../base-command.js'
import {validateReport} from '../config/validate.js'
import {hostFlags, rolloutFlags, runRolloutCommand, sshFlags} from '../deploy/cli.js'
import {InvalidConfigError, runDeploy} from '../deploy/deploy.js'
import type {DeployResult} from '../deploy/result.js'

export type {DeployResult} from '../deploy/result.js'

export default class Deploy extends BaseCommand {
  static override summary = 'Roll haproxy.cfg and keepalived.conf out to the load-balancer hosts, safely, with rollback'
  static override description = `Validates the configs locally (with the pair checks across nodes), reaches every host over the system's OpenSSH (your ~/.ssh/config, agent, jump hosts and known_hosts; unknown host keys are refused), reads what each host runs and shows the semantic diff per host. --dry-run stops there; otherwise it asks (or takes --yes).

Then host by host, BACKUP nodes first and the MASTER last: upload next to the target, check with the host's own binaries (haproxy -c, keepalived -t), keep the current file as a numbered version (the last 5 are kept), rename into place atomically, reload, and verify (haproxy answers on its stats socket from a new process with every proxy of the config, keepalived runs, exactly one host holds each VIP). If a step fails the previous files are put back and reloaded, the host's own output is reported, and no further host is touched.

Hosts and per-host settings (paths, reload commands for hosts without systemd, stats socket) come from lbctl.yaml; --hosts picks some of its nodes, or names ssh destinations directly with --haproxy-config. Secrets (auth_pass, stats auth and userlist passwords) are never printed. Progress goes to stderr, the plan and the summary to stdout. Exit 0 when every host is deployed, 1 on any failure, 2 on a usage mistake.`

  static override examples = [
    {description: 'See what would change on every node of ./lbctl.yaml', command: '<%= config.bin %> deploy --dry-run'},
    {description: 'Deploy to every node without asking', command: '<%= config.bin %> deploy --yes'},
    {description: 'Only two nodes of an inventory elsewhere', command: '<%= config.bin %> deploy --inventory /srv/lb/lbctl.yaml --hosts lb1,lb2'},
    {description: 'No inventory: one haproxy.cfg to two hosts (systemctl reload haproxy)', command: '<%= config.bin %> deploy --hosts root@198.18.0.11,root@198.18.0.12:2222 --haproxy-config haproxy.cfg --yes'},
    {description: 'A large fleet, four hosts at a time', command: '<%= config.bin %> deploy --yes --parallel 4'},
    {description: 'Through a bastion, machine-readable result', command: '<%= config.bin %> deploy --yes --ssh-option ProxyJump=bastion --json'},
    {description: 'Then check what each host runs', command: '<%= config.bin %> deploy status'},
  ]

  static override flags = {...hostFlags, ...rolloutFlags, ...sshFlags}

  async run(): Promise<DeployResult> {
    const {flags} = await this.parse(Deploy)
    const io = {log: (text: string) => this.log(text), json: this.jsonEnabled(), color: this.color}
    return runRolloutCommand(io, flags, 'Deploy to', async (session, selection) => {
      try {
        return await runDeploy({...session, inventoryPath: selection.inventoryPath})
      } catch (error) {
        // The report goes to stderr in JSON mode too: stdout then holds only the error object.
        if (error instanceof InvalidConfigError) {
          for (const line of validateReport(error.run, {quiet: false, color: Boolean(process.stderr.isTTY)})) process.stderr.write(`${line}\n`)
        }
        throw error
      }
    })
  }
}
