/** mode tcp through the engine on RawSocket: back-pressure from a slow server reaches the client, bytes arrive intact. */
import {createHash} from 'node:crypto'
import {once} from 'node:events'
import {connect, createServer, type Server, type Socket} from 'node:net'
import {afterEach, describe, expect, it} from 'vitest'
import type {ProxyEngine} from '../../../../src/engine/proxy/engine.js'
import {freePort, startEngine, waitFor} from '../helpers.js'

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function engineFor(cfg: string): Promise<ProxyEngine> {
  const engine = startEngine(cfg)
  cleanups.push(() => engine.stop(0))
  await engine.start()
  return engine
}

function listen(server: Server): Promise<number> {
  cleanups.push(() => new Promise((resolve) => server.close(resolve)))
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as {port: number}).port)))
}

const cfg = (front: number, back: number) => `defaults
  mode tcp
  timeout connect 1s
  timeout client 10s
  timeout server 10s
listen pipe
  bind 127.0.0.1:${front}
  server s 127.0.0.1:${back}
`

describe('mode tcp pipe on raw sockets', () => {
  it('a server that does not read stalls the client (nothing piles up in the proxy); once it reads, every byte arrives', async () => {
    let peer: Socket | undefined
    const hash = createHash('sha256')
    let received = 0
    const server = createServer({allowHalfOpen: true}, (socket) => {
      peer = socket
      cleanups.push(() => socket.destroy())
      socket.pause()
      socket.on('data', (chunk: Buffer) => {
        hash.update(chunk)
        received += chunk.length
      })
      socket.on('end', () => socket.end(`${received}`))
    })
    const back = await listen(server)
    const front = await freePort()
    await engineFor(cfg(front, back))

    // Far more than the kernel buffers on the way can hold (a few MB each), pushed as fast as the client may.
    const chunk = Buffer.alloc(1024 * 1024)
    for (let i = 0; i < chunk.length; i += 4096) chunk.writeUInt32BE(i, i)
    const expected = createHash('sha256')
    const client = connect({port: front, host: '127.0.0.1', allowHalfOpen: true})
    cleanups.push(() => client.destroy())
    await once(client, 'connect')
    let written = 0
    let done = false
    // Bounded: 96 writes of 1 MiB at most.
    const push = () => {
      while (written < 96 * chunk.length) {
        written += chunk.length
        expected.update(chunk)
        if (!client.write(chunk)) return void client.once('drain', push)
      }
      done = true
      client.end()
    }
    push()
    await waitFor(() => peer !== undefined, 2000)
    // Settled: the client may not write more while the server reads nothing.
    let last = -1
    await waitFor(
      () => {
        const steady = written === last
        last = written
        return steady
      },
      5000,
      100,
    )
    expect(done).toBe(false)
    expect(written).toBeLessThan(64 * chunk.length)

    peer!.resume()
    const [answer] = (await once(client, 'data')) as [Buffer]
    expect(Number(answer.toString())).toBe(96 * chunk.length)
    expect(hash.digest('hex')).toBe(expected.digest('hex'))
  })

  it('a client that does not read stalls the server the same way', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 'z')
    let serverSocket: Socket | undefined
    let written = 0
    let serverBlocked = false
    const server = createServer({allowHalfOpen: true}, (socket) => {
      serverSocket = socket
      cleanups.push(() => socket.destroy())
      // Bounded: 96 writes of 1 MiB at most.
      const push = () => {
        while (written < 96 * chunk.length) {
          written += chunk.length
          if (!socket.write(chunk)) {
            serverBlocked = true
            socket.once('drain', push)
            return
          }
        }
        socket.end()
      }
      push()
    })
    const back = await listen(server)
    const front = await freePort()
    await engineFor(cfg(front, back))
    const client = connect({port: front, host: '127.0.0.1', allowHalfOpen: true})
    cleanups.push(() => client.destroy())
    client.pause()
    await once(client, 'connect')
    client.write('go')
    await waitFor(() => serverSocket !== undefined && serverBlocked, 5000)
    let last = -1
    await waitFor(
      () => {
        const steady = written === last && serverSocket!.writableLength > 0
        last = written
        return steady
      },
      5000,
      100,
    )
    expect(written).toBeLessThan(96 * chunk.length)
    let total = 0
    client.on('data', (c: Buffer) => (total += c.length))
    client.resume()
    await once(client, 'end')
    expect(total).toBe(96 * chunk.length)
  })
})
