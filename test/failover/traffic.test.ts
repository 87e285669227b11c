import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {afterEach, describe, expect, it} from 'vitest'
import {startTraffic} from '../../src/failover/traffic.js'

let server: Server | undefined

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
  server = undefined
})

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler)
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
}

describe('startTraffic', () => {
  it('sends at the rate, records outcome and x-served-by, and stops at maxRequests', async () => {
    let n = 0
    const url = await serve((_request, response) => {
      n++
      response.writeHead(n % 5 === 0 ? 503 : 200, {'x-served-by': 'app1'})
      response.end('hi')
    })
    const traffic = startTraffic({url, rate: 200, maxRequests: 20})
    await new Promise((resolve) => setTimeout(resolve, 250))
    const records = await traffic.stop()
    expect(records).toHaveLength(20)
    expect(records.filter((r) => r.outcome.kind === 'status')).toHaveLength(4)
    expect(records.every((r) => r.servedBy === 'app1' && r.end >= r.start)).toBe(true)
    // 20 requests at 200/s span about 95 ms.
    expect(records.at(-1)!.start - records[0]!.start).toBeGreaterThanOrEqual(80)
  })

  it('records refused connections and timeouts as errors', async () => {
    const url = await serve(() => {
      /* never answers */
    })
    const slow = startTraffic({url, rate: 100, maxRequests: 2, timeoutMs: 100})
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect((await slow.stop()).map((r) => r.outcome)).toEqual([
      {kind: 'error', code: 'timeout'},
      {kind: 'error', code: 'timeout'},
    ])
    server!.closeAllConnections()
    const refused = startTraffic({url: 'http://127.0.0.1:1/', rate: 100, maxRequests: 2})
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect((await refused.stop()).map((r) => r.outcome)).toEqual([
      {kind: 'error', code: 'ECONNREFUSED'},
      {kind: 'error', code: 'ECONNREFUSED'},
    ])
  })

  it('reuses connections with keepalive', async () => {
    const sockets = new Set<unknown>()
    const url = await serve((request, response) => {
      sockets.add(request.socket)
      response.end('ok')
    })
    const traffic = startTraffic({url, rate: 100, maxRequests: 10, keepalive: true})
    await new Promise((resolve) => setTimeout(resolve, 150))
    const records = await traffic.stop()
    expect(records.every((r) => r.outcome.kind === 'ok')).toBe(true)
    expect(sockets.size).toBeLessThan(10)
  })
})
