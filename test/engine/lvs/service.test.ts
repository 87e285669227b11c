/**
 * One virtual server in-process against real loopback servers: HTTP_GET status and digest,
 * MISC_CHECK with misc_dynamic weights, inhibit_on_failure, the plan's refusals and nb_get_retry.
 */
import {createHash} from 'node:crypto'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {createServer as createHttpServer, type Server as HttpServer} from 'node:http'
import {connect} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import {parseKeepalived} from '../../../src/config/keepalived/index.js'
import {planLvs} from '../../../src/engine/lvs/runner.js'
import {VirtualService} from '../../../src/engine/lvs/service.js'
import {freePort} from '../../helpers/ports.js'

const model = (text: string) => parseKeepalived({path: 'keepalived.conf', text}).model

function plan(text: string) {
  const result = planLvs(model(text), true)
  if (!result.ok) throw new Error(result.problems.join('; '))
  return result.services[0]!
}

function ask(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({host: '127.0.0.1', port})
    let data = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => (data += chunk))
    socket.once('close', () => resolve(data))
    socket.once('error', () => {})
    socket.end('GET / HTTP/1.0\r\n\r\n')
  })
}

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function httpServer(state: {status: number; body: string}): Promise<{port: number; server: HttpServer}> {
  const port = await freePort()
  const server = createHttpServer((req, res) => {
    res.writeHead(state.status, {'Content-Type': 'text/plain'})
    res.end(state.body)
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return {port, server}
}

async function service(text: string) {
  const lines: string[] = []
  const vs = new VirtualService(plan(text), {log: (line) => lines.push(line)})
  await vs.listen()
  vs.startChecks()
  cleanups.push(async () => {
    vs.stopChecks()
    await vs.close(0)
  })
  const waitFor = async (pattern: RegExp, ms = 5000) => {
    const deadline = Date.now() + ms
    while (Date.now() < deadline) {
      if (lines.some((l) => pattern.test(l))) return
      await new Promise((r) => setTimeout(r, 20))
    }
    throw new Error(`no ${pattern} in:\n${lines.join('\n')}`)
  }
  return {vs, lines, waitFor}
}

describe('virtual server checkers', () => {
  it('HTTP_GET: status_code and the MD5 digest of the body decide; inhibit_on_failure sets weight 0', async () => {
    const good = {status: 200, body: 'hello from A'}
    const a = await httpServer(good)
    const vsPort = await freePort()
    const digest = createHash('md5').update('hello from A').digest('hex')
    const {vs, waitFor} = await service(`virtual_server 127.0.0.1 ${vsPort} {
  delay_loop 0.2
  lb_algo rr
  protocol TCP
  real_server 127.0.0.1 ${a.port} {
    inhibit_on_failure
    HTTP_GET {
      url {
        path /health
        digest ${digest}
        status_code 200
      }
      connect_timeout 1
      retry 0
    }
  }
}`)
    expect(await ask(vsPort)).toContain('hello from A')
    good.body = 'changed'
    await waitFor(/HTTP_GET on service \[127\.0\.0\.1\]:tcp:\d+ failed: url\(1\) MD5 digest/)
    await waitFor(/^Disabling service \[127\.0\.0\.1\]:tcp:\d+ to VS \[127\.0\.0\.1\]:tcp:\d+$/)
    expect(vs.status().servers[0]).toMatchObject({weight: 0, up: false})
    expect(await ask(vsPort)).toBe('')
    good.body = 'hello from A'
    await waitFor(/^Enabling service/)
    expect(vs.status().servers[0]).toMatchObject({weight: 1, up: true})
    good.status = 503
    await waitFor(/url\(1\) HTTP status code 503/)
  })

  it('SSL_GET: the same url checks over TLS (self-signed certificates accepted, as keepalived does)', async () => {
    const {createServer: createHttpsServer} = await import('node:https')
    const {readFileSync} = await import('node:fs')
    const pem = readFileSync(new URL('../../corpus/certs/site.pem', import.meta.url), 'utf8')
    const state = {status: 200}
    const port = await freePort()
    const server = createHttpsServer({cert: pem, key: pem}, (req, res) => {
      res.writeHead(req.url === '/ok' ? state.status : 404)
      res.end('tls')
    })
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())))
    const vsPort = await freePort()
    const {waitFor} = await service(`virtual_server 127.0.0.1 ${vsPort} {
  delay_loop 0.2
  lb_algo rr
  protocol TCP
  real_server 127.0.0.1 ${port} {
    SSL_GET {
      url {
        path /ok
      }
      connect_timeout 1
      retry 0
      warmup 0
    }
  }
}`)
    state.status = 500
    await waitFor(/SSL_GET on service \[127\.0\.0\.1\]:tcp:\d+ failed: url\(1\) HTTP status code 500/)
    await waitFor(/^Removing service/)
    state.status = 200
    await waitFor(/^HTTP status code success to/)
    await waitFor(/^Adding service/)
  })

  it('MISC_CHECK with misc_dynamic: exit 0 up, 1 down, 2+N sets weight N', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lbctl-lvs-misc-'))
    cleanups.push(() => rmSync(dir, {recursive: true, force: true}))
    const codeFile = join(dir, 'code')
    writeFileSync(codeFile, '5')
    const a = await httpServer({status: 200, body: 'A'})
    const vsPort = await freePort()
    const {vs, waitFor} = await service(`virtual_server 127.0.0.1 ${vsPort} {
  delay_loop 0.2
  lb_algo wrr
  protocol TCP
  real_server 127.0.0.1 ${a.port} {
    weight 1
    MISC_CHECK {
      misc_path "/bin/sh -c 'exit $(cat ${codeFile})'"
      misc_timeout 2
      misc_dynamic
    }
  }
}`)
    await waitFor(/Changing weight from 1 to 3 for \[127\.0\.0\.1\]:tcp:\d+/)
    expect(vs.status().servers[0]).toMatchObject({weight: 3, up: true})
    writeFileSync(codeFile, '1')
    await waitFor(/^Removing service/)
    expect(await ask(vsPort)).toBe('')
    writeFileSync(codeFile, '0')
    await waitFor(/^Adding service/)
    expect(await ask(vsPort)).toContain('A')
  })
})

