/**
 * Checks that depend on the machine haproxy runs on: certificate and error files, system users and
 * groups, server host names. haproxy -c fails on all of them; lbctl reports them as warnings
 * (errors with --strict-env) because the config is often validated away from the load balancer.
 */
import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs'
import {dirname, isAbsolute, join} from 'node:path'
import {isIPv4, isIPv6, parseSocketAddress} from '../keywords/args.js'
import type {Directive, Proxy} from '../model.js'
import {argsMayContain, directivesWithoutServers, envSeverity, report, type RuleContext, serversOfNote} from './context.js'

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

/**
 * Where haproxy looks for a relative path: `default-path` in global (2.6): `current` (the working
 * directory, the default), `config` (the config file's directory), `parent`, or `origin <dir>`.
 */
function pathResolver(ctx: RuleContext): (path: string, file: string) => string {
  const dp = ctx.model.global?.directives.find((d) => d.keyword === 'default-path')
  const mode = dp?.args[0] ?? 'current'
  return (path, file) => {
    if (isAbsolute(path)) return path
    if (mode === 'config') return join(dirname(file), path)
    if (mode === 'parent') return join(dirname(dirname(file)), path)
    if (mode === 'origin') return join(dp?.args[1] ?? '', path)
    return path
  }
}

export function certificateFiles(ctx: RuleContext): void {
  const crtBase = ctx.model.global?.directives.find((d) => d.keyword === 'crt-base')?.args[0]
  const caBase = ctx.model.global?.directives.find((d) => d.keyword === 'ca-base')?.args[0]
  const resolvePath = pathResolver(ctx)
  const resolve = (path: string, base: string | undefined, file: string) => resolvePath(isAbsolute(path) || base === undefined ? path : join(base, path), file)
  for (let pi = 0; pi < ctx.model.proxies.length; pi++) {
    const p = ctx.model.proxies[pi] as Proxy
    for (let bi = 0; bi < p.binds.length; bi++) {
      const b = p.binds[bi] as Proxy['binds'][number]
      const d = b.directive
      for (let i = 1; i < d.args.length; i++) {
        const name = d.args[i]
        if (name !== 'crt' && name !== 'crt-list' && name !== 'ca-file') continue
        const path = resolve(d.args[i + 1] ?? '', name === 'ca-file' ? caBase : crtBase, d.file)
        if (!existsSync(path)) {
          const what = name === 'ca-file' ? 'CA file' : name === 'crt-list' ? 'crt-list' : 'SSL certificate'
          report(ctx, envSeverity(ctx), 'haproxy/missing-file', d, `'bind ${d.args[0]}' : unable to stat ${what} from file '${path}' : No such file or directory.`, ['install the file (a PEM with certificate and key for crt) at that path on the load balancer'], d.words[i + 2])
        } else if (name === 'crt') {
          const missingKey = certificatesWithoutKey(path)[0]
          if (missingKey !== undefined) {
            report(ctx, envSeverity(ctx), 'haproxy/missing-file', d, `'bind ${d.args[0]}' in section '${p.kind}' : No Private Key found in '${missingKey}.key'.`, [`put the private key in the PEM (cat cert.crt cert.key > cert.pem) or next to it as ${missingKey}.key`], d.words[i + 2])
          }
        }
      }
    }
  }
  const sections = [...ctx.model.defaults, ...ctx.model.proxies, ...ctx.model.others.filter((o) => o.kind === 'http-errors')]
  for (const p of sections) {
    for (let di = 0; di < p.directives.length; di++) {
      const d = p.directives[di] as Directive
      if (d.name === 'errorfile' && d.args[1] !== undefined) {
        const path = resolvePath(d.args[1], d.file)
        if (!existsSync(path)) report(ctx, envSeverity(ctx), 'haproxy/missing-file', d, `errorfile : error opening file '${path}'.`, ['create the file (a complete HTTP response) or remove the errorfile line'], d.words[2])
      }
    }
  }
}

/** Files HAProxy skips when `crt` names a directory. */
const CRT_DIR_SKIP = /\.(key|ocsp|issuer|sctl)$/

/** The certificate files (one, or every file of a directory) that have no private key inside nor a `.key` next to them. */
function certificatesWithoutKey(path: string): string[] {
  let files: string[]
  try {
    files = statSync(path).isDirectory() ? readdirSync(path).filter((f) => !f.startsWith('.') && !CRT_DIR_SKIP.test(f)).map((f) => join(path, f)) : [path]
  } catch {
    return []
  }
  return files.filter((f) => {
    try {
      return !readFileSync(f, 'latin1').includes('PRIVATE KEY') && !existsSync(`${f}.key`) && !existsSync(f.replace(/\.[^./]+$/, '.key'))
    } catch {
      return false
    }
  })
}

const MAP_CONVERTER = /\bmap(?:_[a-z]+)*\(([^,)]+)/g

const PATTERN_FILE_HINTS = ['map', '-f']

/** Pattern files of `map*()` converters and ACL `-f` flags are opened at startup. */
export function patternFiles(ctx: RuleContext): void {
  const resolvePath = pathResolver(ctx)
  for (const p of [...ctx.model.defaults, ...ctx.model.proxies]) {
    const directives = directivesWithoutServers(ctx, p)
    for (let di = 0; di < directives.length; di++) {
      const d = directives[di] as Directive
      if (!argsMayContain(d, PATTERN_FILE_HINTS)) continue
      for (let i = 0; i < d.args.length; i++) {
        const arg = d.args[i] as string
        const hasMap = arg.includes('map')
        if (!hasMap && arg !== '-f') continue
        const files: string[] = []
        if (hasMap) for (const m of arg.matchAll(MAP_CONVERTER)) files.push(m[1] as string)
        if (arg === '-f' && d.args[i + 1] !== undefined && (d.name === 'acl' || d.args.includes('{'))) files.push(d.args[i + 1] as string)
        // A dynamic use_backend name is compiled after parsing, against the working directory: default-path does not apply.
        const late = d.name === 'use_backend' && i === 0 && arg.includes('%[')
        for (const f of files) {
          const path = late ? f : resolvePath(f, d.file)
          if (!existsSync(path)) report(ctx, envSeverity(ctx), 'haproxy/missing-file', d, `failed to open pattern file <${path}>.`, ['create the map/pattern file on the load balancer'], d.words[i + 1])
        }
      }
    }
  }
}

export function serverHostnames(ctx: RuleContext): void {
  const hostNamed = serversOfNote(ctx).hostNamed
  if (hostNamed.length === 0) return
  const known = hostsFileNames()
  for (const {proxy: p, server: s} of hostNamed) {
    if (isIPv4(s.host) || isIPv6(s.host) || known.has(s.host)) continue
    // An address that does not parse (`127.0.0.1:99999`) was reported as such, not as a name to resolve.
    if (!parseSocketAddress(s.address, {who: 'server', bind: false}).ok) continue
    const init = s.initAddr ?? (typeof p.effective.defaultServer['init-addr'] === 'string' ? p.effective.defaultServer['init-addr'] : undefined)
    if (init?.split(',').includes('none') || s.resolvers !== undefined) continue
    report(ctx, envSeverity(ctx), 'haproxy/unresolved-host', s.directive, `'server ${p.name}/${s.name}' : host name '${s.host}' must resolve when haproxy starts (haproxy -c fails with "could not resolve address").`, [`use an IP address, add '${s.host}' to /etc/hosts, or add 'init-addr last,libc,none' to start without it`], s.directive.words[2])
  }
}
