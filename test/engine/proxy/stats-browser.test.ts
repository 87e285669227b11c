/**
 * The stats page in a real browser: `lbctl run` and real haproxy serve the same config; headless
 * Chromium renders both (a PNG with real content) and its DOM shows every server row with its
 * status. LBCTL_UPDATE_SCREENSHOT=1 also writes lbctl's screenshot to docs/stats-page.png.
 */
import {type ChildProcess, execFile, spawn} from 'node:child_process'
import {copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {inflateSync} from 'node:zlib'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {requireBinary} from '../../helpers/oracles.js'
import {freePort, startHaproxy, waitFor} from './helpers.js'
import {request, type ScriptedBackend, scriptedBackend} from './log-helpers.js'

const ready = requireBinary('haproxy') && requireBinary('chromium')
const runCli = fileURLToPath(new URL('./run-cli.ts', import.meta.url))
const docs = fileURLToPath(new URL('../../../docs/stats-page.png', import.meta.url))
let backend: ScriptedBackend
let dir: string
beforeAll(async () => {
  backend = await scriptedBackend()
  dir = mkdtempSync(join(tmpdir(), 'lbctl-browser-'))
})
afterAll(async () => {
  await backend.close()
  rmSync(dir, {recursive: true, force: true})
})

function config(front: number, stats: number, dead: number): string {
  return `global
  stats socket ipv4@127.0.0.1:${stats} level admin
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend web
  bind 127.0.0.1:${front}
  stats enable
  stats uri /stats
  stats refresh 30s
  acl from_here src 127.0.0.1
  stats admin if from_here
  default_backend app
backend app
  balance roundrobin
  server web1 127.0.0.1:${backend.port} check inter 200
  server web2 127.0.0.1:${backend.port} check inter 200 weight 50
  server web3 127.0.0.1:${dead} check inter 200
  server spare 127.0.0.1:${backend.port} backup
`
}

function chromium(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', ...args], {timeout: 60_000, maxBuffer: 16 * 1024 * 1024}, (error, stdout) => (error ? reject(error) : resolve(stdout)))
  })
}

interface Png {
  width: number
  height: number
  /** Distinct pixel byte values over the decoded image: a blank page has a handful. */
  distinctBytes: number
  size: number
}

/** Reads a PNG's header and decodes its pixel data enough to tell a rendered page from a blank one. */
function readPng(path: string): Png {
  const data = readFileSync(path)
  expect(data.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a')
  let offset = 8
  let width = 0
  let height = 0
  const idat: Buffer[] = []
  while (offset < data.length) {
    const length = data.readUInt32BE(offset)
    const type = data.toString('latin1', offset + 4, offset + 8)
    const body = data.subarray(offset + 8, offset + 8 + length)
    if (type === 'IHDR') {
      width = body.readUInt32BE(0)
      height = body.readUInt32BE(4)
    }
    if (type === 'IDAT') idat.push(body)
    offset += 12 + length
  }
  const pixels = inflateSync(Buffer.concat(idat))
  const seen = new Set<number>()
  for (let i = 0; i < pixels.length; i += 7) seen.add(pixels[i]!)
  return {width, height, distinctBytes: seen.size, size: data.length}
}

interface Seen {
  png: Png
  /** Server name → the status cell's text, from the rendered DOM. */
  rows: Record<string, string>
  form: boolean
}

async function look(port: number, name: string): Promise<Seen> {
  const url = `http://127.0.0.1:${port}/stats`
  const shot = join(dir, `${name}.png`)
  await chromium([`--screenshot=${shot}`, '--window-size=1280,900', url])
  const dom = await chromium(['--dump-dom', url])
  const rows: Record<string, string> = {}
  for (const server of ['web1', 'web2', 'web3', 'spare']) {
    // The server's row runs from its name cell to the next row with a class (HAProxy's rows hold tooltip
    // tables of their own); its status cell reads `<age> UP`, `DOWN`, `no check`...
    const at = dom.indexOf(`>${server}</`)
    const end = dom.indexOf('<tr class=', at)
    const row = at < 0 ? '' : dom.slice(at, end < 0 ? undefined : end)
    rows[server] = /<td class="ac">(?:<i>)?(?:\S+ )?(UP|DOWN|no check|MAINT)[^<]*(?:<\/i>)?<\/td>/.exec(row)?.[1] ?? 'missing'
  }
  return {png: readPng(shot), rows, form: /<select name="?action"?/.test(dom)}
}

describe.skipIf(!ready)('stats page in headless Chromium', () => {
  it('renders lbctl run and real haproxy alike: screenshot with content, every server row with its status', {timeout: 120_000}, async () => {
    const [front, stats, dead] = [await freePort(), await freePort(), await freePort()]
    const cfg = config(front, stats, dead)
    const real = await startHaproxy(cfg, stats)
    let theirs: Seen
    try {
      await waitFor(async () => /web3,[^\n]*DOWN/.test(await request(front, '/stats;csv')), 8000, 100)
      theirs = await look(front, 'haproxy')
    } finally {
      await real.stop()
    }
    const path = join(dir, 'haproxy.cfg')
    writeFileSync(path, cfg)
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', runCli, '-f', path], {stdio: ['ignore', 'ignore', 'pipe'], env: {...process.env, NO_COLOR: '1'}})
    let stderr = ''
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()))
    let ours: Seen
    try {
      await waitFor(() => stderr.includes('proxy started') || child.exitCode !== null, 20_000)
      expect(stderr).toContain('proxy started')
      await waitFor(async () => /web3,[^\n]*DOWN/.test(await request(front, '/stats;csv')), 8000, 100)
      ours = await look(front, 'lbctl')
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
    for (const seen of [theirs, ours]) {
      expect(seen.png).toMatchObject({width: 1280, height: 900})
      expect(seen.png.size).toBeGreaterThan(20_000)
      expect(seen.png.distinctBytes).toBeGreaterThan(40)
    }
    expect(theirs.rows).toEqual({web1: 'UP', web2: 'UP', web3: 'DOWN', spare: 'no check'})
    expect(ours.rows).toEqual(theirs.rows)
    expect(ours.form).toBe(theirs.form)
    if (process.env.LBCTL_UPDATE_SCREENSHOT === '1') copyFileSync(join(dir, 'lbctl.png'), docs)
  })
})
