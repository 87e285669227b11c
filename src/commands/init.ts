import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../base-command.js'
import {UserError} from '../errors.js'
import {type InitAnswers, initDefaults, type InitResult, refuseExistingScaffold, runInit} from '../init/index.js'

export type {InitResult} from '../init/index.js'

export default class Init extends BaseCommand {
  static override summary = 'Scaffold haproxy.cfg, one keepalived.conf per node and the lbctl.yaml inventory'
  static override description = `Writes DIR/haproxy.cfg (a frontend on the VIP, a health-checked round-robin backend, a stats page), DIR/keepalived-<node>.conf for every node (the first node is MASTER, the others BACKUP; a haproxy check script whose weight really moves the VIP) and DIR/lbctl.yaml (nodes, ssh destinations, remote paths, reload commands). The files pass haproxy -c, keepalived -t and lbctl validate --pair --strict.

In a terminal, init asks for each value (flags become the suggested answers). Without a terminal, or in scripts, pass --yes to take the flags and defaults without asking. Existing files are never overwritten unless --force is given; if any target exists, nothing is written.

A node is NAME or NAME=SSH-DESTINATION (user@host, host or an ~/.ssh/config alias; default: NAME). When --stats-password is left out, a random one is generated and printed once on stderr.`

  static override examples = [
    {description: 'Ask for every value in the terminal, writing into ./demo', command: '<%= config.bin %> init demo'},
    {description: 'Take every default without asking (VIP 198.18.0.100 on eth0, nodes lb1 and lb2)', command: '<%= config.bin %> init demo --yes'},
    {
      description: 'A real pair: VIP, interface, nodes with their ssh destinations, backends',
      command:
        '<%= config.bin %> init /srv/lb --yes --vip 198.18.0.100 --interface ens192 --nodes lb1=root@198.18.0.11,lb2=root@198.18.0.12 --backends 198.18.0.21:8080,198.18.0.22:8080',
    },
    {description: 'A TCP (layer 4) balancer, e.g. for MySQL, on port 3306', command: '<%= config.bin %> init mysql-lb --yes --mode tcp --port 3306 --backends 198.18.0.31:3306,198.18.0.32:3306'},
    {description: 'Three nodes (one MASTER, two BACKUPs) and a VRID that is free on this network', command: '<%= config.bin %> init . --yes --nodes a,b,c --vrid 52'},
    {description: 'Choose the stats page credentials instead of generating a password', command: '<%= config.bin %> init demo --yes --stats-user ops --stats-password s3cret-enough'},
    {description: 'Regenerate over existing files', command: '<%= config.bin %> init demo --yes --force'},
    {description: 'Machine-readable result (files, nodes; never the password)', command: '<%= config.bin %> init demo --yes --json'},
    {description: 'Then check what was written', command: '<%= config.bin %> validate --pair --strict demo/*'},
  ]

  static override args = {
    dir: Args.string({description: 'directory to write into (created when missing)', default: '.'}),
  }

  static override flags = {
    yes: Flags.boolean({char: 'y', description: 'do not ask: take the flags and the defaults'}),
    vip: Flags.string({description: 'virtual IPv4 address the pair shares (a.b.c.d or a.b.c.d/prefix)', default: initDefaults.vip}),
    interface: Flags.string({description: 'network interface carrying VRRP and the VIP on every node', default: initDefaults.interface}),
    nodes: Flags.string({description: 'comma-separated nodes, NAME or NAME=SSH-DESTINATION; the first is the MASTER', default: initDefaults.nodes}),
    backends: Flags.string({description: 'comma-separated backend servers as host:port', default: initDefaults.backends}),
    mode: Flags.string({description: 'proxy mode', options: ['http', 'tcp'], default: initDefaults.mode}),
    port: Flags.string({description: 'frontend port on the VIP', default: initDefaults.port}),
    vrid: Flags.string({description: 'VRRP virtual_router_id (1-255), unique on the network segment', default: initDefaults.vrid}),
    'stats-user': Flags.string({description: 'user for the stats page', default: initDefaults.statsUser}),
    'stats-password': Flags.string({description: 'password for the stats page (default: generated and printed once on stderr)'}),
    force: Flags.boolean({char: 'f', description: 'overwrite existing files'}),
  }

  async run(): Promise<InitResult> {
    const {args, flags} = await this.parse(Init)
    const given: InitAnswers = {
      vip: flags.vip,
      interface: flags.interface,
      nodes: flags.nodes,
      backends: flags.backends,
      mode: flags.mode,
      port: flags.port,
      vrid: flags.vrid,
      statsUser: flags['stats-user'],
      statsPassword: flags['stats-password'],
    }
    const answers = flags.yes ? given : await this.ask(given, args.dir, flags.force)

    const {result, generatedPassword} = runInit({dir: args.dir, answers, force: flags.force})

    if (generatedPassword !== undefined) {
      process.stderr.write(`stats password for ${result.stats.user} (generated, shown only now; it is in ${result.files[0]!.path}): ${generatedPassword}\n`)
    }
    if (!this.jsonEnabled()) this.log(renderResult(result))
    return result
  }

  /** Prompts in a terminal; anywhere else refuses instead of waiting for input that never comes. */
  private async ask(initial: InitAnswers, dir: string, force: boolean): Promise<InitAnswers> {
    if (this.jsonEnabled()) {
      throw new UserError('init/needs-yes', '--json runs without prompts, so init needs --yes', {hint: `lbctl init ${dir} --yes --json [--vip ... --nodes ...]`})
    }
    if (!process.stdin.isTTY || !process.stdout.isTTY) {
      throw new UserError('init/needs-yes', 'not a terminal, so init cannot ask for values', {hint: `pass --yes to use the flags and defaults: lbctl init ${dir} --yes`})
    }
    if (runningInCi()) {
      throw new UserError('init/needs-yes', 'CI is set, so init does not prompt', {hint: `pass --yes to use the flags and defaults: lbctl init ${dir} --yes`})
    }
    refuseExistingScaffold(dir, {force})
    const {runInitWizard} = await import('../tui/prompts/run-init-wizard.js')
    const answers = await runInitWizard({initial, dir})
    if (!answers) throw new UserError('init/cancelled', 'cancelled: nothing was written', {hint: `run lbctl init ${dir} again, or pass --yes with flags`})
    return answers
  }
}

/** Ink renders only a final frame under CI (CI or CONTINUOUS_INTEGRATION set and not 0/false), so prompts would be invisible. */
function runningInCi(): boolean {
  return ['CI', 'CONTINUOUS_INTEGRATION'].some((key) => key in process.env && process.env[key] !== '0' && process.env[key] !== 'false')
}

function renderResult(result: InitResult): string {
  const lines = result.files.map((f) => `${f.overwritten ? 'overwrote' : 'wrote'} ${f.path}${f.node ? `  (${f.node})` : ''}`)
  const nodes = result.nodes.map((n) => `${n.name} ${n.role} priority ${n.priority} (ssh ${n.ssh})`).join(', ')
  lines.push(
    '',
    `VIP ${result.vip}:${result.port} (${result.mode}) on ${result.interface}, VRID ${result.vrid}; ${nodes}`,
    `haproxy down on a node: its priority drops by ${-result.trackWeight}, so the VIP moves.`,
    `next: lbctl validate --pair --strict ${result.dir.replace(/\/$/, '')}/*`,
  )
  return lines.join('\n')
}
