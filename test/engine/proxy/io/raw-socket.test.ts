import {once} from 'node:events'
import {createServer, connect as netConnect, Socket as NetSocket, type Server, type Socket} from 'node:net'
import {afterEach, describe, expect, it} from 'vitest'
import {TCP} from '../../../../src/engine/proxy/io/binding.js'
import {connectTcp, HIGH_WATER_MARK, rawConnect, rawConnectThen, type RawListener, rawListen, RawSocket} from '../../../../src/engine/proxy/io/index.js'
import {freePort} from '../../../helpers/ports.js'

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** A raw listener whose accepted sockets are handed to `onSocket` (paused, as the proxy gets them). */
function rawServer(host: string, onSocket: (socket: RawSocket) => void): RawListener {
  const listener = rawListen(host, 0, (handle) => {
    const socket = new RawSocket(handle)
    cleanups.push(() => socket.destroy())
    onSocket(socket)
  })
  cleanups.push(() => listener.close())
  return listener
}

function netServer(onSocket: (socket: Socket) => void, host = '127.0.0.1'): Promise<{server: Server; port: number}> {
  const server = createServer({allowHalfOpen: true}, (socket) => {
    cleanups.push(() => socket.destroy())
    onSocket(socket)
  })
  cleanups.push(() => new Promise((resolve) => server.close(resolve)))
  return new Promise((resolve) => server.listen(0, host, () => resolve({server, port: (server.address() as {port: number}).port})))
}

function collect(socket: {on(event: 'data', listener: (chunk: Buffer) => void): unknown}): {bytes: () => Buffer} {
  const chunks: Buffer[] = []
  socket.on('data', (chunk) => chunks.push(chunk))
  return {bytes: () => Buffer.concat(chunks)}
}

async function connected(host: string, port: number): Promise<RawSocket> {
  const socket = await rawConnect(host, port, 2000)
  cleanups.push(() => socket.destroy())
  return socket
}

/** The next time a RawSocket emits `event` (events.once wants a whole EventEmitter). */
function nextEvent(socket: RawSocket, event: 'close' | 'end' | 'finish' | 'drain'): Promise<void> {
  return new Promise((resolve) => socket.once(event, () => resolve()))
}

function until(check: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms
  return new Promise((resolve, reject) => {
    const poll = () => (check() ? resolve() : Date.now() > end ? reject(new Error('timed out')) : setTimeout(poll, 2))
    poll()
  })
}

/** A raw client connected to a raw accepted socket that reads: the chunks it receives, one per read. */
async function connectedPair(): Promise<{client: RawSocket; chunks: Buffer[]}> {
  let accepted: RawSocket | undefined
  const listener = rawServer('127.0.0.1', (socket) => {
    accepted = socket
    socket.resume()
  })
  const client = await connected('127.0.0.1', listener.port()!)
  await until(() => accepted !== undefined)
  const chunks: Buffer[] = []
  accepted!.on('data', (chunk) => chunks.push(chunk))
  return {client, chunks}
}

/** A raw client connected to a node:net server's socket (the peer, as accepted). */
async function clientAndNetPeer(): Promise<{client: RawSocket; peer: Socket}> {
  let peer: Socket | undefined
  const {port} = await netServer((socket) => {
    peer = socket
  })
  const client = await connected('127.0.0.1', port)
  await until(() => peer !== undefined)
  return {client, peer: peer!}
}

