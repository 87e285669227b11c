/**
 * `show events` on the stats socket: a live stream of health transitions, admin changes and request
 * log lines that src/observe/events.ts parses; it stays open until the client leaves, and costs
 * nothing once nobody listens.
 */
import {EventEmitter} from 'node:events'
import {connect, type Socket} from 'node:net'
import {afterEach, describe, expect, it} from 'vitest'
import {parseHaproxyFiles} from '../../../src/config/haproxy/index.js'
import {LoadBalancerNode} from '../../../src/engine/node.js'
import {planEngine} from '../../../src/engine/proxy/plan.js'
import type {VrrpEvent} from '../../../src/engine/vrrp/events.js'
import {type ProxyEngine} from '../../../src/engine/proxy/engine.js'
import {type LbEvent, parseEventLine} from '../../../src/observe/events.js'
import {freePort, runtimeCommand, startEngine, waitFor} from './helpers.js'
import {request, type ScriptedBackend, scriptedBackend} from './log-helpers.js'

interface Stream {
  socket: Socket
  events: LbEvent[]
  raw: string[]
}

function openStream(port: number, command = 'show events'): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const stream: Stream = {socket: connect({port, host: '127.0.0.1'}), events: [], raw: []}
    let buffer = ''
    stream.socket.on('connect', () => {
      stream.socket.write(`${command}\n`)
      resolve(stream)
    })
    stream.socket.on('error', reject)
    stream.socket.on('data', (c: Buffer) => {
      buffer += c.toString()
      let nl: number
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl)
        buffer = buffer.slice(nl + 1)
        stream.raw.push(line)
        const event = parseEventLine(line, 'lb1')
        if (event) stream.events.push(event)
      }
    })
  })
}

const ask = runtimeCommand

let engine: ProxyEngine | undefined
let backend: ScriptedBackend | undefined
afterEach(async () => {
  await engine?.stop(0)
  await backend?.close()
  engine = undefined
  backend = undefined
})

describe('show events', () => {
  it('streams health transitions, admin changes and request lines until the client closes', {timeout: 20_000}, async () => {
    backend = await scriptedBackend()
    const [front, admin, user, dead] = [await freePort(), await freePort(), await freePort(), await freePort()]
    engine = startEngine(`global
  stats socket ipv4@127.0.0.1:${admin} level admin
  stats socket ipv4@127.0.0.1:${user} level user
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend web
  bind 127.0.0.1:${front}
  default_backend app
backend app
  server s1 127.0.0.1:${backend.port} check inter 100 rise 1 fall 1
  server s2 127.0.0.1:${dead} check inter 100 rise 1 fall 1
`)
    await engine.start()
    // `level user` is enough: show events only reads.
    const stream = await openStream(user)
    await waitFor(() => engine!.events.active)
    await waitFor(() => stream.events.some((e) => e.kind === 'health' && e.server === 's2' && e.to === 'DOWN'))
    await request(front, '/hello')
    await waitFor(() => stream.events.some((e) => e.kind === 'request'))
    await ask(admin, 'disable server app/s1')
    await waitFor(() => stream.events.some((e) => e.kind === 'health' && e.server === 's1' && e.to === 'MAINT'))

    const down = stream.events.find((e) => e.kind === 'health' && e.server === 's2')
    expect(down).toMatchObject({kind: 'health', node: 'lb1', proxy: 'app', server: 's2', from: 'UP', to: 'DOWN', activeLeft: 1, backupLeft: 0})
    expect(down?.kind === 'health' && down.check).toMatch(/^L4CON in \d+ms$/)
    expect(down?.text).toMatch(/^app\/s2 DOWN, L4CON in \d+ms, 1 active server left$/)
    const hello = stream.events.find((e) => e.kind === 'request')
    // Without a log target the stream carries HAProxy's httplog line.
    expect(hello?.text).toMatch(/^127\.0\.0\.1:\d+ \[[^\]]+\] web app\/s1 \d+\/\d+\/\d+\/\d+\/\d+ 200 \d+ - - ---- \d+\/\d+\/0\/0\/0 0\/0 "GET \/hello HTTP\/1\.1"$/)
    expect(stream.raw.every((line) => parseEventLine(line, 'lb1') !== undefined)).toBe(true)

    // The client leaves: the engine stops building request lines.
    stream.socket.destroy()
    await waitFor(() => !engine!.events.active)
    expect(engine.frontends[0]!.logger).toBeUndefined()
  })

  it('is listed in help, and other commands on the same line are answered first', async () => {
    const [front, admin] = [await freePort(), await freePort()]
    backend = await scriptedBackend()
    engine = startEngine(`global
  stats socket ipv4@127.0.0.1:${admin} level admin
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend web
  bind 127.0.0.1:${front}
  default_backend app
backend app
  server s1 127.0.0.1:${backend.port}
`)
    await engine.start()
    expect(await ask(admin, 'help')).toMatch(/\n {2}show events +: stream health changes, request logs and VRRP roles/)
    const stream = await openStream(admin, 'show cli level; show events')
    await waitFor(() => stream.raw.length > 0)
    expect(stream.raw[0]).toBe('admin')
    await request(front, '/x')
    await waitFor(() => stream.events.length > 0)
    expect(stream.events[0]?.kind).toBe('request')
    stream.socket.destroy()
  })
})

