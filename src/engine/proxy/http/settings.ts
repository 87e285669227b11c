/** The HTTP settings of a frontend and the backend it uses, from the config model (HAProxy's precedence rules). */
import type {Proxy} from '../../../config/haproxy/index.js'

export type ConnectionMode = 'keep-alive' | 'server-close' | 'close'

export interface ForwardFor {
  /** Header name as written (sent lowercased). */
  header: string
  except?: {address: string; prefix: number; family: 'ipv4' | 'ipv6'}
  ifNone: boolean
}

export interface HttpSettings {
  connection: ConnectionMode
  forwardFor?: ForwardFor
  timeouts: {
    /** `timeout http-request`, else `timeout client`: time allowed for a whole request head. */
    httpRequest: number
    /** `timeout http-keep-alive`, else httpRequest: idle time allowed between requests. */
    keepAlive: number
    client: number
  }
}

const MODES: Record<string, ConnectionMode> = {'http-keep-alive': 'keep-alive', 'http-server-close': 'server-close', httpclose: 'close'}

/** The connection mode a proxy sets: its own last option line among the three, else its defaults'. */
function modeOf(p: Proxy | undefined): ConnectionMode | undefined {
  for (let q = p; q; q = q.inheritsFrom) {
    let best: {line: number; mode: ConnectionMode; enabled: boolean} | undefined
    for (const [name, mode] of Object.entries(MODES)) {
      const option = q.options[name]
      if (option && (!best || option.line > best.line)) best = {line: option.line, mode, enabled: option.enabled}
    }
    if (best) return best.enabled ? best.mode : 'keep-alive'
  }
  return undefined
}

/** HAProxy: httpclose on either side wins, then http-server-close on either side, else keep-alive. */
export function connectionMode(frontend: Proxy, backend: Proxy | undefined): ConnectionMode {
  const modes = [modeOf(frontend), modeOf(backend)]
  if (modes.includes('close')) return 'close'
  if (modes.includes('server-close')) return 'server-close'
  return 'keep-alive'
}

function forwardForOf(p: Proxy | undefined, problems: string[]): ForwardFor | undefined {
  const option = p?.effective.options.forwardfor
  if (!option?.enabled) return undefined
  const out: ForwardFor = {header: 'X-Forwarded-For', ifNone: false}
  const args = option.args
  for (let i = 0; i < args.length; i++) {
    const word = args[i]
    if (word === 'if-none') out.ifNone = true
    else if (word === 'header' && args[i + 1]) out.header = args[++i]!
    else if (word === 'except' && args[i + 1]) {
      const net = parseNet(args[++i]!)
      if (net) out.except = net
      else problems.push(`${option.file}:${option.line}: option forwardfor except ${args[i]}: network not understood`)
    }
  }
  return out
}

function parseNet(text: string): ForwardFor['except'] {
  const [address = '', bits] = text.split('/')
  const family = address.includes(':') ? 'ipv6' : 'ipv4'
  const max = family === 'ipv4' ? 32 : 128
  let prefix = bits === undefined ? max : Number(bits)
  // HAProxy also takes a dotted mask (except 10.0.0.0/255.0.0.0).
  if (bits?.includes('.')) prefix = bits.split('.').reduce((n, octet) => n + (Number(octet) >>> 0).toString(2).replace(/0/g, '').length, 0)
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) return undefined
  return {address, prefix, family}
}

/** Backend's forwardfor settings win over the frontend's (its header name is the one used). */
export function httpSettings(frontend: Proxy, backend: Proxy | undefined, problems: string[]): HttpSettings {
  const timeouts = frontend.effective.timeouts
  const client = timeouts.client?.ms ?? 0
  const httpRequest = timeouts['http-request']?.ms ?? client
  const keepAlive = timeouts['http-keep-alive']?.ms ?? httpRequest
  const forwardFor = forwardForOf(backend, problems) ?? forwardForOf(frontend, problems)
  return {connection: connectionMode(frontend, backend), ...(forwardFor ? {forwardFor} : {}), timeouts: {httpRequest, keepAlive, client}}
}
