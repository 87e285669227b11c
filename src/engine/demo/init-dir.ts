/**
 * `lbctl up DIR`: runs the files of an `lbctl init` directory as a local pair. Local mode cannot
 * hold the real VIP, so the nodes run copies (in the temp dir) where:
 * - the VIP becomes the loopback VIP 127.0.0.100 (in the frontend binds and virtual_ipaddress);
 * - a frontend port below 1024 moves up by 8000 when not root (80 → 8080);
 * - the stats page section (mode http, `stats enable`) is left out: the bundled engine has no mode
 *   http yet, and every node would bind the same port; `lbctl top` on the stats sockets shows the same;
 * - each node gets its own stats socket (LBCTL_RUN_DIR points at the node's folder).
 */
import {existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {parseKeepalived} from '../../config/keepalived/index.js'
import {readSourceFile} from '../../config/source.js'
import {UserError} from '../../errors.js'
import {loadHaproxyConfig} from '../proxy/load.js'
import type {NodeLaunch} from './cluster.js'
import {DEMO_VIP} from './config.js'

export interface PreparedDir {
  launches: NodeLaunch[]
  vip: string
  port: number
  notes: string[]
  /** Servers on 127.0.0.1 (init's default backends): lbctl up starts a demo backend on those nobody serves. */
  loopbackServers: {name: string; port: number}[]
}

const SECTION = /^(global|defaults|frontend|backend|listen|userlist|peers|resolvers|mailers|program|http-errors|ring|cache)\b/

/** Splits a haproxy.cfg into sections (what comes before the first one is kept as is). */
function sections(text: string): string[][] {
  const out: string[][] = [[]]
  for (const line of text.split('\n')) {
    if (SECTION.test(line)) out.push([])
    out.at(-1)!.push(line)
  }
  return out
}

function isStatsPage(section: string[]): boolean {
  const body = section.slice(1).map((line) => line.trim())
  return /^(listen|frontend)\b/.test(section[0] ?? '') && body.includes('stats enable') && body.some((line) => /^mode\s+http\b/.test(line))
}

export function prepareInitDir(dir: string, temp: string): PreparedDir {
  const haproxyPath = join(dir, 'haproxy.cfg')
  const keepalivedFiles = existsSync(dir) ? readdirSync(dir).filter((name) => /^keepalived-.+\.conf$/.test(name)).sort() : []
  if (!existsSync(haproxyPath) || keepalivedFiles.length === 0) {
    throw new UserError('up/not-an-init-dir', `${dir} has no haproxy.cfg and keepalived-<node>.conf files`, {hint: `create them with \`lbctl init ${dir}\`, or run \`lbctl up\` with no directory for the built-in demo`})
  }
  const notes: string[] = []
  const nodeNames = keepalivedFiles.map((name) => name.replace(/^keepalived-(.+)\.conf$/, '$1'))
  const firstKeepalived = parseKeepalived(readSourceFile(join(dir, keepalivedFiles[0]!)))
  const realVips = firstKeepalived.model.vrrpInstances.flatMap((instance) => instance.virtualIpaddresses.map((vip) => vip.address.split('/')[0]!))
  const realVip = realVips[0]
  if (realVip === undefined) throw new UserError('up/no-vip', `${join(dir, keepalivedFiles[0]!)} has no virtual_ipaddress`, {hint: 'lbctl up needs a VIP to move between the nodes'})
  if (realVips.length > 1) notes.push(`only the first VIP (${realVip}) is mapped to ${DEMO_VIP}; the others stay as they are`)
  notes.push(`local mode: the VIP ${realVip} is mapped to the loopback VIP ${DEMO_VIP}, held by one node at a time`)

  const root = process.getuid?.() === 0
  let port = 0
  const kept: string[] = []
  let droppedStats = false
  const escaped = realVip.replace(/\./g, '\\.')
  for (const section of sections(readFileSync(haproxyPath, 'utf8'))) {
    if (isStatsPage(section)) {
      droppedStats = true
      continue
    }
    for (const line of section) {
      const bind = new RegExp(`^(\\s*bind\\s+)${escaped}:(\\d+)`).exec(line)
      if (!bind) {
        kept.push(line)
        continue
      }
      const original = Number(bind[2])
      const local = original < 1024 && !root ? original + 8000 : original
      if (local !== original) notes.push(`port ${original} needs root: the frontend listens on ${local} instead`)
      port ||= local
      kept.push(line.replace(`${realVip}:${original}`, `${DEMO_VIP}:${local}`))
    }
  }
  if (droppedStats) notes.push('the stats page is left out: the bundled engine does not serve stats pages yet; lbctl top shows the same on the stats sockets')
  if (port === 0) throw new UserError('up/no-vip-bind', `${haproxyPath} has no bind on the VIP ${realVip}`, {hint: 'lbctl up maps the VIP bind to a loopback VIP; add `bind VIP:PORT` to the frontend'})

  const launches = nodeNames.map((name, index): NodeLaunch => {
    const nodeDir = join(temp, name)
    mkdirSync(nodeDir, {recursive: true})
    const haproxy = join(nodeDir, 'haproxy.cfg')
    writeFileSync(haproxy, kept.join('\n').trimEnd() + '\n')
    const keepalivedText = readFileSync(join(dir, keepalivedFiles[index]!), 'utf8')
    const keepalived = join(nodeDir, 'keepalived.conf')
    writeFileSync(keepalived, keepalivedText.replace(new RegExp(`${escaped}(/\\d+)?(\\s+dev\\s+\\S+)?`, 'g'), DEMO_VIP))
    return {name, files: [keepalived, haproxy], address: `127.0.0.${11 + index}`, statsSocket: join(nodeDir, 'admin.sock'), logFile: join(nodeDir, 'node.log'), env: {LBCTL_RUN_DIR: nodeDir}}
  })

  // Refuse here, with one clear message, what every node would refuse.
  const loaded = loadHaproxyConfig([launches[0]!.files[1]!], {...process.env, LBCTL_RUN_DIR: temp})
  if (!loaded.ok) {
    const problems = [...loaded.errors.map((d) => d.message), ...loaded.problems]
    throw new UserError('up/cannot-run', `${haproxyPath}: the bundled engine cannot run it: ${problems.join('; ')}`, {hint: `\`lbctl validate ${haproxyPath}\` shows everything`})
  }
  const loopbackServers = kept.flatMap((line) => {
    const server = /^\s*server\s+(\S+)\s+127\.0\.0\.1:(\d+)/.exec(line)
    return server ? [{name: server[1]!, port: Number(server[2])}] : []
  })
  return {launches, vip: DEMO_VIP, port, notes, loopbackServers}
}