describe('show events and the stats page admin form', () => {
  it('a server put in maintenance from the page is an event too', {timeout: 20_000}, async () => {
    backend = await scriptedBackend()
    const [front, admin] = [await freePort(), await freePort()]
    engine = startEngine(`global\n  stats socket ipv4@127.0.0.1:${admin} level admin\ndefaults\n  mode http\n  timeout connect 1s\n  timeout client 5s\n  timeout server 5s\nfrontend web\n  bind 127.0.0.1:${front}\n  stats enable\n  stats uri /stats\n  stats admin if { src 127.0.0.1 }\n  default_backend app\nbackend app\n  server s1 127.0.0.1:${backend.port}\n`)
    await engine.start()
    const stream = await openStream(admin)
    await waitFor(() => engine!.events.active)
    const form = 's=s1&action=maint&b=app'
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect({port: front, host: '127.0.0.1'}, () => socket.write(`POST /stats HTTP/1.1\r\nHost: x\r\nContent-Length: ${form.length}\r\nConnection: close\r\n\r\n${form}`))
      let text = ''
      socket.on('data', (c: Buffer) => (text += c.toString()))
      socket.on('close', () => resolve(text))
      socket.on('error', reject)
    })
    expect(answer).toMatch(/^HTTP\/1\.1 303 See Other\r\n[\s\S]*location: \/stats;st=DONE\r\n/)
    await waitFor(() => stream.events.length > 0)
    expect(stream.events[0]).toMatchObject({kind: 'health', proxy: 'app', server: 's1', from: 'no check', to: 'MAINT', check: ''})
    stream.socket.destroy()
  })
})

describe('show events with a client that does not read', () => {
  it('keeps a bounded backlog and reports what it dropped', {timeout: 20_000}, async () => {
    const admin = await freePort()
    engine = startEngine(`global\n  stats socket ipv4@127.0.0.1:${admin} level admin\ndefaults\n  mode tcp\nfrontend fe\n  bind 127.0.0.1:${await freePort()}\n  default_backend be\nbackend be\n  server s1 127.0.0.1:1\n`)
    await engine.start()
    const stream = await openStream(admin)
    await waitFor(() => engine!.events.active)
    stream.socket.pause()
    const text = 'x'.repeat(500)
    for (let i = 0; i < 20_000; i++) engine.events.publish({at: i, kind: 'request', frontend: 'fe', text})
    stream.socket.resume()
    await waitFor(() => stream.raw.length > 100, 10_000)
    // Queued lines arrive, then the next event brings the count of the dropped ones.
    await new Promise((resolve) => setTimeout(resolve, 300))
    engine.events.publish({at: 99_999, kind: 'request', frontend: 'fe', text: 'last'})
    await waitFor(() => stream.raw.some((l) => l.includes('"last"')), 10_000)
    const dropped = stream.raw.map((l) => JSON.parse(l) as {kind: string; count?: number}).find((e) => e.kind === 'dropped')
    expect(dropped?.count).toBeGreaterThan(10_000)
    expect(stream.raw.length - 1 + (dropped?.count ?? 0)).toBe(20_001)
    stream.socket.destroy()
  })
})

describe('show events on a node with VRRP', () => {
  it('carries the VRRP role changes of node.ts', () => {
    const parse = parseHaproxyFiles([{path: 'n.cfg', text: 'defaults\n  mode tcp\nfrontend fe\n  bind 127.0.0.1:1\n  default_backend be\nbackend be\n  server s1 127.0.0.1:2\n'}])
    const planned = planEngine(parse.model)
    if (!planned.ok) throw new Error(planned.problems.join('; '))
    const vrrp = new (class extends EventEmitter<{event: [VrrpEvent]}> {
      async start(): Promise<void> {}
      async stop(): Promise<void> {}
    })()
    const held = new (class extends EventEmitter<{change: [string[]]}> {
      held(): string[] {
        return []
      }
    })()
    const node = new LoadBalancerNode({plan: planned.plan, vrrp, vips: new Set(), held})
    const lines: string[] = []
    const stop = node.engine.events.subscribe((line) => lines.push(line))
    vrrp.emit('event', {type: 'transition', time: 1763711231600.4, instance: 'VI_1', from: 'BACKUP', to: 'MASTER', reason: 'master down timer expired'})
    vrrp.emit('event', {type: 'advert_sent', time: 1763711231700, instance: 'VI_1', priority: 100, to: '224.0.0.18'})
    stop()
    expect(lines.map((l) => parseEventLine(l, 'lb1'))).toEqual([{kind: 'role', at: 1763711231600, node: 'lb1', instance: 'VI_1', from: 'BACKUP', to: 'MASTER', text: 'VI_1 BACKUP -> MASTER (master down timer expired)'}])
  })
})
