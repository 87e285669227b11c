import {hostname} from 'node:os'
import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../base-command.js'
import {detectConfigType} from '../config/detect.js'
import {parseKeepalived} from '../config/keepalived/index.js'
import {readSourceFile} from '../config/source.js'
import {buildVrrpNode, type VrrpMode} from '../engine/vrrp/launch.js'
import {formatEvent, type VrrpEvent} from '../engine/vrrp/events.js'
import type {InstanceStatus} from '../engine/vrrp/runner.js'
import {UserError} from '../errors.js'
import {runHaproxy, type ProxyRunResult} from '../engine/proxy/run.js'
import {runNode, type NodeRunResult} from '../engine/node-run.js'
import {checkRunnableKeepalived} from '../engine/keepalived-load.js'
import {buildLvs, startLvs} from '../engine/lvs/launch.js'
import type {VirtualServiceStatus} from '../engine/lvs/service.js'
import {heldVipsOf, readNonlocalBind, vipAddresses} from '../engine/node.js'

export type RunResult = VrrpRunResult | ProxyRunResult | NodeRunResult

export interface VrrpRunResult {
  type: 'stopped'
  node: string
  mode: VrrpMode
  /** What every instance looked like when the node stopped. */
  instances: InstanceStatus[]
  /** The keepalived virtual_servers served (NAT-style) and their real servers when the node stopped. */
  virtualServers?: VirtualServiceStatus[]
}

export default class Run extends BaseCommand {
  static override summary = 'Run a haproxy.cfg (bundled proxy engine) or the VRRP instances of a keepalived.conf in the foreground'
  static override description = `With a haproxy.cfg: the bundled proxy engine runs it (mode tcp and http, TLS termination, balance algorithms, health checks, ACLs and http-request/response rules, cookie persistence, logs, the stats page and socket); what it cannot run yet is refused line by line. One line per event on stderr; SIGHUP reloads the file, keeping the listening sockets and letting connections finish; SIGUSR1 soft-stops the proxy (as HAProxy: listeners close, connections finish; on a node, VRRP keeps running and its haproxy check scripts then fail); SIGTERM or Ctrl-C stops accepting, lets connections finish and exits 0.

With a keepalived.conf and a haproxy.cfg: one load-balancer node, VRRP and the proxy together. Binds on a VIP follow the VIP: in local mode they open only while the node is MASTER (so a client of the VIP reaches the master); as root they open at once when net.ipv4.ip_nonlocal_bind=1, else when the VIP arrives.

With a keepalived.conf: speaks VRRP like keepalived: as root, real VRRP packets (IP protocol 112) on the configured interfaces and VIPs added with \`ip addr\`; with --local (or when not root), the same packets over UDP multicast on loopback and the VIPs only recorded, so several nodes can run on one laptop. Events go to stderr, one per line (with --json: JSON lines on stdout). SIGTERM or Ctrl-C stops gracefully: a MASTER sends a priority-0 advert so the backup takes over at once, and removes its VIPs.

A keepalived.conf's virtual_server blocks (LVS) are served too: each address:port virtual server is a TCP listener forwarding NAT-style to its real servers (lb_kind DR/TUN served NAT-style, with a notice), with the kernel's schedulers (rr wrr lc wlc lblc lblcr dh sh sed nq), keepalived's checkers (TCP_CHECK, HTTP_GET, SSL_GET, MISC_CHECK), persistence_timeout, quorum and sorry_server. A virtual server on a VIP listens while the node holds the VIP. In local mode the virtual addresses must be loopback ones.`

  static override examples = [
    'sudo <%= config.bin %> run -f /etc/keepalived/keepalived.conf',
    '<%= config.bin %> run -f keepalived-a.conf --local --node a',
    '<%= config.bin %> run -f keepalived.conf --json',
    '<%= config.bin %> run haproxy.cfg',
    '<%= config.bin %> run -f haproxy.cfg -f conf.d/',
    '<%= config.bin %> run -f keepalived-a.conf -f haproxy-a.cfg --local --node a',
    '<%= config.bin %> run -f keepalived-lvs.conf --local',
  ]

  static override strict = false
  static override args = {
    files: Args.string({description: 'the same as -f: haproxy.cfg and/or keepalived.conf files to run', required: false}),
  }

