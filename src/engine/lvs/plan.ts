/**
 * What the engine serves for each keepalived `virtual_server`: a TCP listener on the virtual
 * address, forwarding NAT-style to the real servers. Anything a user-space engine cannot serve
 * (fwmark, groups, UDP/SCTP) is a problem naming the line; DR/TUN are served NAT-style with a notice.
 */
import type {Checker, KeepalivedModel, RealServer, SourceRef, VirtualServer} from '../../config/keepalived/model.js'
import {isLvsAlgorithm, type LvsAlgorithm} from './schedulers/index.js'

export interface CheckPlan {
  type: 'TCP_CHECK' | 'HTTP_GET' | 'SSL_GET' | 'MISC_CHECK'
  host: string
  port: number
  connectTimeoutMs: number
  /** Failed attempts retried before the server is marked down (`retry`, formerly `nb_get_retry`). */
  retry: number
  delayBeforeRetryMs: number
  /** Between checks once settled (`delay_loop` of the checker, else of the virtual server). */
  delayLoopMs: number
  /** The first attempt comes at a random time within this (keepalived's `warmup`, default delay_loop). */
  warmupMs: number
  /** `alpha`: the check starts failed, so its server waits for a first success. */
  alpha: boolean
  urls: {path: string; statusCodes?: number[]; digest?: string}[]
  miscPath?: string
  miscTimeoutMs?: number
  miscDynamic: boolean
}

export interface RealServerPlan {
  address: string
  port: number
  weight: number
  inhibitOnFailure: boolean
  /** IPVS connection thresholds: no new connections from `uthreshold` (active + inactive) until back to `lthreshold` (or 3/4 of uthreshold); 0 = none. */
  uthreshold: number
  lthreshold: number
  checks: CheckPlan[]
  /** notify_up / notify_down: commands run when the server goes in or out of service. */
  notifyUp?: string
  notifyDown?: string
  at: SourceRef
}

export interface VirtualServicePlan {
  address: string
  port: number
  algorithm: LvsAlgorithm
  lbKind: 'NAT' | 'DR' | 'TUN'
  persistenceTimeoutMs: number
  /** IPv4 netmask applied to the client address for persistence (persistence_granularity). */
  persistenceMask?: string
  quorum: number
  hysteresis: number
  /** `alpha`: real servers start down until their first successful check. */
  alpha: boolean
  sorryServer?: {address: string; port: number}
  /** quorum_up / quorum_down: commands run when the quorum is gained or lost. */
  quorumUpCommand?: string
  quorumDownCommand?: string
  realServers: RealServerPlan[]
  at: SourceRef
}

export type LvsPlanResult = {ok: true; services: VirtualServicePlan[]; notices: string[]} | {ok: false; problems: string[]}

const where = (at: SourceRef) => `${at.file}:${at.line}`

export function planVirtualServers(model: KeepalivedModel): LvsPlanResult {
  const problems: string[] = []
  const notices: string[] = []
  const services: VirtualServicePlan[] = []
  for (const vs of model.virtualServers) {
    const plan = planOne(vs, problems)
    if (!plan) continue
    if (plan.lbKind !== 'NAT') notices.push(`${where(vs.at)}: virtual_server ${vs.address} ${vs.port}: lb_kind ${plan.lbKind} served NAT-style (a user-space engine proxies the connections; the real servers see this node's address)`)
    services.push(plan)
  }
  return problems.length > 0 ? {ok: false, problems} : {ok: true, services, notices}
}

function planOne(vs: VirtualServer, problems: string[]): VirtualServicePlan | undefined {
  const name = `${where(vs.at)}: virtual_server ${vs.kind === 'address' ? '' : vs.kind + ' '}${vs.address}${vs.port !== undefined ? ' ' + vs.port : ''}`
  if (vs.kind !== 'address') {
    problems.push(`${name}: ${vs.kind} virtual servers need the kernel's IPVS; the bundled engine serves address:port ones only`)
    return undefined
  }
  if (vs.protocol && vs.protocol !== 'TCP') {
    problems.push(`${name}: protocol ${vs.protocol} is not served by the bundled engine (TCP only)`)
    return undefined
  }
  if (vs.port === undefined || vs.port === 0) {
    problems.push(`${name}: a port is needed (port 0 means every port, which only IPVS can serve)`)
    return undefined
  }
  const algorithm = vs.lbAlgo ?? 'wlc'
  if (!isLvsAlgorithm(algorithm)) {
    problems.push(`${name}: lb_algo ${algorithm} is not served by the bundled engine (rr wrr lc wlc lblc lblcr dh sh sed nq)`)
    return undefined
  }
  const port = vs.port
  const delayLoopMs = vs.delayLoop * 1000
  const realServers = vs.realServers.map((rs) => planReal(rs, port, delayLoopMs, vs.options))
  const plan: VirtualServicePlan = {
    address: vs.address,
    port,
    algorithm,
    lbKind: vs.lbKind ?? 'NAT',
    persistenceTimeoutMs: (vs.persistenceTimeout ?? 0) * 1000,
    quorum: vs.quorum,
    hysteresis: Number(vs.options['hysteresis']?.[0] ?? 0) || 0,
    alpha: realServers.some((rs) => rs.checks.some((c) => c.alpha)),
    realServers,
    at: vs.at,
  }
  const granularity = vs.options['persistence_granularity']?.[0]
  if (granularity) plan.persistenceMask = granularity
  if (vs.sorryServer) plan.sorryServer = {address: vs.sorryServer.address, port: vs.sorryServer.port ?? port}
  const quorumUp = vs.options['quorum_up']
  const quorumDown = vs.options['quorum_down']
  if (quorumUp?.length) plan.quorumUpCommand = quorumUp.join(' ')
  if (quorumDown?.length) plan.quorumDownCommand = quorumDown.join(' ')
  return plan
}

