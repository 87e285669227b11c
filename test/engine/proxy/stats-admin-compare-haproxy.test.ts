/**
 * `stats admin if <cond>`: the stats page's POST form changes server states only when the condition
 * matches, with the same 303 outcomes (`;st=DONE`, `NONE`, `DENY`, ...) and resulting states as
 * real haproxy 2.6.
 */
import {connect} from 'node:net'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {requireBinary} from '../../helpers/oracles.js'
import {freePort, startEngine, startHaproxy} from './helpers.js'
import {type ScriptedBackend, scriptedBackend} from './log-helpers.js'
import {get} from './stats-helpers.js'

const hasHaproxy = requireBinary('haproxy')
let backend: ScriptedBackend
beforeAll(async () => {
  backend = await scriptedBackend()
})
afterAll(async () => {
  await backend.close()
})

function config(open: number, closed: number, stats: number): string {
  return `global
  stats socket ipv4@127.0.0.1:${stats} level admin
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend admin_page
  bind 127.0.0.1:${open}
  acl from_here src 127.0.0.1
  stats enable
  stats uri /stats
  stats admin if from_here
  default_backend app
frontend read_only_page
  bind 127.0.0.1:${closed}
  stats enable
  stats uri /stats
  stats admin if { src 198.18.0.1 }
  default_backend app
backend app
  server s1 127.0.0.1:${backend.port}
  server s2 127.0.0.1:${backend.port}
`
}

/** POSTs a form and returns the Location the page sends the browser to. */
function post(port: number, form: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({port, host: '127.0.0.1'}, () =>
      socket.write(`POST /stats HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${form.length}\r\nConnection: close\r\n\r\n${form}`),
    )
    let text = ''
    socket.on('data', (c: Buffer) => (text += c.toString('latin1')))
    socket.on('close', () => resolve(`${text.split('\r\n')[0]} ${/\r\nlocation: ([^\r]*)/i.exec(text)?.[1] ?? ''}`))
    socket.on('error', reject)
  })
}

function statuses(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({port, host: '127.0.0.1'}, () => socket.write('show stat\n'))
    let text = ''
    socket.on('data', (c: Buffer) => (text += c.toString()))
    socket.on('end', () =>
      resolve(
        text
          .split('\n')
          .filter((l) => l.startsWith('app,s'))
          .map((l) => `${l.split(',')[1]}=${l.split(',')[17]}`)
          .join(' '),
      ),
    )
    socket.on('error', reject)
  })
}

const FORMS: [port: 'open' | 'closed', form: string][] = [
  ['open', 's=s1&action=maint&b=%234'],
  ['open', 's=s1&action=maint&b=%234'],
  ['open', 's=s1&s=s2&action=drain&b=%234'],
  ['open', 's=s1&s=s2&action=ready&b=%234'],
  ['closed', 's=s2&action=maint&b=%234'],
  ['open', 'action=maint&b=%234'],
  ['open', 's=zz&action=maint&b=%234'],
  ['open', 's=s1&s=zz&action=maint&b=%234'],
  ['open', 's=s1&action=ready&b=%234'],
]

async function exercise(ports: {open: number; closed: number; stats: number}): Promise<string[]> {
  const out: string[] = []
  for (const [which, form] of FORMS) {
    out.push(`${form} -> ${await post(ports[which], form)} -> ${await statuses(ports.stats)}`)
  }
  const page = (await get(ports.open, '/stats')).body
  const readOnly = (await get(ports.closed, '/stats')).body
  out.push(`form on the admin page: ${/<select name="?action"?>/.test(page)}`, `form on the read-only page: ${/<select name="?action"?>/.test(readOnly)}`)
  return out
}

describe.skipIf(!hasHaproxy)('stats admin: bundled engine = real haproxy', () => {
  it('applies the form only where the condition matches, with the same outcomes', {timeout: 30_000}, async () => {
    const ports = {open: await freePort(), closed: await freePort(), stats: await freePort()}
    const cfg = config(ports.open, ports.closed, ports.stats)
    const real = await startHaproxy(cfg, ports.stats)
    let theirs: string[]
    try {
      theirs = await exercise(ports)
    } finally {
      await real.stop()
    }
    const engine = startEngine(cfg)
    await engine.start()
    let ours: string[]
    try {
      ours = await exercise(ports)
    } finally {
      await engine.stop(0)
    }
    expect(ours).toEqual(theirs)
    expect(theirs[0]).toContain('st=DONE')
  })
})
