/**
 * uthreshold / lthreshold: IPVS stops sending new connections to a real server once its active +
 * inactive connections reach uthreshold, and takes it back at lthreshold (3/4 of uthreshold when no
 * lthreshold is set), as ip_vs_bind_dest / ip_vs_unbind_dest do. Real loopback servers hold the
 * connections open.
 */
import {connect, createServer, type Server, type Socket} from 'node:net'
import {afterEach, describe, expect, it} from 'vitest'
import {parseKeepalived} from '../../../src/config/keepalived/index.js'
import {planLvs} from '../../../src/engine/lvs/runner.js'
import {VirtualService} from '../../../src/engine/lvs/service.js'
import {freePort} from '../../helpers/ports.js'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** A real server that says its name on every connection and keeps it open. */
async function namedServer(name: string): Promise<number> {
  const port = await freePort()
  const sockets = new Set<Socket>()
  const server: Server = createServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => {})
    socket.on('close', () => sockets.delete(socket))
    socket.write(name)
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  cleanups.push(() => {
    for (const s of sockets) s.destroy()
    return new Promise<void>((resolve) => server.close(() => resolve()))
  })
  return port
}

/** Opens a client connection through the virtual server and resolves with the real server's name. */
function open(port: number): Promise<{name: string; socket: Socket}> {
  return new Promise((resolve, reject) => {
    const socket = connect({host: '127.0.0.1', port})
    socket.once('error', reject)
    socket.once('data', (chunk) => resolve({name: chunk.toString(), socket}))
    cleanups.push(() => void socket.destroy())
  })
}

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 10))
  }
}

async function service(thresholds: string) {
  const a = await namedServer('A')
  const b = await namedServer('B')
  const vsPort = await freePort()
  const text = `virtual_server 127.0.0.1 ${vsPort} {
  lb_algo rr
  lb_kind NAT
  protocol TCP
  real_server 127.0.0.1 ${a} {
    weight 1
${thresholds}
  }
  real_server 127.0.0.1 ${b} {
    weight 1
  }
}
`
  const {model} = parseKeepalived({path: 'keepalived.conf', text})
  const planned = planLvs(model, true)
  if (!planned.ok) throw new Error(planned.problems.join('; '))
  const vs = new VirtualService(planned.services[0]!, {log: () => {}})
  await vs.listen()
  cleanups.push(() => vs.close(0))
  const serverA = () => vs.status().servers[0]!
  return {vsPort, serverA, vs}
}

describe('real_server uthreshold / lthreshold', () => {
  it('at uthreshold connections the server is passed over; 3/4 of it brings it back', async () => {
    const {vsPort, serverA} = await service('    uthreshold 2')
    const first = [await open(vsPort), await open(vsPort), await open(vsPort)]
    expect(first.map((c) => c.name)).toEqual(['A', 'B', 'A'])
    // A holds 2 = uthreshold: rr goes on with B only.
    expect([(await open(vsPort)).name, (await open(vsPort)).name]).toEqual(['B', 'B'])
    first[0]!.socket.destroy()
    await until(() => serverA().active === 1)
    // 1 × 4 <= 2 × 3: A is back.
    expect((await open(vsPort)).name).toBe('A')
  })

  it('with lthreshold 1 under 3/4 of uthreshold 3, one connection less is not enough', async () => {
    const {vsPort, serverA} = await service('    uthreshold 3\n    lthreshold 1')
    const conns: {name: string; socket: Socket}[] = []
    for (let i = 0; i < 5; i++) conns.push(await open(vsPort))
    expect(conns.map((c) => c.name)).toEqual(['A', 'B', 'A', 'B', 'A'])
    expect([(await open(vsPort)).name, (await open(vsPort)).name]).toEqual(['B', 'B'])
    const onA = conns.filter((c) => c.name === 'A')
    onA[0]!.socket.destroy()
    await until(() => serverA().active === 2)
    // 2 > lthreshold 1 (though 2 × 4 <= 3 × 3 would have let it back without lthreshold).
    expect((await open(vsPort)).name).toBe('B')
    onA[1]!.socket.destroy()
    await until(() => serverA().active === 1)
    expect((await open(vsPort)).name).toBe('A')
  })
})
