/** The demo's HTTP backends: `hello from appN` with an `X-Served-By: appN` header, on 127.0.0.1. */
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'

export interface DemoBackend {
  name: string
  port: number
  url: string
  close(): Promise<void>
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve((server.address() as AddressInfo).port)
    })
  })
}

/** Starts one backend on `port`, or on a free port when that one is taken. */
export async function startDemoBackend(name: string, port: number): Promise<DemoBackend> {
  const server = createServer((request, response) => {
    request.resume()
    const body = `hello from ${name}\n`
    response.writeHead(200, {'content-type': 'text/plain', 'content-length': Buffer.byteLength(body), 'x-served-by': name})
    response.end(body)
  })
  server.keepAliveTimeout = 1000
  let bound: number
  try {
    bound = await listen(server, port)
  } catch {
    bound = await listen(server, 0)
  }
  return {
    name,
    port: bound,
    url: `http://127.0.0.1:${bound}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

export async function startDemoBackends(count: number, firstPort = 9001): Promise<DemoBackend[]> {
  const started: DemoBackend[] = []
  try {
    for (let i = 0; i < count; i++) started.push(await startDemoBackend(`app${i + 1}`, firstPort + i))
  } catch (error) {
    await Promise.all(started.map((b) => b.close()))
    throw error
  }
  return started
}