function planReal(rs: RealServer, vsPort: number, delayLoopMs: number, vsOptions: Record<string, string[]>): RealServerPlan {
  const port = rs.port ?? vsPort
  const checks = rs.checkers.flatMap((c) => {
    const plan = planCheck(c, rs.address, port, delayLoopMs, vsOptions)
    return plan ? [plan] : []
  })
  const plan: RealServerPlan = {address: rs.address, port, weight: rs.weight, inhibitOnFailure: rs.inhibitOnFailure, uthreshold: rs.uthreshold, lthreshold: rs.lthreshold, checks, at: rs.at}
  if (rs.notifyUp) plan.notifyUp = rs.notifyUp.command
  if (rs.notifyDown) plan.notifyDown = rs.notifyDown.command
  return plan
}

/**
 * keepalived 2.x lets the virtual_server give checker defaults (connect_timeout, retry,
 * delay_before_retry, warmup); the model applied keepalived's own defaults to the checker, so a
 * checker value equal to that default yields to the virtual server's.
 */
function planCheck(c: Checker, address: string, port: number, delayLoopMs: number, vsOptions: Record<string, string[]>): CheckPlan | undefined {
  if (c.type !== 'TCP_CHECK' && c.type !== 'HTTP_GET' && c.type !== 'SSL_GET' && c.type !== 'MISC_CHECK') return undefined
  const number = (options: Record<string, string[]>, name: string) => {
    const value = Number(options[name]?.[0])
    return Number.isFinite(value) && value >= 0 ? value : undefined
  }
  const inherited = (value: number, keepalivedDefault: number, name: string) => (value === keepalivedDefault ? (number(vsOptions, name) ?? value) : value)
  const oldRetry = number(c.options, 'nb_get_retry')
  const retry = oldRetry !== undefined && Number.isInteger(oldRetry) ? oldRetry : inherited(c.retry, 1, 'retry')
  const checkDelayLoop = number(c.options, 'delay_loop')
  const loopMs = checkDelayLoop && checkDelayLoop > 0 ? checkDelayLoop * 1000 : delayLoopMs
  const warmup = number(c.options, 'warmup') ?? number(vsOptions, 'warmup')
  const plan: CheckPlan = {
    type: c.type,
    host: c.connectIp ?? address,
    port: c.connectPort ?? port,
    connectTimeoutMs: inherited(c.connectTimeout, 5, 'connect_timeout') * 1000,
    retry,
    delayBeforeRetryMs: inherited(c.delayBeforeRetry, 1, 'delay_before_retry') * 1000,
    delayLoopMs: loopMs,
    warmupMs: warmup === undefined ? loopMs : warmup * 1000,
    alpha: 'alpha' in c.options || 'alpha' in vsOptions,
    urls: c.urls.map((u) => {
      const url: CheckPlan['urls'][number] = {path: u.path ?? '/'}
      if (u.statusCode) url.statusCodes = statusCodes(u.statusCode)
      if (u.digest) url.digest = u.digest.toLowerCase()
      return url
    }),
    miscDynamic: 'misc_dynamic' in c.options,
  }
  if (c.miscPath) plan.miscPath = c.miscPath
  if (c.miscTimeout !== undefined) plan.miscTimeoutMs = c.miscTimeout * 1000
  return plan
}

/** `status_code 200 301-302` → every code listed. */
function statusCodes(text: string): number[] {
  const codes: number[] = []
  for (const word of text.split(/\s+/)) {
    const [from, to] = word.split('-').map(Number)
    if (from === undefined || !Number.isInteger(from)) continue
    for (let code = from; code <= (to !== undefined && Number.isInteger(to) ? to : from); code++) codes.push(code)
  }
  return codes
}
