/** Listening addresses: the same ip:port bound by several proxies, and VIP binds without `transparent`. */
import type {Bind, Proxy} from '../model.js'
import {report, type RuleContext, where} from './context.js'

const ANY = new Set(['', '*', '0.0.0.0', '::'])

export function duplicateBinds(ctx: RuleContext): void {
  // key "host:port" → first (proxy, bind) that took it
  const taken = new Map<string, {proxy: Proxy; bind: Bind}>()
  const anyByPort = new Map<number, {proxy: Proxy; bind: Bind}>()
  const specific: {host: string; port: number; proxy: Proxy; bind: Bind}[] = []
  for (let pi = 0; pi < ctx.model.proxies.length; pi++) {
    const p = ctx.model.proxies[pi] as Proxy
    if (p.kind === 'backend') continue
    for (let bi = 0; bi < p.binds.length; bi++) {
      const b = p.binds[bi] as Proxy['binds'][number]
      for (let ai = 0; ai < b.addresses.length; ai++) {
        const a = b.addresses[ai] as Proxy['binds'][number]['addresses'][number]
        if (a.port === undefined || a.family === 'unix' || a.family === 'abns' || a.family === 'fd' || a.family === 'sockpair') continue
        const host = ANY.has(a.host) ? '*' : a.host
        const key = `${host}:${a.port}`
        const first = taken.get(key)
        if (first && first.proxy !== p) {
          report(ctx, 'warning', 'haproxy/duplicate-bind', b.directive, `${a.text} is also bound by ${first.proxy.kind} '${first.proxy.name}' at ${where(first.bind)}: with SO_REUSEPORT both accept, and connections are split between them at random.`, ['give each frontend its own address or port'], b.directive.words[1])
          continue
        }
        if (!first) taken.set(key, {proxy: p, bind: b})
        if (host === '*') {
          if (!anyByPort.has(a.port)) anyByPort.set(a.port, {proxy: p, bind: b})
        } else specific.push({host, port: a.port, proxy: p, bind: b})
      }
    }
  }
  for (const s of specific) {
    const any = anyByPort.get(s.port)
    if (any && any.proxy !== s.proxy) {
      report(ctx, 'warning', 'haproxy/duplicate-bind', s.bind.directive, `${s.host}:${s.port} overlaps the wildcard bind of ${any.proxy.kind} '${any.proxy.name}' at ${where(any.bind)} on port ${s.port}.`, ['bind the wildcard proxy to a specific address, or use another port'], s.bind.directive.words[1])
    }
  }
}

export function vipBinds(ctx: RuleContext): void {
  if (ctx.options.vips.length === 0 || ctx.options.nonlocalBind) return
  const vips = new Set(ctx.options.vips.map((v) => v.replace(/\/\d+$/, '')))
  for (let pi = 0; pi < ctx.model.proxies.length; pi++) {
    const p = ctx.model.proxies[pi] as Proxy
    for (let bi = 0; bi < p.binds.length; bi++) {
      const b = p.binds[bi] as Proxy['binds'][number]
      if (b.transparent) continue
      for (let ai = 0; ai < b.addresses.length; ai++) {
        const a = b.addresses[ai] as Proxy['binds'][number]['addresses'][number]
        if (!vips.has(a.host)) continue
        report(ctx, 'warning', 'haproxy/vip-bind', b.directive, `bind ${a.text} uses the keepalived VIP ${a.host}: on the BACKUP node the address is absent and haproxy fails to start ("cannot bind socket").`, ["set net.ipv4.ip_nonlocal_bind=1 (sysctl) on every node, or add 'transparent' to this bind", 'or bind to *:PORT'], b.directive.words[1])
      }
    }
  }
}
