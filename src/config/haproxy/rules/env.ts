/**
 * Checks that depend on the machine haproxy runs on: certificate and error files, system users and
 * groups, server host names. haproxy -c fails on all of them; lbctl reports them as warnings
 * (errors with --strict-env) because the config is often validated away from the load balancer.
 */
import {existsSync, readFileSync} from 'node:fs'
import {isAbsolute, join} from 'node:path'
import {isIPv4, isIPv6} from '../keywords/args.js'
import {envSeverity, report, type RuleContext} from './context.js'

function readNames(path: string): Set<string> | undefined {
  try {
    return new Set(readFileSync(path, 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(':')[0] as string))
  } catch {
    return undefined
  }
}

function hostsFileNames(): Set<string> {
  const names = new Set(['localhost'])
  try {
    for (const line of readFileSync('/etc/hosts', 'utf8').split('\n')) {
      const words = line.replace(/#.*/, '').trim().split(/\s+/)
      for (const w of words.slice(1)) names.add(w)
    }
  } catch {
    // no /etc/hosts: only localhost is known
  }
  return names
}

export function systemUsers(ctx: RuleContext): void {
  const g = ctx.model.global
  if (!g) return
  for (const d of g.directives) {
    if (d.keyword !== 'user' && d.keyword !== 'group') continue
    const name = d.args[0] ?? ''
    const db = readNames(d.keyword === 'user' ? '/etc/passwd' : '/etc/group')
    if (db && !db.has(name)) {
      report(ctx, envSeverity(ctx), 'haproxy/unknown-user', d, `cannot find ${d.keyword} id for '${name}' on this machine (haproxy -c fails here).`, [`create it on the load balancer (useradd -r ${name}) or use an existing ${d.keyword}`], d.words[1])
    }
  }
}

export function certificateFiles(ctx: RuleContext): void {
  const crtBase = ctx.model.global?.directives.find((d) => d.keyword === 'crt-base')?.args[0]
  const caBase = ctx.model.global?.directives.find((d) => d.keyword === 'ca-base')?.args[0]
  const resolve = (path: string, base: string | undefined) => (isAbsolute(path) || base === undefined ? path : join(base, path))
  for (const p of ctx.model.proxies) {
    for (const b of p.binds) {
      for (const [name, base] of [['crt', crtBase], ['ca-file', caBase], ['crt-list', crtBase]] as const) {
        const d = b.directive
        for (let i = 1; i < d.args.length; i++) {
          if (d.args[i] !== name) continue
          const path = resolve(d.args[i + 1] ?? '', base)
          if (!existsSync(path)) report(ctx, envSeverity(ctx), 'haproxy/missing-file', d, `'bind ${d.args[0]}' : unable to stat SSL certificate from file '${path}' : No such file or directory.`, ['install the certificate (PEM with key) at that path on the load balancer'], d.words[i + 2])
        }
      }
    }
    for (const d of p.directives) {
      if (d.keyword === 'errorfile' && d.args[1] !== undefined && !existsSync(d.args[1])) {
        report(ctx, envSeverity(ctx), 'haproxy/missing-file', d, `error files '${d.args[1]}' cannot be read: No such file or directory.`, ['create the file or remove the errorfile line'], d.words[2])
      }
    }
  }
}

export function serverHostnames(ctx: RuleContext): void {
  const known = hostsFileNames()
  for (const p of ctx.model.proxies) {
    for (const s of p.servers) {
      if (s.family !== 'host' || s.template) continue
      if (isIPv4(s.host) || isIPv6(s.host) || known.has(s.host)) continue
      const init = s.initAddr ?? (typeof p.effective.defaultServer['init-addr'] === 'string' ? p.effective.defaultServer['init-addr'] : undefined)
      if (init?.split(',').includes('none') || s.resolvers !== undefined) continue
      report(ctx, envSeverity(ctx), 'haproxy/unresolved-host', s.directive, `'server ${p.name}/${s.name}' : host name '${s.host}' must resolve when haproxy starts (haproxy -c fails with "could not resolve address").`, [`use an IP address, add '${s.host}' to /etc/hosts, or add 'init-addr last,libc,none' to start without it`], s.directive.words[2])
    }
  }
}
