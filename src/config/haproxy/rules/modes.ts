/** HTTP-only settings in `mode tcp` proxies, and missing timeouts: haproxy -c warns about both. */
import {hasBackendCap, hasFrontendCap, type Proxy} from '../model.js'
import {report, type RuleContext} from './context.js'

const L7_BALANCE = new Set(['uri', 'url_param', 'hdr', 'rdp-cookie'])

export function httpSettingsInTcpMode(ctx: RuleContext): void {
  for (let pi = 0; pi < ctx.model.proxies.length; pi++) {
    const p = ctx.model.proxies[pi] as Proxy
    const e = p.effective
    if (e.mode !== 'tcp') continue
    const label = `${p.kind === 'listen' ? 'proxy' : p.kind} '${p.name}'`
    const fix = [`add 'mode http' to ${label}, or remove it`]
    const httplog = e.options.httplog
    if (httplog?.enabled && hasFrontendCap(p)) {
      report(ctx, 'warning', 'haproxy/mode-mismatch', httplog, `'option httplog' not usable with ${label} (needs 'mode http'). Falling back to 'option tcplog'.`, ["use 'option tcplog' in tcp mode", ...fix])
    }
    const ff = e.options.forwardfor
    if (ff?.enabled) report(ctx, 'warning', 'haproxy/mode-mismatch', ff, `'option forwardfor' ignored for ${label} as it requires HTTP mode.`, fix)
    const httpRules = p.rules.find((r) => r.set.startsWith('http-'))
    if (httpRules) report(ctx, 'warning', 'haproxy/mode-mismatch', httpRules.directive, `'${httpRules.set}' rules ignored for ${label} as they require HTTP mode.`, fix)
    if (hasBackendCap(p)) {
      if (e.cookie) report(ctx, 'warning', 'haproxy/mode-mismatch', e.cookie, `cookie will be ignored for ${label} (needs 'mode http').`, ["use 'balance source' or 'stick on src' for persistence in tcp mode", ...fix])
      if (e.balance && L7_BALANCE.has(e.balance.algorithm) && e.balance.algorithm !== 'rdp-cookie') {
        report(ctx, 'warning', 'haproxy/mode-mismatch', e.balance, `Layer 7 hash not possible for ${label} (needs 'mode http'). Falling back to round robin.`, fix)
      }
      const cookieServer = e.cookie === undefined ? undefined : p.servers.find((s) => s.cookie !== undefined)
      if (cookieServer) report(ctx, 'warning', 'haproxy/mode-mismatch', cookieServer.directive, `${label} : ignoring cookie for server '${cookieServer.name}' as HTTP mode is disabled.`, fix)
    }
    if (p.stats.enabled) report(ctx, 'warning', 'haproxy/mode-mismatch', p, `'stats' statement ignored for ${label} as it requires HTTP mode.`, fix)
  }
}

export function missingTimeouts(ctx: RuleContext): void {
  for (let pi = 0; pi < ctx.model.proxies.length; pi++) {
    const p = ctx.model.proxies[pi] as Proxy
    const missing = missingTimeoutNames(p)
    if (missing.length === 0) continue
    const label = `${p.kind === 'listen' ? 'proxy' : p.kind} '${p.name}'`
    report(ctx, 'warning', 'haproxy/missing-timeouts', p, `missing timeouts for ${label}: ${missing.map((m) => `'timeout ${m}'`).join(', ')}. While not properly invalid, you will certainly encounter various problems with such a configuration.`, [
      `set them in the defaults section, e.g. ${missing.map((m) => `timeout ${m} ${m === 'connect' ? '5s' : '30s'}`).join('; ')}`,
    ])
  }
}

function missingTimeoutNames(p: Proxy): string[] {
  const t = p.effective.timeouts
  const out: string[] = []
  if (hasFrontendCap(p) && !t.client?.ms) out.push('client')
  if (hasBackendCap(p) && !t.connect?.ms) out.push('connect')
  if (hasBackendCap(p) && !t.server?.ms) out.push('server')
  return out
}
