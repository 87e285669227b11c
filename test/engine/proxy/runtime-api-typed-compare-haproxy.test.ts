/**
 * `show stat typed`, `show stat json`, `show info typed|json` and the stats page's `;json`: for the
 * same config the bundled engine reports the same objects and fields as real haproxy 2.6, with the
 * same positions, tags and value types (values themselves differ between two runs).
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {requireBinary} from '../../helpers/oracles.js'
import {freePort, runtimeCommand, startEngine, startHaproxy, waitFor} from './helpers.js'
import {request, type ScriptedBackend, scriptedBackend} from './log-helpers.js'
import {get} from './stats-helpers.js'

const hasHaproxy = requireBinary('haproxy')
let backend: ScriptedBackend
beforeAll(async () => {
  backend = await scriptedBackend()
})
afterAll(async () => {
  await backend.close()
})

const ask = runtimeCommand

function config(front: number, tcp: number, stats: number, dead: number): string {
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
  default_backend app
backend app
  server s1 127.0.0.1:${backend.port} check inter 200
  server s2 127.0.0.1:${dead} check inter 200 backup
listen tcp_in
  mode tcp
  bind 127.0.0.1:${tcp}
  server t1 127.0.0.1:${backend.port}
`
}

/** `F.2.0.4.scur.1:MGP:u32:0` → `F.2.0.4.scur.1:MGP:u32` (the value dropped). */
const typedShape = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(':').slice(0, 3).join(':'))

type JsonField = {objType: string; proxyId: number; id: number; field: {pos: number; name: string}; processNum: number; tags: object; value: {type: string; value: unknown}}
const jsonShape = (text: string) => (JSON.parse(text) as JsonField[][]).map((o) => o.map((f) => ({...f, value: {type: f.value.type, value: typeof f.value.value}})))

interface Answers {
  typed: string[]
  json: unknown
  page: unknown
  infoTyped: string[]
  infoJson: unknown
  filtered: string[]
}

async function collect(front: number, tcp: number, stats: number): Promise<Answers> {
  // Checks ran (s2 DOWN) and traffic went through both proxies.
  await waitFor(async () => (await ask(stats, 'show stat')).includes('app,s2,') && / DOWN|,DOWN,/.test(await ask(stats, 'show stat')), 5000, 50)
  await request(front, '/')
  await request(tcp, '/', 'HTTP/1.0')
  const info = (await ask(stats, 'show info typed')).split('\n').filter((l) => /^\d+\.(Name|Nbproc|Process_num|Uptime_sec|Maxconn|Stopping)\./.test(l))
  const infoJson = (JSON.parse(await ask(stats, 'show info json')) as {field: {name: string}; tags: object; value: {type: string}}[])
    .filter((f) => ['Name', 'Nbproc', 'Process_num', 'Uptime_sec', 'Maxconn', 'Stopping'].includes(f.field.name))
    .map((f) => ({...f, value: f.value.type}))
  return {
    typed: typedShape(await ask(stats, 'show stat typed')),
    json: jsonShape(await ask(stats, 'show stat json')),
    page: jsonShape((await get(front, '/stats;json')).body),
    infoTyped: typedShape(info.join('\n')),
    infoJson,
    filtered: typedShape(await ask(stats, 'show stat app 4 -1 typed')),
  }
}

describe.skipIf(!hasHaproxy)('typed and JSON stats: bundled engine = real haproxy', () => {
  it('same objects, fields, positions, tags and types', {timeout: 30_000}, async () => {
    const [front, tcp, stats, dead] = [await freePort(), await freePort(), await freePort(), await freePort()]
    const cfg = config(front, tcp, stats, dead)
    const real = await startHaproxy(cfg, stats)
    let theirs: Answers
    try {
      theirs = await collect(front, tcp, stats)
    } finally {
      await real.stop()
    }
    const engine = startEngine(cfg)
    await engine.start()
    let ours: Answers
    try {
      ours = await collect(front, tcp, stats)
    } finally {
      await engine.stop(0)
    }
    expect(ours.typed).toEqual(theirs.typed)
    expect(ours.json).toEqual(theirs.json)
    expect(ours.page).toEqual(theirs.page)
    expect(ours.infoTyped).toEqual(theirs.infoTyped)
    expect(ours.infoJson).toEqual(theirs.infoJson)
    expect(ours.filtered).toEqual(theirs.filtered)
  })
})
