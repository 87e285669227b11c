/**
 * Idle server connections that are not kept are closed the way HAProxy closes them (SO_LINGER 0: a reset, no
 * FIN exchange and no TIME_WAIT socket per request): past the pool's 32 per server, and at stop.
 */
import {createServer, type Server, type Socket} from 'node:net'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {ProxyEngine} from '../../../src/engine/proxy/engine.js'
import {closeRequest} from './http-helpers.js'
import {freePort, startEngine, waitFor} from './helpers.js'

/** An HTTP/1.1 server answering every request `ok`, recording how each connection ended. */
function endingsServer(): Promise<{port: number; ended: string[]; open: () => number; close: () => Promise<void>}> {
  const ended: string[] = []
  const sockets = new Set<Socket>()
  const server: Server = createServer({allowHalfOpen: true}, (socket) => {
    sockets.add(socket)
    let seen = ''
    socket.on('data', (d: Buffer) => {
      seen += d.toString('latin1')
      while (seen.includes('\r\n\r\n')) {
        seen = seen.slice(seen.indexOf('\r\n\r\n') + 4)
        socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok')
      }
    })
    socket.on('end', () => {
      ended.push('fin')
      socket.end()
    })
    socket.on('error', (error: NodeJS.ErrnoException) => ended.push(error.code === 'ECONNRESET' ? 'reset' : (error.code ?? 'error')))
    socket.on('close', () => sockets.delete(socket))
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as {port: number}).port,
        ended,
        open: () => sockets.size,
        close: () => {
          for (const s of sockets) s.destroy()
          return new Promise<void>((done) => server.close(() => done()))
        },
      }),
    ),
  )
}

describe('idle server connections not kept', () => {
  let backend: Awaited<ReturnType<typeof endingsServer>>
  let engine: ProxyEngine
  let port = 0
  beforeAll(async () => {
    backend = await endingsServer()
    port = await freePort()
    engine = startEngine(`defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
listen web
  bind 127.0.0.1:${port}
  server s1 127.0.0.1:${backend.port}
`)
    await engine.start()
  })
  afterAll(async () => {
    await engine.stop(0)
    await backend.close()
  })

  it('are reset, never closed with a FIN: past the 32 the pool keeps, then all of them at stop', async () => {
    const answers: string[] = []
    for (let batch = 0; batch < 4; batch++) answers.push(...(await Promise.all(Array.from({length: 9}, () => closeRequest(port)))))
    expect(answers.every((a) => a.startsWith('HTTP/1.1 200 OK\r\n') && a.endsWith('ok'))).toBe(true)
    // 36 connections, one per request: 32 wait in the pool, 4 were reset.
    await waitFor(() => backend.ended.length === 4, 2000)
    expect(backend.ended).toEqual(['reset', 'reset', 'reset', 'reset'])
    expect(backend.open()).toBe(32)
    await engine.stop(0)
    await waitFor(() => backend.ended.length === 36, 2000)
    expect(backend.ended.filter((e) => e !== 'reset')).toEqual([])
  })
})