describe('RawSocket on loopback', () => {
  it('echoes, counts bytes both ways, and reports the addresses the peer sees', async () => {
    let accepted: RawSocket | undefined
    const listener = rawServer('127.0.0.1', (socket) => {
      accepted = socket
      socket.on('data', (chunk) => socket.write(chunk))
      socket.resume()
    })
    const client = await connected('127.0.0.1', listener.port()!)
    const received = collect(client)
    client.resume()
    expect(client.write(Buffer.from('hello '))).toBe(true)
    client.write(Buffer.from('world'))
    await until(() => received.bytes().length === 11)
    expect(received.bytes().toString()).toBe('hello world')
    expect(client.bytesWritten).toBe(11)
    expect(client.bytesRead).toBe(11)
    expect(accepted!.bytesRead).toBe(11)
    expect(accepted!.bytesWritten).toBe(11)
    expect(client.remoteAddress).toBe('127.0.0.1')
    expect(client.remotePort).toBe(listener.port())
    expect(accepted!.remotePort).toBe(client.localPort)
    expect(accepted!.localPort).toBe(listener.port())
    expect(accepted!.localAddress).toBe('127.0.0.1')
    // Counters and addresses stay readable after close (logs are written then).
    client.destroy()
    await nextEvent(client, 'close')
    expect(client.bytesRead).toBe(11)
    expect(client.remotePort).toBe(listener.port())
  })

  it('works over IPv6 ::1', async () => {
    const listener = rawServer('::1', (socket) => {
      socket.on('data', (chunk) => socket.write(chunk))
      socket.resume()
    })
    const client = await connected('::1', listener.port()!)
    const received = collect(client)
    client.resume()
    client.write(Buffer.from('six'))
    await until(() => received.bytes().length === 3)
    expect(client.remoteAddress).toBe('::1')
    expect(received.bytes().toString()).toBe('six')
  })

  it('peer FIN: end is emitted, this side still writes, then FIN back, finish and close', async () => {
    const events: string[] = []
    const listener = rawServer('127.0.0.1', (socket) => {
      socket.on('end', () => {
        events.push('end')
        socket.write(Buffer.from('after your FIN'))
        socket.end()
      })
      socket.on('finish', () => events.push('finish'))
      socket.on('close', () => events.push('close'))
      socket.resume()
    })
    const client = netConnect({port: listener.port()!, host: '127.0.0.1', allowHalfOpen: true})
    cleanups.push(() => client.destroy())
    const received = collect(client)
    await once(client, 'connect')
    client.end('bye')
    await once(client, 'end')
    expect(received.bytes().toString()).toBe('after your FIN')
    await until(() => events.includes('close'))
    expect(events).toEqual(['end', 'finish', 'close'])
  })

  it('our FIN first: the peer still answers and we read it', async () => {
    const {port} = await netServer((socket) => {
      const got = collect(socket)
      socket.on('end', () => socket.end(`got ${got.bytes().toString()}`))
    })
    const client = await connected('127.0.0.1', port)
    const received = collect(client)
    const finished = nextEvent(client, 'finish')
    client.resume()
    client.write(Buffer.from('question'))
    client.end()
    expect(client.write(Buffer.from('late'))).toBe(false)
    await finished
    await nextEvent(client, 'end')
    expect(received.bytes().toString()).toBe('got question')
    expect(client.readableEnded).toBe(true)
    await nextEvent(client, 'close')
    expect(client.destroyed).toBe(true)
  })

  it('back-pressure: write returns false while a slow reader does not read, drain once it does', async () => {
    let peer: Socket | undefined
    let total = 0
    const {port} = await netServer((socket) => {
      peer = socket
      socket.pause()
      socket.on('data', (chunk) => (total += chunk.length))
    })
    const client = await connected('127.0.0.1', port)
    await until(() => peer !== undefined)
    const chunk = Buffer.alloc(64 * 1024, 'x')
    let written = 0
    let full = false
    // The kernel buffers take a few MB on loopback; bounded so a broken write() cannot loop forever.
    for (let i = 0; i < 2000 && !full; i++) {
      full = !client.write(chunk)
      written += chunk.length
      if (!full) await new Promise((resolve) => setImmediate(resolve))
    }
    expect(full).toBe(true)
    expect(client.writableNeedDrain).toBe(true)
    const drained = nextEvent(client, 'drain')
    peer!.resume()
    await drained
    expect(client.writableNeedDrain).toBe(false)
    await until(() => total === written, 5000)
    expect(client.bytesWritten).toBe(written)
  })

  it('pause: nothing is read until resume()', async () => {
    let accepted: RawSocket | undefined
    const listener = rawServer('127.0.0.1', (socket) => (accepted = socket))
    const client = netConnect({port: listener.port()!, host: '127.0.0.1'})
    cleanups.push(() => client.destroy())
    await once(client, 'connect')
    await until(() => accepted !== undefined)
    const received = collect(accepted!)
    expect(accepted!.isPaused()).toBe(true)
    await new Promise((resolve) => client.write('early', resolve))
    // Long enough for a loopback byte to be read if reading were on.
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(received.bytes().length).toBe(0)
    accepted!.resume()
    await until(() => received.bytes().length === 5)
    accepted!.pause()
    await new Promise((resolve) => client.write('later', resolve))
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(received.bytes().toString()).toBe('early')
    accepted!.resume()
    await until(() => received.bytes().length === 10)
  })

  it('cork gathers writes into one send; the bytes count while corked', async () => {
    const {client, chunks} = await connectedPair()
    client.cork()
    client.write(Buffer.from('a'))
    client.write(Buffer.from('bc'))
    client.write(Buffer.from('def'))
    expect(client.bytesWritten).toBe(6)
    client.uncork()
    await until(() => Buffer.concat(chunks).length === 6)
    expect(chunks.map(String)).toEqual(['abcdef'])
  })

  it('writes of one event-loop turn leave together in one system call once the turn is over', async () => {
    const {client, chunks} = await connectedPair()
    const handle = (client as unknown as {handle: {writeBuffer: (...args: unknown[]) => number; writev: (...args: unknown[]) => number}}).handle
    let sends = 0
    for (const method of ['writeBuffer', 'writev'] as const) {
      const original = handle[method].bind(handle)
      handle[method] = (...args: unknown[]) => {
        sends++
        return original(...args)
      }
    }
    client.write(Buffer.from('a'))
    client.write(Buffer.from('bc'))
    client.write(Buffer.from('def'))
    expect(sends).toBe(0)
    expect(client.bytesWritten).toBe(6)
    await new Promise((resolve) => setImmediate(resolve))
    expect(sends).toBe(1)
    await until(() => Buffer.concat(chunks).length === 6)
    expect(chunks.map(String)).toEqual(['abcdef'])
  })

  it('end(), destroy() or destroySoon() right after a write in the same turn: the bytes still arrive, then the FIN', async () => {
    for (const close of ['end', 'destroy', 'destroySoon'] as const) {
      const {client, peer} = await clientAndNetPeer()
      const received = collect(peer)
      const ended = once(peer, 'end')
      const handle = (client as unknown as {handle: {shutdown: (...args: unknown[]) => number}}).handle
      let shutdowns = 0
      const shutdown = handle.shutdown.bind(handle)
      handle.shutdown = (...args: unknown[]) => {
        shutdowns++
        return shutdown(...args)
      }
      const closed = nextEvent(client, 'close')
      client.write(Buffer.from('last '))
      client.write(Buffer.from('words'))
      client[close]()
      await ended
      expect(received.bytes().toString()).toBe('last words')
      // end() half-closes (a shutdown request); destroySoon() with everything sent just closes, like HAProxy's
      // shutdown + close in one go.
      expect(shutdowns).toBe(close === 'end' ? 1 : 0)
      if (close !== 'end') await closed
      else client.destroy()
    }
  })

  it('destroy during a queued write: close, no drain, no error', async () => {
    let peer: Socket | undefined
    const {port} = await netServer((socket) => {
      peer = socket
      socket.pause()
    })
    const client = await connected('127.0.0.1', port)
    await until(() => peer !== undefined)
    const events: string[] = []
    client.on('drain', () => events.push('drain'))
    client.on('error', () => events.push('error'))
    const big = Buffer.alloc(8 * 1024 * 1024, 'y')
    expect(client.write(big)).toBe(false)
    client.destroy()
    expect(client.destroyed).toBe(true)
    expect(client.write(Buffer.from('x'))).toBe(false)
    await nextEvent(client, 'close')
    // What the kernel already took still arrives, then the FIN.
    const ended = once(peer!, 'end')
    peer!.resume()
    await ended
    expect(events).toEqual([])
  })

  it('a reset from the peer is an error, then close', async () => {
    let accepted: RawSocket | undefined
    const listener = rawServer('127.0.0.1', (socket) => {
      accepted = socket
      socket.resume()
    })
    const client = netConnect({port: listener.port()!, host: '127.0.0.1'})
    cleanups.push(() => client.destroy())
    await once(client, 'connect')
    await until(() => accepted !== undefined)
    const events: string[] = []
    accepted!.on('error', (error) => events.push((error as NodeJS.ErrnoException).code ?? 'error'))
    accepted!.on('close', () => events.push('close'))
    client.resetAndDestroy()
    await until(() => events.includes('close'))
    expect(events).toEqual(['ECONNRESET', 'close'])
  })

  it('resetAndDestroy: the peer gets a reset (no FIN), bytes still held are dropped, close follows', async () => {
    const {client, peer} = await clientAndNetPeer()
    const received = collect(peer)
    const events: string[] = []
    peer.on('end', () => events.push('end'))
    peer.on('error', (error) => events.push((error as NodeJS.ErrnoException).code ?? 'error'))
    const handle = (client as unknown as {handle: {reset: (...args: unknown[]) => number; close: (...args: unknown[]) => void}}).handle
    const calls: string[] = []
    for (const method of ['reset', 'close'] as const) {
      const original = handle[method].bind(handle) as (...args: unknown[]) => never
      handle[method] = (...args: unknown[]) => {
        calls.push(method)
        return original(...args)
      }
    }
    const closed = nextEvent(client, 'close')
    client.write(Buffer.from('never sent'))
    client.resetAndDestroy()
    expect(client.destroyed).toBe(true)
    // Like every close, at the end of the turn.
    expect(calls).toEqual([])
    await closed
    expect(calls).toEqual(['reset'])
    await until(() => events.length > 0)
    expect(events).toEqual(['ECONNRESET'])
    expect(received.bytes().length).toBe(0)
  })

  it('rawConnectThen with reading: the read is asked for right after connect(2), before it completes; the socket comes reading', async () => {
    const {port} = await netServer((socket) => socket.end('banner\r\n'))
    const proto = TCP.prototype as unknown as Record<'connect' | 'readStart', (...args: unknown[]) => number>
    const calls: string[] = []
    const originals = {connect: proto.connect, readStart: proto.readStart}
    // The accepting net server reads through the same prototype: only the connecting handle counts.
    const connecting: unknown[] = []
    for (const method of ['connect', 'readStart'] as const) {
      proto[method] = function (this: unknown, ...args: unknown[]) {
        if (method === 'connect') connecting.push(this)
        if (connecting.includes(this)) calls.push(method)
        return originals[method].apply(this, args)
      }
    }
    cleanups.push(() => Object.assign(proto, originals))
    const socket = await new Promise<RawSocket>((resolve, reject) =>
      rawConnectThen('127.0.0.1', port, {timeoutMs: 2000, reading: true}, (error, connected) => {
        calls.push('done')
        if (connected) resolve(connected)
        else reject(error)
      }),
    )
    cleanups.push(() => socket.destroy())
    expect(calls).toEqual(['connect', 'readStart', 'done'])
    expect(socket.isPaused()).toBe(false)
    const received = collect(socket)
    await until(() => received.bytes().toString() === 'banner\r\n')
    // A refused connect with a read asked for still ends with the error, once.
    const refused = await freePort()
    const errors = await new Promise<string[]>((resolve) => {
      const seen: string[] = []
      rawConnectThen('127.0.0.1', refused, {timeoutMs: 2000, reading: true}, (error) => {
        seen.push((error as NodeJS.ErrnoException).code ?? 'none')
        setTimeout(() => resolve(seen), 20)
      })
    })
    expect(errors).toEqual(['ECONNREFUSED'])
  })

  it('a refused connection rejects with the error net gives', async () => {
    const port = await freePort()
    const netError = await new Promise<NodeJS.ErrnoException>((resolve) => netConnect({port, host: '127.0.0.1'}).on('error', resolve))
    const error = (await rawConnect('127.0.0.1', port, 1000).catch((e: unknown) => e)) as NodeJS.ErrnoException
    expect(error.code).toBe('ECONNREFUSED')
    expect(error.message).toBe(netError.message)
    expect(error.message).toBe(`connect ECONNREFUSED 127.0.0.1:${port}`)
  })

  it('a busy address fails like net.Server listen', async () => {
    const {port} = await netServer(() => {})
    const netError = await new Promise<NodeJS.ErrnoException>((resolve) => createServer().listen(port, '127.0.0.1').on('error', resolve))
    let error: NodeJS.ErrnoException | undefined
    try {
      rawListen('127.0.0.1', port, () => {})
    } catch (e) {
      error = e as NodeJS.ErrnoException
    }
    expect(error?.code).toBe('EADDRINUSE')
    expect(error?.message).toBe(netError.message)
  })

  it('`*:port` and `:::port` bind side by side (:: alone is IPv6-only, as with net ipv6Only)', async () => {
    const port = await freePort()
    const v4 = rawListen('0.0.0.0', port, () => {})
    cleanups.push(() => v4.close())
    const v6 = rawListen('::', port, () => {})
    cleanups.push(() => v6.close())
    expect([v4.port(), v6.port()]).toEqual([port, port])
  })

  it('connectTcp: an IP literal gets a RawSocket, a host name node:net; both come paused', async () => {
    const {port} = await netServer((socket) => socket.end('hi'))
    for (const host of ['127.0.0.1', 'localhost']) {
      const socket = await connectTcp(host, port, 1000)
      cleanups.push(() => socket.destroy())
      expect(socket instanceof RawSocket).toBe(host === '127.0.0.1')
      expect(socket.isPaused()).toBe(true)
      const received = collect(socket)
      const ended = new Promise<void>((resolve) => socket.once('end', resolve))
      socket.resume()
      await ended
      expect(received.bytes().toString()).toBe('hi')
    }
  })

  it('write() goes false at the same high-water mark as net.Socket', () => {
    expect(HIGH_WATER_MARK).toBe(new NetSocket().writableHighWaterMark)
  })
})