  static override flags = {
    file: Flags.string({char: 'f', description: 'haproxy.cfg (several -f like haproxy) or keepalived.conf to run', multiple: true}),
    node: Flags.string({description: 'node name for events (default: router_id, else the host name); in local mode it also picks the node address'}),
    local: Flags.boolean({description: 'unprivileged local mode: UDP multicast on loopback, VIPs not added to any interface'}),
    address: Flags.string({description: 'local mode: the loopback address this node sends from (default: derived from --node)'}),
    'local-port': Flags.integer({description: 'local mode: the UDP port the local nodes share (default 11200)', min: 1, max: 65535}),
    verbose: Flags.boolean({char: 'v', description: 'also print adverts sent and received and the state machine log'}),
    'stop-with-parent': Flags.boolean({description: 'stop when the parent process exits (nodes started by lbctl up)', hidden: true}),
  }

  protected override logJson(json: unknown): void {
    // Events are JSON lines; the final result is one more line.
    process.stdout.write(JSON.stringify(json) + '\n')
  }

  async run(): Promise<RunResult> {
    const parsed = await this.parse(Run)
    // `lbctl run haproxy.cfg` and `lbctl run -f haproxy.cfg` are the same; -f files come first, as given.
    const files = [...(parsed.flags.file ?? []), ...(parsed.argv as string[])]
    if (files.length === 0) {
      throw new UserError('run/no-file', 'lbctl run needs a configuration file to run', {hint: 'lbctl run haproxy.cfg (or -f haproxy.cfg; a keepalived.conf, or both for one node)'})
    }
    const flags = {...parsed.flags, file: files}
    const first = readSourceFile(flags.file[0]!)
    const types = flags.file.map((path, i) => (i === 0 ? detectConfigType(first.path, first.text) : detectConfigType(path, readSourceFile(path).text)))
    if (types.includes('keepalived') && types.includes('haproxy')) return this.runNode(flags, types)
    if (detectConfigType(first.path, first.text) === 'haproxy') {
      const json = this.jsonEnabled()
      return runHaproxy({files: flags.file, log: (line) => (json ? process.stdout.write(JSON.stringify({type: 'log', message: line}) + '\n') : process.stderr.write(line + '\n'))})
    }
    if (flags.file.length > 1) {
      throw new UserError('run/one-keepalived-file', 'lbctl run takes one keepalived.conf', {hint: 'run one lbctl per node, each with its own -f keepalived.conf'})
    }
    const source = first
    const parse = parseKeepalived(source)
    checkRunnableKeepalived(source, parse, (line) => process.stderr.write(line + '\n'))

    const root = process.getuid?.() === 0
    const mode: VrrpMode = flags.local || !root ? 'local' : 'privileged'
    const nodeName = flags.node ?? parse.model.globalDefs.routerId ?? hostname()
    if (!flags.local && !root) this.logToStderr(`note: not running as root: local mode (UDP on loopback, VIPs not added); use sudo for real VRRP`)
    const lvsLog = (line: string) => (this.jsonEnabled() ? process.stdout.write(JSON.stringify({node: nodeName, type: 'log', message: line}) + '\n') : process.stderr.write(line + '\n'))
    // A keepalived.conf with virtual servers and no vrrp_instance: the virtual servers only.
    if (parse.model.vrrpInstances.length === 0 && parse.model.virtualServers.length > 0) {
      const lvs = buildLvs({model: parse.model, local: mode === 'local', log: lvsLog})!
      const stopSignal = waitForSignal()
      try {
        await startLvs(lvs)
      } catch (error) {
        stopSignal.dispose()
        throw error
      }
      const signal = await stopSignal.promise
      stopSignal.dispose()
      lvsLog(`lbctl run: ${signal}: stopping`)
      const virtualServers = lvs.status()
      await lvs.stop()
      return {type: 'stopped', node: nodeName, mode, instances: [], virtualServers}
    }
    const build = buildVrrpNode({
      model: parse.model,
      mode,
      nodeName,
      ...(flags.address ? {localAddress: flags.address} : {}),
      ...(flags['local-port'] ? {udp: {port: flags['local-port']}} : {}),
    })
    if (!build.ok) {
      throw new UserError('run/cannot-run', `${source.path}: ${build.problems.join('; ')}`, {hint: 'fix the instance(s) above, then run again'})
    }
    const {runner, plans} = build.node

    const json = this.jsonEnabled()
    const quiet = new Set<VrrpEvent['type']>(flags.verbose ? [] : ['advert_sent', 'advert_received', 'log'])
    runner.on('event', (event) => {
      if (json) process.stdout.write(JSON.stringify({node: nodeName, ...event}) + '\n')
      else if (!quiet.has(event.type) || (event.type === 'log' && event.instance === undefined)) process.stderr.write(formatEvent(event) + '\n')
    })

    const lvs = buildLvs({model: parse.model, local: mode === 'local', log: lvsLog, vips: vipAddresses(plans), held: heldVipsOf(build.node), nonlocalBind: mode === 'privileged' && readNonlocalBind()})
    if (!json) {
      const summary = plans.map((plan) => `${plan.name} (vrid ${plan.settings.vrid}, priority ${plan.settings.priority}, ${plan.settings.primaryAddress}${plan.interface ? ` on ${plan.interface}` : ''})`)
      this.logToStderr(`lbctl run: node ${nodeName}, ${mode} mode: ${summary.join(', ')}`)
    }
    const stopSignal = waitForSignal()
    try {
      if (lvs) await startLvs(lvs)
      await runner.start()
    } catch (error) {
      stopSignal.dispose()
      await lvs?.stop()
      if (error instanceof UserError) throw error
      throw new UserError('run/start-failed', `cannot start VRRP: ${(error as Error).message}`, {
        hint: mode === 'privileged' ? 'check the interface names and that you are root; or try --local' : 'check --address is a free loopback address',
      })
    }
    const signal = await stopSignal.promise
    if (!json) this.logToStderr(`lbctl run: ${signal}: stopping (priority 0 advert, VIPs removed)`)
    const instances = runner.status()
    await runner.stop()
    const virtualServers = lvs?.status()
    await lvs?.stop()
    stopSignal.dispose()
    return {type: 'stopped', node: nodeName, mode, instances, ...(virtualServers ? {virtualServers} : {})}
  }

