/**
 * Turns a seed haproxy.cfg (as pasted from an article) into one both real haproxy and `lbctl run` can
 * serve on loopback: binds on free ports, servers on local backends, no daemon/chroot/user lines,
 * TLS binds dropped, errorfiles in a temp dir, a stats socket to know when haproxy is ready, and a
 * frontend for backend-only snippets.
 */
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'

export interface AdaptedSeed {
  config: string
  /** Original bind port → local port, with the mode of the section that binds it. */
  fronts: {original: string; port: number; mode: 'http' | 'tcp'; section: string}[]
  /** Server name → local port (every server line gets its own echo backend). */
  servers: Map<string, number>
  statsPort: number
}

const DROPPED_GLOBAL = /^\s*(chroot|user|group|uid|gid|daemon|pidfile|nbproc|ulimit-n|stats socket|tune\.ssl\.|log\s+\/dev\/log)\b/

/** `ports()` hands out free ports; `dir` is where errorfiles are written. */
export async function adaptSeed(text: string, ports: () => Promise<number>, dir: string): Promise<AdaptedSeed> {
  const lines = text.replace(/\r/g, '').split('\n').map((l) => l.replace(/\s+#.*$/, '').replace(/^\s*#.*$/, '').replace(/\s+$/, ''))
  const out: string[] = []
  const fronts: AdaptedSeed['fronts'] = []
  const servers = new Map<string, number>()
  const statsPort = await ports()
  let section = ''
  let sectionName = ''
  let mode: 'http' | 'tcp' = 'tcp'
  // A snippet without its defaults section was written for one with `mode http` (the articles leave it out).
  const snippet = !lines.some((l) => /^defaults\b/.test(l.trim()))
  let defaultsMode: 'http' | 'tcp' = snippet ? 'http' : 'tcp'
  let sawGlobal = false
  let sawDefaults = false
  let hasFront = false
  const backends: string[] = []
  const defaultBackends: string[] = []
  const pending: {index: number; original: string; section: string}[] = []
  for (const line of lines) {
    if (line.trim() === '' || line.includes('...')) continue
    const words = line.trim().split(/\s+/)
    const head = words[0]!
    if (['global', 'defaults', 'frontend', 'backend', 'listen', 'userlist'].includes(head)) {
      section = head
      sectionName = words[1] ?? ''
      mode = defaultsMode
      if (head === 'global') sawGlobal = true
      if (head === 'defaults') sawDefaults = true
      if (head === 'frontend' || head === 'listen') hasFront = true
      if (head === 'backend' || head === 'listen') backends.push(sectionName)
      out.push(words.join(' '))
      if (head === 'global') out.push(`  stats socket ipv4@127.0.0.1:${statsPort} level admin`)
      continue
    }
    if (section === 'global' && DROPPED_GLOBAL.test(line)) continue
    // haproxy needs 2 file descriptors per connection and the test machine allows 20000 (raising it fails).
    if (section === 'global' && head === 'maxconn' && Number(words[1]) > 4000) {
      out.push('  maxconn 4000')
      continue
    }
    if (head === 'mode') {
      mode = words[1] === 'http' ? 'http' : 'tcp'
      if (section === 'defaults') defaultsMode = mode
    }
    if (head === 'default_backend') defaultBackends.push(words[1] ?? '')
    if (head === 'bind') {
      if (words.includes('ssl')) continue
      const original = words[1] ?? ''
      pending.push({index: out.length, original, section: sectionName})
      out.push(`  bind 127.0.0.1:PORT`)
      continue
    }
    if (head === 'server') {
      const name = `${sectionName}/${words[1] ?? ''}`
      const port = await ports()
      servers.set(name, port)
      out.push(`  ${['server', words[1], `127.0.0.1:${port}`, ...words.slice(3)].join(' ')}`)
      continue
    }
    if (head === 'errorfile') {
      const path = join(dir, `${words[1]}.http`)
      writeFileSync(path, `HTTP/1.1 ${words[1]} Seed Page\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nseed\n`)
      out.push(`  errorfile ${words[1]} ${path}`)
      continue
    }
    out.push(`  ${line.trim()}`)
  }
  // Section modes are only known once a section is read: resolve the binds' modes now.
  for (const p of pending) {
    const port = await ports()
    out[p.index] = `  bind 127.0.0.1:${port}`
    fronts.push({original: p.original, port, mode: sectionMode(out, p.index, defaultsMode), section: p.section})
  }
  if (!hasFront && backends.length > 0) {
    const port = await ports()
    const backendMode = sectionMode(out, 0, defaultsMode, backends[0])
    out.push('frontend seed_front', `  mode ${backendMode}`, `  bind 127.0.0.1:${port}`, `  default_backend ${backends[0]}`)
    fronts.push({original: '(added)', port, mode: backendMode, section: 'seed_front'})
  }
  for (const name of defaultBackends) {
    if (backends.includes(name)) continue
    const port = await ports()
    servers.set(`${name}/web`, port)
    out.push(`backend ${name}`, `  server web 127.0.0.1:${port}`)
  }
  const head: string[] = []
  if (!sawGlobal) head.push('global', `  stats socket ipv4@127.0.0.1:${statsPort} level admin`)
  if (!sawDefaults) head.push('defaults', '  mode http', '  timeout connect 1s', '  timeout client 5s', '  timeout server 5s')
  return {config: `${[...head, ...out].join('\n')}\n`, fronts, servers, statsPort}
}

/** The mode of the section holding line `index` (its own `mode` line, else the defaults'); for an added frontend, its backend's. */
function sectionMode(out: string[], index: number, defaultsMode: 'http' | 'tcp', backend?: string): 'http' | 'tcp' {
  let start = index
  if (backend !== undefined) start = out.findIndex((l) => l === `backend ${backend}`)
  else while (start > 0 && out[start]!.startsWith(' ')) start--
  for (let i = start + 1; i < out.length && out[i]!.startsWith(' '); i++) {
    const m = /^\s+mode\s+(http|tcp)/.exec(out[i]!)
    if (m) return m[1] as 'http' | 'tcp'
  }
  return defaultsMode
}
