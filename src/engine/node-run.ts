/**
 * `lbctl run -f keepalived.conf -f haproxy.cfg`: one load-balancer node in the foreground until
 * SIGTERM/SIGINT (or, for nodes started by `lbctl up`, until the parent process goes away).
 */
import type {EventEmitter} from 'node:events'
import {parseKeepalived} from '../config/keepalived/index.js'
import {readSourceFile} from '../config/source.js'
import {UserError} from '../errors.js'
import {describeBindMode, heldVipsOf, LoadBalancerNode, readNonlocalBind, vipAddresses, vrrpFaultControl} from './node.js'
import {buildLvs, startLvs} from './lvs/launch.js'
import {lvsStatObjects} from './lvs/stat-rows.js'
import type {StatObject} from './proxy/runtime-api/stat.js'
import type {VirtualServiceStatus} from './lvs/service.js'
import {describeFrontends, formatEngineEvent} from './proxy/format.js'
import {loadHaproxyConfig} from './proxy/load.js'
import {loadFailure} from './proxy/load-failure.js'
import {checkRunnableKeepalived} from './keepalived-load.js'
import type {VrrpEvent} from './vrrp/events.js'
import {buildVrrpNode, type VrrpMode} from './vrrp/launch.js'
import type {InstanceStatus} from './vrrp/runner.js'
import type {UdpOptions} from './vrrp/transport/udp.js'

export interface NodeRunOptions {
  haproxyFiles: string[]
  keepalivedFile: string
  mode: VrrpMode
  nodeName: string
  localAddress?: string
  udp?: UdpOptions
  /** Human progress lines (proxy events, binds following the VIP, diagnostics). */
  log: (line: string) => void
  onVrrpEvent: (event: VrrpEvent) => void
  signals?: Pick<EventEmitter, 'on' | 'off'>
  graceMs?: number
  /** Stop when the parent process exits (the nodes `lbctl up` starts). */
  stopWithParent?: boolean
}

export interface NodeRunResult {
  type: 'stopped'
  engine: 'node'
  node: string
  mode: VrrpMode
  signal: string
  instances: InstanceStatus[]
  /** The keepalived virtual_servers served (NAT-style) and their real servers when the node stopped. */
  virtualServers?: VirtualServiceStatus[]
}