  /** One keepalived.conf plus haproxy.cfg file(s): one load-balancer node. */
  private async runNode(flags: NodeFlags, types: ReturnType<typeof detectConfigType>[]): Promise<NodeRunResult> {
    const keepalived = flags.file.filter((_, i) => types[i] === 'keepalived')
    if (keepalived.length > 1) {
      throw new UserError('run/one-keepalived-file', 'lbctl run takes one keepalived.conf', {hint: 'run one lbctl per node, each with its own -f keepalived.conf'})
    }
    const parse = parseKeepalived(readSourceFile(keepalived[0]!))
    const root = process.getuid?.() === 0
    const mode: VrrpMode = flags.local || !root ? 'local' : 'privileged'
    const nodeName = flags.node ?? parse.model.globalDefs.routerId ?? hostname()
    if (!flags.local && !root) this.logToStderr(`note: not running as root: local mode (UDP on loopback, binds on the VIP only while MASTER); use sudo for real VRRP`)
    const json = this.jsonEnabled()
    const quiet = new Set<VrrpEvent['type']>(flags.verbose ? [] : ['advert_sent', 'advert_received', 'log'])
    return runNode({
      haproxyFiles: flags.file.filter((_, i) => types[i] !== 'keepalived'),
      keepalivedFile: keepalived[0]!,
      mode,
      nodeName,
      ...(flags.address ? {localAddress: flags.address} : {}),
      ...(flags['local-port'] ? {udp: {port: flags['local-port']}} : {}),
      stopWithParent: flags['stop-with-parent'],
      log: (line) => (json ? process.stdout.write(JSON.stringify({node: nodeName, type: 'log', message: line}) + '\n') : process.stderr.write(line + '\n')),
      onVrrpEvent: (event) => {
        if (json) process.stdout.write(JSON.stringify({node: nodeName, ...event}) + '\n')
        else if (!quiet.has(event.type) || (event.type === 'log' && event.instance === undefined)) process.stderr.write(formatEvent(event) + '\n')
      },
    })
  }
}

interface NodeFlags {
  file: string[]
  node?: string | undefined
  local: boolean
  address?: string | undefined
  'local-port'?: number | undefined
  verbose: boolean
  'stop-with-parent': boolean
}

/** Resolves on the first SIGTERM or SIGINT; a second one exits at once. */
function waitForSignal(): {promise: Promise<NodeJS.Signals>; dispose(): void} {
  let first: NodeJS.Signals | undefined
  let resolve: (signal: NodeJS.Signals) => void = () => {}
  const promise = new Promise<NodeJS.Signals>((done) => (resolve = done))
  const handler = (signal: NodeJS.Signals) => {
    if (first !== undefined) process.exit(130)
    first = signal
    resolve(signal)
  }
  process.on('SIGTERM', handler)
  process.on('SIGINT', handler)
  return {
    promise,
    dispose() {
      process.off('SIGTERM', handler)
      process.off('SIGINT', handler)
    },
  }
}