describe('virtual server notify commands', () => {
  it('runs notify_down/notify_up and quorum_down/quorum_up on transitions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lbctl-lvs-notify-'))
    cleanups.push(() => rmSync(dir, {recursive: true, force: true}))
    const events = join(dir, 'events')
    const codeFile = join(dir, 'code')
    writeFileSync(codeFile, '1')
    const a = await httpServer({status: 200, body: 'A'})
    const vsPort = await freePort()
    const {waitFor} = await service(`virtual_server 127.0.0.1 ${vsPort} {
  delay_loop 0.2
  lb_algo rr
  protocol TCP
  quorum_up "/bin/sh -c 'echo quorum-up >> ${events}'"
  quorum_down "/bin/sh -c 'echo quorum-down >> ${events}'"
  real_server 127.0.0.1 ${a.port} {
    notify_up "/bin/sh -c 'echo rs-up >> ${events}'"
    notify_down "/bin/sh -c 'echo rs-down >> ${events}'"
    MISC_CHECK {
      misc_path "/bin/sh -c 'exit $(cat ${codeFile})'"
      warmup 0
    }
  }
}`)
    await waitFor(/^Removing service/)
    await waitFor(/^Lost quorum/)
    writeFileSync(codeFile, '0')
    await waitFor(/^Gained quorum/)
    const {readFileSync, existsSync} = await import('node:fs')
    const deadline = Date.now() + 3000
    const read = () => (existsSync(events) ? readFileSync(events, 'utf8').trim().split('\n').sort() : [])
    while (read().length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    expect(read()).toEqual(['quorum-down', 'quorum-up', 'rs-down', 'rs-up'])
  })
})

