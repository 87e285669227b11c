import {isIP} from 'node:net'
import {UserError} from '../errors.js'

/** Traffic mode of the scaffolded frontend/backend. */
export type InitMode = 'http' | 'tcp'

export interface InitNode {
  /** Used in file names (keepalived-<name>.conf) and as keepalived's router_id. */
  name: string
  /** What `ssh` connects to: `host`, `user@host` or an alias from ~/.ssh/config. Defaults to the name. */
  ssh: string
}

export interface InitBackend {
  /** Server name in haproxy.cfg (app1, app2, ...). */
  name: string
  /** host:port as haproxy reads it ([v6]:port for IPv6). */
  address: string
}

/** Everything `lbctl init` needs, validated. Produced from flags or from the interactive prompts. */
export interface InitOptions {
  vip: string
  /** Prefix length written in keepalived's virtual_ipaddress (32 unless the VIP was given as a.b.c.d/N). */
  vipPrefix: number
  interface: string
  nodes: InitNode[]
  backends: InitBackend[]
  mode: InitMode
  /** Frontend port on the VIP. */
  port: number
  vrid: number
  statsUser: string
  statsPassword: string
}

/**
 * The answers as the user typed them (flag values or prompt text), before validation.
 * An empty or missing statsPassword means "generate one".
 */
export interface InitAnswers {
  vip: string
  interface: string
  nodes: string
  backends: string
  mode: string
  port: string
  vrid: string
  statsUser: string
  statsPassword?: string
}

export const initDefaults = {
  vip: '198.18.0.100',
  interface: 'eth0',
  nodes: 'lb1,lb2',
  backends: '127.0.0.1:9001,127.0.0.1:9002',
  mode: 'http',
  port: '80',
  vrid: '51',
  statsUser: 'admin',
} as const satisfies Omit<InitAnswers, 'statsPassword'>

/** The stats listener's port; the frontend may not use it. */
export const STATS_PORT = 8404
export const MAX_NODES = 10

/** A field's value, or the message saying why it is not acceptable (shown inline by the prompts). */
export type Check<T> = {ok: true; value: T} | {ok: false; message: string}

const ok = <T>(value: T): Check<T> => ({ok: true, value})
const fail = <T>(message: string): Check<T> => ({ok: false, message})

export function checkVip(text: string): Check<{address: string; prefix: number}> {
  const value = text.trim()
  const match = /^([^/]+?)(?:\/(\d{1,2}))?$/.exec(value)
  const address = match?.[1] ?? ''
  if (isIP(address) === 6) return fail(`VIP "${value}" is IPv6: lbctl init scaffolds VRRPv2, which carries IPv4 VIPs only`)
  if (!match || isIP(address) !== 4) return fail(`VIP "${value}" is not an IPv4 address (e.g. 198.18.0.100)`)
  const prefix = match[2] === undefined ? 32 : Number(match[2])
  if (prefix < 1 || prefix > 32) return fail(`VIP "${value}": the prefix length must be 1-32`)
  if (/^(0|127|22[4-9]|2[3-5]\d)\./.test(address)) return fail(`VIP "${value}" is not a unicast address a host can take over`)
  return ok({address, prefix})
}

export function checkInterface(text: string): Check<string> {
  const value = text.trim()
  // Linux interface names: at most 15 bytes, no '/', no whitespace.
  if (!/^[A-Za-z0-9][A-Za-z0-9_.@-]{0,14}$/.test(value)) {
    return fail(`interface "${value}" is not a network interface name (1-15 letters, digits, . _ - @; e.g. eth0)`)
  }
  return ok(value)
}

