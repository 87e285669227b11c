/** The same stats requests against real haproxy 2.6 and the bundled engine: statuses, headers, closing, CSV columns. */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {requireBinary} from '../../helpers/oracles.js'
import {echoBackend, type EchoBackend} from './http-helpers.js'
import {freePort, startEngine, startHaproxy} from './helpers.js'
import {get, rawExchange, type RawExchange} from './stats-helpers.js'

const hasHaproxy = requireBinary('haproxy')
let s1: EchoBackend

beforeAll(async () => {
  s1 = await echoBackend('s1')
})
afterAll(async () => {
  await s1.close()
})

const GOOD = `Authorization: Basic ${Buffer.from('admin:admin').toString('base64')}\r\n`
const REQUESTS = [
  'GET /stats HTTP/1.1\r\nHost: x\r\n\r\n',
  `GET /stats HTTP/1.1\r\nHost: x\r\nAuthorization: Basic ${Buffer.from('admin:nope').toString('base64')}\r\n\r\n`,
  'GET /stats HTTP/1.0\r\nAuthorization: Basic bad\r\n\r\n',
  `GET /stats HTTP/1.1\r\nHost: x\r\n${GOOD}\r\n`,
  `GET /stats;csv HTTP/1.1\r\nHost: x\r\n${GOOD}\r\n`,
  `GET /stats;norefresh HTTP/1.1\r\nHost: x\r\n${GOOD}\r\n`,
  `GET /stats;csv HTTP/1.0\r\n${GOOD}\r\n`,
  `HEAD /stats HTTP/1.1\r\nHost: x\r\n${GOOD}\r\n`,
  `POST /stats HTTP/1.1\r\nHost: x\r\n${GOOD}Content-Length: 3\r\n\r\nabc`,
]

async function exchangeAll(port: number): Promise<RawExchange[]> {
  return Promise.all(REQUESTS.map((r) => rawExchange(port, r)))
}

describe.skipIf(!hasHaproxy)('stats page: bundled engine = real haproxy', () => {
  it('answers the same statuses and headers, and the same CSV columns', async () => {
    const port = await freePort()
    const cfg = `defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
listen web
  bind 127.0.0.1:${port}
  stats enable
  stats uri /stats
  stats refresh 10s
  stats realm Load\\ Balancer
  stats auth admin:admin
  server s1 127.0.0.1:${s1.port}
`
    const real = await startHaproxy(cfg, port)
    let theirs: RawExchange[]
    let theirCsv: string
    try {
      theirs = await exchangeAll(port)
      theirCsv = (await get(port, '/stats;csv', 'admin:admin')).body
    } finally {
      await real.stop()
    }
    const engine = startEngine(cfg)
    await engine.start()
    try {
      const ours = await exchangeAll(port)
      expect(ours).toEqual(theirs)
      const ourCsv = (await get(port, '/stats;csv', 'admin:admin')).body
      expect(ourCsv.split('\n')[0]).toBe(theirCsv.split('\n')[0])
      const names = (csv: string) => csv.split('\n').slice(1).filter(Boolean).map((l) => l.split(',').slice(0, 2).join('/'))
      expect(names(ourCsv)).toEqual(names(theirCsv))
    } finally {
      await engine.stop(0)
    }
  })
})