describe('virtual server data path', () => {
  it('forwards bytes both ways with backpressure and passes a half-close on (echo of 4 MiB after the client FIN)', async () => {
    const {createServer} = await import('node:net')
    const echoPort = await freePort()
    const echo = createServer({allowHalfOpen: true}, (socket) => {
      const chunks: Buffer[] = []
      socket.on('data', (c: Buffer) => chunks.push(c))
      // Answers only after the client's FIN: proves the FIN went through while the other direction stayed open.
      socket.on('end', () => socket.end(Buffer.concat(chunks)))
    })
    await new Promise<void>((resolve) => echo.listen(echoPort, '127.0.0.1', resolve))
    cleanups.push(() => new Promise<void>((resolve) => echo.close(() => resolve())))
    const vsPort = await freePort()
    const {vs} = await service(`virtual_server 127.0.0.1 ${vsPort} {
  lb_algo wlc
  protocol TCP
  real_server 127.0.0.1 ${echoPort} {
  }
}`)
    const payload = Buffer.alloc(4 * 1024 * 1024)
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 31) & 0xff
    const answer = await new Promise<Buffer>((resolve, reject) => {
      const socket = connect({host: '127.0.0.1', port: vsPort, allowHalfOpen: true})
      const chunks: Buffer[] = []
      socket.on('data', (c: Buffer) => chunks.push(c))
      socket.once('end', () => resolve(Buffer.concat(chunks)))
      socket.once('error', reject)
      socket.end(payload)
    })
    expect(answer.equals(payload)).toBe(true)
    const deadline = Date.now() + 2000
    while (vs.status().servers[0]!.active + vs.status().servers[0]!.inactive > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
    expect(vs.status().servers[0]).toMatchObject({active: 0, inactive: 0, total: 1})
  })
})

describe('virtual server plan', () => {
  it('reads nb_get_retry as retry and applies keepalived defaults', () => {
    const p = plan(`virtual_server 127.0.0.1 80 {
  real_server 127.0.0.2 8080 {
    TCP_CHECK {
      nb_get_retry 3
    }
  }
}`)
    expect(p.algorithm).toBe('wlc')
    expect(p.realServers[0]!.checks[0]).toMatchObject({type: 'TCP_CHECK', host: '127.0.0.2', port: 8080, retry: 3, connectTimeoutMs: 5000, delayLoopMs: 60_000})
  })

  it('takes checker defaults from the virtual server (keepalived 2.x) and warmup, alpha', () => {
    const p = plan(`virtual_server 127.0.0.1 80 {
  delay_loop 6
  connect_timeout 2
  retry 4
  delay_before_retry 0.5
  warmup 0
  real_server 127.0.0.2 8080 {
    TCP_CHECK {
      connect_timeout 3
      alpha
    }
  }
}`)
    expect(p.realServers[0]!.checks[0]).toMatchObject({connectTimeoutMs: 3000, retry: 4, delayBeforeRetryMs: 500, delayLoopMs: 6000, warmupMs: 0, alpha: true})
  })

  it('refuses fwmark, UDP and non-loopback addresses in local mode, naming the line', () => {
    const refused = (text: string) => {
      const result = planLvs(model(text), true)
      return result.ok ? '' : result.problems.join('; ')
    }
    expect(refused('virtual_server fwmark 1 {\n  lb_algo rr\n}\n')).toMatch(/keepalived\.conf:1: virtual_server fwmark 1: fwmark virtual servers need the kernel's IPVS/)
    expect(refused('\nvirtual_server 127.0.0.1 53 {\n  protocol UDP\n}\n')).toMatch(/keepalived\.conf:2: .*protocol UDP is not served/)
    expect(refused('virtual_server 192.168.20.50 80 {\n  protocol TCP\n}\n')).toMatch(/keepalived\.conf:1: virtual_server 192\.168\.20\.50 80: local mode serves loopback addresses only/)
  })
})
