import {BaseCommand} from '../base-command.js'
import {UserError} from '../errors.js'
import {openLiveSource} from '../observe/live-source.js'
import {resolveSources, sourceFlags} from './top.js'

export default class Dash extends BaseCommand {
  static override summary = 'A wall-screen dashboard of the same live data as top (blessed-contrib)'
  static override description = `Request rate per backend (line chart over the last two minutes), current sessions per server (bar chart), server status, VRRP roles (from the bundled engine's \`show vrrp\` and, with --sniff, every sender on the wire) and the event log, refreshed from the same sources as \`lbctl top\`. Press q to quit. It needs a terminal; for scripts use \`lbctl top --once --json\`.`

  static override examples = [
    '<%= config.bin %> dash --socket /run/haproxy/admin.sock',
    '<%= config.bin %> dash --socket lb1=198.18.0.11:9999 --socket lb2=198.18.0.12:9999',
    'sudo <%= config.bin %> dash --socket /run/haproxy/admin.sock --sniff eth0 --vrid 51',
    '<%= config.bin %> dash --hosts lb1,lb2',
  ]

  static override flags = {...sourceFlags}
  static override enableJsonFlag = false

  async run(): Promise<void> {
    const {flags} = await this.parse(Dash)
    if (!process.stdout.isTTY || !process.stdin.isTTY) {
      throw new UserError('dash.tty', 'dash draws on a terminal, and stdout (or stdin) is not one', {hint: 'run it in a terminal; for scripts use lbctl top --once --json, for a log lbctl top > file'})
    }
    const sources = await resolveSources(flags)
    try {
      const live = await openLiveSource({targets: sources.targets, intervalMs: sources.intervalMs, ...(sources.sniff ? {sniff: sources.sniff} : {})})
      const {runDash} = await import('../tui/dash/run-dash.js')
      await runDash({nodes: sources.targets.map((t) => t.node), source: live, expectedVrids: sources.expectedVrids})
    } finally {
      await sources.close()
    }
  }
}
