/**
 * Seed 001's LVS keepalived.conf (wrr 1:2 with TCP_CHECK, lb_kind DR) under `lbctl run --local`,
 * addresses rewritten to loopback: connections follow the wrr weights, a stopped real server is
 * removed after its checker's retries and added back, the sorry server answers when all are down,
 * and persistence_timeout pins a client address.
 */
import {type ChildProcess, spawn} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {connect, createServer, type Server} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {cliPath, runCli} from '../../helpers/cli.js'
import {freePort} from '../../helpers/ports.js'

/** A real server: answers its name to every connection, then closes. */
function nameServer(name: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => {
      socket.on('error', () => {})
      socket.end(name)
    })
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve(server))
  })
}

const closeServer = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()))

/** One connection through the virtual server: what the real server answered ('' when refused or reset). */
function ask(host: string, port: number, localAddress = '127.0.0.1'): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({host, port, localAddress})
    let data = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => (data += chunk))
    socket.once('close', () => resolve(data))
    socket.once('error', () => {})
    socket.setTimeout(3000, () => socket.destroy())
  })
}

async function askMany(count: number, host: string, port: number, localAddress?: string): Promise<string[]> {
  const answers: string[] = []
  for (let i = 0; i < count; i++) answers.push(await ask(host, port, localAddress))
  return answers
}

const tally = (answers: string[]) => answers.reduce<Record<string, number>>((acc, a) => ({...acc, [a || '-']: (acc[a || '-'] ?? 0) + 1}), {})

describe('lbctl run: keepalived virtual_server (seed 001 shape) served by the engine', () => {
  const vip = '127.0.0.50'
  let dir = ''
  let child: ChildProcess | undefined
  let log = ''
  const servers = new Map<string, Server>()
  let ports: {vs: number; vs2: number; a: number; b: number; sorry: number; udp: number}

  const waitFor = async (pattern: RegExp, from: number, ms = 10_000): Promise<number> => {
    const deadline = Date.now() + ms
    while (Date.now() < deadline) {
      const match = pattern.exec(log.slice(from))
      if (match) return from + match.index + match[0].length
      await new Promise((r) => setTimeout(r, 25))
    }
    throw new Error(`no ${pattern} in the log within ${ms} ms:\n${log.slice(from)}`)
  }

  beforeAll(async () => {
    ports = {vs: await freePort(), vs2: await freePort(), a: await freePort(), b: await freePort(), sorry: await freePort(), udp: await freePort()}
    servers.set('a', await nameServer('A', ports.a))
    servers.set('b', await nameServer('B', ports.b))
    servers.set('sorry', await nameServer('SORRY', ports.sorry))
    dir = mkdtempSync(join(tmpdir(), 'lbctl-lvs-'))
    const check = `TCP_CHECK {
                        connect_timeout 1
                        retry 2
                        delay_before_retry 0.2
                }`
    writeFileSync(
      join(dir, 'keepalived.conf'),
      `global_defs {
        router_id LVS_DEVEL
}
vrrp_instance VI_1 {
        state MASTER
        interface eno16777736
        virtual_router_id 51
        priority 100
        advert_int 1
        authentication {
                auth_type PASS
                auth_pass 1111
        }
        virtual_ipaddress {
                ${vip}
        }
}
virtual_server ${vip} ${ports.vs} {
        delay_loop 1
        lb_algo wrr
        lb_kind DR
        protocol TCP
        sorry_server 127.0.0.1 ${ports.sorry}
        real_server 127.0.0.1 ${ports.a} {
                weight 1
                ${check}
        }
        real_server 127.0.0.1 ${ports.b} {
                weight 2
                ${check}
        }
}
virtual_server ${vip} ${ports.vs2} {
        lb_algo rr
        lb_kind NAT
        persistence_timeout 30
        protocol TCP
        real_server 127.0.0.1 ${ports.a} {
        }
        real_server 127.0.0.1 ${ports.b} {
        }
}
`,
    )
    child = spawn(process.execPath, [cliPath, 'run', '-f', join(dir, 'keepalived.conf'), '--local', '--node', 'lvs-e2e', '--local-port', String(ports.udp)], {stdio: ['ignore', 'pipe', 'pipe']})
    child.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()))
    child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()))
    await waitFor(new RegExp(`VS \\[${vip}\\]:tcp:${ports.vs} listening`), 0, 15_000)
    await waitFor(new RegExp(`VS \\[${vip}\\]:tcp:${ports.vs2} listening`), 0, 5000)
  }, 30_000)

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGKILL')
      await new Promise((r) => child!.once('exit', r))
    }
    await Promise.all([...servers.values()].map((s) => (s.listening ? closeServer(s) : undefined)))
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  it('serves a file lbctl validate accepts (keepalived 2.2.7 grammar)', async () => {
    const result = await runCli(['validate', join(dir, 'keepalived.conf')])
    expect(result.stdout + result.stderr).toMatch(/^valid: .* 0 error\(s\)/m)
    expect(result.code).toBe(0)
  })

  it('says DR is served NAT-style', () => {
    expect(log).toMatch(/lb_kind DR served NAT-style/)
  })

  it('spreads connections by the wrr weights (1:2, the kernel sequence B A B)', async () => {
    const answers = await askMany(30, vip, ports.vs)
    expect(tally(answers)).toEqual({A: 10, B: 20})
    expect(answers.slice(0, 3).sort()).toEqual(['A', 'B', 'B'])
  })

  it('removes a stopped real server after the checker retries, adds it back when it returns', async () => {
    let from = log.length
    const stoppedAt = Date.now()
    await closeServer(servers.get('b')!)
    from = await waitFor(new RegExp(`Removing service \\[127\\.0\\.0\\.1\\]:tcp:${ports.b} to VS \\[${vip}\\]:tcp:${ports.vs}`), from)
    // 1 attempt + 2 retries 0.2 s apart at least.
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(350)
    expect(tally(await askMany(6, vip, ports.vs))).toEqual({A: 6})
    servers.set('b', await nameServer('B', ports.b))
    await waitFor(new RegExp(`TCP connection to \\[127\\.0\\.0\\.1\\]:tcp:${ports.b} success\\.`), from)
    await waitFor(new RegExp(`Adding service \\[127\\.0\\.0\\.1\\]:tcp:${ports.b} to VS \\[${vip}\\]:tcp:${ports.vs}`), from)
    expect(tally(await askMany(9, vip, ports.vs))).toEqual({A: 3, B: 6})
  }, 20_000)

  it('pins a client address to one real server with persistence_timeout', async () => {
    const first = await askMany(5, vip, ports.vs2, '127.0.0.1')
    const second = await askMany(5, vip, ports.vs2, '127.0.0.2')
    expect(new Set(first).size).toBe(1)
    expect(new Set(second).size).toBe(1)
    // rr without persistence would alternate; the two clients got the two servers.
    expect(new Set([...first, ...second])).toEqual(new Set(['A', 'B']))
  })

  it('answers from the sorry server when every real server is down, and stops cleanly on SIGTERM', async () => {
    const from = log.length
    await closeServer(servers.get('a')!)
    await closeServer(servers.get('b')!)
    await waitFor(new RegExp(`Adding sorry server \\[127\\.0\\.0\\.1\\]:tcp:${ports.sorry} to VS \\[${vip}\\]:tcp:${ports.vs}`), from)
    expect(tally(await askMany(3, vip, ports.vs))).toEqual({SORRY: 3})
    const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)))
    child!.kill('SIGTERM')
    expect(await exited).toBe(0)
    if (process.env.LVS_E2E_LOG) console.log(log)
  }, 20_000)
})