/** `lb1,lb2` or `lb1=root@198.18.0.11,lb2=root@198.18.0.12`. */
export function checkNodes(text: string): Check<InitNode[]> {
  const items = splitList(text)
  if (items.length < 2) return fail(`nodes "${text.trim()}": give at least two nodes (comma separated), e.g. lb1,lb2`)
  if (items.length > MAX_NODES) return fail(`nodes "${text.trim()}": at most ${MAX_NODES} nodes share one VIP here`)
  const nodes: InitNode[] = []
  for (const item of items) {
    const eq = item.indexOf('=')
    const name = (eq === -1 ? item : item.slice(0, eq)).trim()
    const ssh = (eq === -1 ? name : item.slice(eq + 1)).trim()
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(name)) {
      return fail(`node name "${name}" is not valid: start with a letter or digit, then letters, digits, . _ - (it names keepalived-NAME.conf)`)
    }
    if (ssh.startsWith('-') || !/^(ssh:\/\/)?([^\s@/'"`$;&|<>\\]+@)?[^\s@/'"`$;&|<>\\-][^\s@/'"`$;&|<>\\]*$/.test(ssh)) {
      return fail(`ssh destination "${ssh}" of node ${name} is not valid: write host, user@host or an ssh alias`)
    }
    if (nodes.some((n) => n.name === name)) return fail(`node "${name}" is listed twice`)
    nodes.push({name, ssh})
  }
  return ok(nodes)
}

/** `127.0.0.1:9001,app.internal:80,[2001:db8::1]:8080`. */
export function checkBackends(text: string): Check<InitBackend[]> {
  const items = splitList(text)
  if (items.length === 0) return fail('give at least one backend server as host:port, e.g. 127.0.0.1:9001')
  const backends: InitBackend[] = []
  for (const item of items) {
    const match = /^(\[[0-9A-Fa-f:.]+\]|[^\s:[\]]+):(\d{1,5})$/.exec(item)
    const host = match?.[1] ?? ''
    const port = Number(match?.[2])
    if (!match) return fail(`backend "${item}" is not host:port (e.g. 127.0.0.1:9001; IPv6 as [2001:db8::1]:80)`)
    const hostOk = host.startsWith('[') ? isIP(host.slice(1, -1)) === 6 : isIP(host) === 4 || isHostname(host)
    if (!hostOk) return fail(`backend "${item}": "${host}" is neither an IP address nor a host name`)
    if (port < 1 || port > 65535) return fail(`backend "${item}": port ${match[2]} is outside 1-65535`)
    const address = `${host}:${port}`
    if (backends.some((b) => b.address === address)) return fail(`backend "${address}" is listed twice`)
    backends.push({name: `app${backends.length + 1}`, address})
  }
  return ok(backends)
}

export function checkMode(text: string): Check<InitMode> {
  const value = text.trim().toLowerCase()
  if (value === 'http' || value === 'tcp') return ok(value)
  return fail(`mode "${text.trim()}" is not http or tcp`)
}

export function checkPort(text: string): Check<number> {
  const value = text.trim()
  const port = Number(value)
  if (!/^\d{1,5}$/.test(value) || port < 1 || port > 65535) return fail(`port "${value}" is not a TCP port (1-65535)`)
  if (port === STATS_PORT) return fail(`port ${port} is taken by the stats listener; pick another frontend port`)
  return ok(port)
}

export function checkVrid(text: string): Check<number> {
  const value = text.trim()
  const vrid = Number(value)
  if (!/^\d{1,3}$/.test(value) || vrid < 1 || vrid > 255) return fail(`virtual router id "${value}" is outside 1-255`)
  return ok(vrid)
}

export function checkStatsUser(text: string): Check<string> {
  const value = text.trim()
  if (!/^[A-Za-z0-9_.-]{1,32}$/.test(value)) return fail(`stats user "${value}" is not valid: 1-32 letters, digits, . _ -`)
  return ok(value)
}

/** Written unquoted into `stats auth user:password`, so nothing haproxy's word splitting would change. */
export function checkStatsPassword(text: string): Check<string> {
  if (text.length < 8) return fail('the stats password needs at least 8 characters (leave it empty to generate one)')
  if (text.length > 64) return fail('the stats password may have at most 64 characters')
  if (!/^[\x21-\x7e]+$/.test(text) || /["'\\#$]/.test(text)) {
    return fail('the stats password may not contain spaces, quotes, backslashes, # or $ (haproxy would read them specially)')
  }
  return ok(text)
}

/**
 * Validates every answer; the first mistake becomes a UserError naming the bad value and the flag to fix.
 * `generatePassword` is called only when no password was given.
 */
export function resolveInitOptions(answers: InitAnswers, generatePassword: () => string): InitOptions {
  const vip = orThrow(checkVip(answers.vip), '--vip')
  const given = answers.statsPassword ?? ''
  return {
    vip: vip.address,
    vipPrefix: vip.prefix,
    interface: orThrow(checkInterface(answers.interface), '--interface'),
    nodes: orThrow(checkNodes(answers.nodes), '--nodes'),
    backends: orThrow(checkBackends(answers.backends), '--backends'),
    mode: orThrow(checkMode(answers.mode), '--mode'),
    port: orThrow(checkPort(answers.port), '--port'),
    vrid: orThrow(checkVrid(answers.vrid), '--vrid'),
    statsUser: orThrow(checkStatsUser(answers.statsUser), '--stats-user'),
    statsPassword: given === '' ? generatePassword() : orThrow(checkStatsPassword(given), '--stats-password'),
  }
}

const flagExamples: Record<string, string> = {
  '--vip': '--vip 198.18.0.100',
  '--interface': '--interface eth0',
  '--nodes': '--nodes lb1=root@198.18.0.11,lb2=root@198.18.0.12',
  '--backends': '--backends 10.0.0.21:8080,10.0.0.22:8080',
  '--mode': '--mode tcp',
  '--port': '--port 8080',
  '--vrid': '--vrid 51',
  '--stats-user': '--stats-user admin',
  '--stats-password': '--stats-password (8+ characters), or leave it out to generate one',
}

function orThrow<T>(check: Check<T>, flag: string): T {
  if (check.ok) return check.value
  throw new UserError('init/bad-option', check.message, {hint: `fix ${flag}, e.g. ${flagExamples[flag] ?? flag}`})
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
}

function isHostname(host: string): boolean {
  if (/^[\d.]+$/.test(host)) return false // looks numeric but is not a valid IPv4 address
  return host.length <= 253 && host.split('.').every((label) => /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label))
}