export async function runNode(options: NodeRunOptions): Promise<NodeRunResult> {
  const {log} = options
  const loaded = loadHaproxyConfig(options.haproxyFiles)
  if (!loaded.ok) throw loadFailure(loaded, options.haproxyFiles, log)

  const source = readSourceFile(options.keepalivedFile)
  const parse = parseKeepalived(source)
  checkRunnableKeepalived(source, parse, log)
  // The proxy exists only below; its check scripts may ask about it before (they then fail, like `pidof haproxy` before haproxy started).
  let proxyRunning = () => false
  const build = buildVrrpNode({
    model: parse.model,
    mode: options.mode,
    nodeName: options.nodeName,
    proxyRunning: () => proxyRunning(),
    ...(options.localAddress ? {localAddress: options.localAddress} : {}),
    ...(options.udp ? {udp: options.udp} : {}),
  })
  if (!build.ok) throw new UserError('run/cannot-run', `${source.path}: ${build.problems.join('; ')}`, {hint: 'fix the instance(s) above, then run again'})
  const vrrp = build.node
  vrrp.runner.on('event', options.onVrrpEvent)

  const nonlocalBind = options.mode === 'privileged' && readNonlocalBind()
  // The virtual servers are built after the node (their health events go to its stream); `show stat` asks late.
  let virtualServerStats: () => StatObject[] = () => []
  const node = new LoadBalancerNode({
    plan: loaded.plan,
    vrrp: vrrp.runner,
    vips: vipAddresses(vrrp.plans),
    held: heldVipsOf(vrrp),
    nonlocalBind,
    nodeName: options.nodeName,
    vrrpPlans: vrrp.plans,
    vrrpControl: vrrpFaultControl(options.mode, vrrp.runner),
    extraStats: () => virtualServerStats(),
    onProxyEvent: (event) => log(formatEngineEvent(event)),
    log,
  })
  proxyRunning = () => node.proxyRunning()
  const signals = options.signals ?? process
  // SIGUSR1 is HAProxy's soft stop: the proxy stops, VRRP goes on (its haproxy check scripts then fail and the VIP moves).
  const onUsr1 = () => {
    if (!node.proxyRunning()) return
    log('lbctl run: SIGUSR1: soft-stopping the proxy (listeners close, connections finish); VRRP keeps running')
    void node.stopProxy(options.graceMs ?? 30_000).then(() => log('lbctl run: proxy stopped'))
  }
  signals.on('SIGUSR1', onUsr1)
  const lvs = buildLvs({
    model: parse.model, local: options.mode === 'local', log, vips: vipAddresses(vrrp.plans), held: heldVipsOf(vrrp), nonlocalBind,
    // Real servers going in and out of a virtual server join `show events` like the proxy's health changes.
    onTransition: (t) => node.engine.events.publish({at: t.at, kind: 'health', proxy: t.service, server: t.server, from: t.from, to: t.to, check: t.check, activeLeft: t.activeLeft, text: t.text}),
  })
  if (lvs) {
    // Their proxy ids follow the proxy's own, as HAProxy numbers proxies in file order.
    const firstId = Math.max(0, ...node.engine.frontends.map((f) => f.plan.id), ...node.engine.backends.map((b) => b.plan.id)) + 1
    virtualServerStats = () => lvsStatObjects(lvs.services, Date.now(), firstId)
  }
  const stop = waitForStop(signals, options.stopWithParent ?? false)
  try {
    if (lvs) await startLvs(lvs)
    await node.start()
  } catch (error) {
    stop.dispose()
    signals.off('SIGUSR1', onUsr1)
    await lvs?.stop()
    if (error instanceof UserError) throw error
    throw new UserError('run/start-failed', `cannot start node ${options.nodeName}: ${(error as Error).message}`, {
      hint: options.mode === 'privileged' ? 'free the address, check the interface names and that you are root; or try --local' : 'free the address or change the bind line; check --address is a free loopback address',
    })
  }
  const frontends = describeFrontends(node.engine.frontends)
  const instances = vrrp.plans.map((plan) => `${plan.name} (vrid ${plan.settings.vrid}, priority ${plan.settings.priority}, ${plan.settings.primaryAddress})`).join(', ')
  log(`lbctl run: node ${options.nodeName}, ${options.mode} mode, pid ${process.pid}: ${instances}; proxy ${frontends}; ${describeBindMode(options.mode, nonlocalBind)}`)

  const signal = await stop.promise
  stop.dispose()
  signals.off('SIGUSR1', onUsr1)
  log(`lbctl run: ${signal}: stopping (priority 0 advert, VIP binds closed, connections finish)`)
  const status = vrrp.runner.status()
  const virtualServers = lvs?.status()
  await Promise.all([node.stop(options.graceMs ?? 30_000), lvs?.stop(options.graceMs ?? 30_000)])
  log('lbctl run: stopped')
  return {type: 'stopped', engine: 'node', node: options.nodeName, mode: options.mode, signal, instances: status, ...(virtualServers ? {virtualServers} : {})}
}

/** Resolves on the first SIGTERM/SIGINT (or when the parent is gone); a second signal exits at once. */
function waitForStop(signals: Pick<EventEmitter, 'on' | 'off'>, withParent: boolean): {promise: Promise<string>; dispose(): void} {
  let first: string | undefined
  let resolve: (signal: string) => void = () => {}
  const promise = new Promise<string>((done) => (resolve = done))
  const stop = (signal: string) => {
    if (first !== undefined) {
      if (signal !== 'parent exited') process.exit(130)
      return
    }
    first = signal
    resolve(signal)
  }
  const onTerm = () => stop('SIGTERM')
  const onInt = () => stop('SIGINT')
  signals.on('SIGTERM', onTerm)
  signals.on('SIGINT', onInt)
  const parent = process.ppid
  const watch = withParent ? setInterval(() => process.ppid !== parent && stop('parent exited'), 500) : undefined
  return {
    promise,
    dispose() {
      signals.off('SIGTERM', onTerm)
      signals.off('SIGINT', onInt)
      if (watch) clearInterval(watch)
    },
  }
}
