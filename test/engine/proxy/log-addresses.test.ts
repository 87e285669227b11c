/**
 * Log lines written after the client's socket is closed still carry both addresses: on a wildcard bind the
 * frontend address is only known from the socket (getsockname), which must be read while it is open.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {freePort, startEngine} from './helpers.js'
import {request, rfc3164Message, type ScriptedBackend, scriptedBackend, type Syslog, syslogCollector} from './log-helpers.js'

let backend: ScriptedBackend
let syslog: Syslog

beforeAll(async () => {
  backend = await scriptedBackend()
  syslog = await syslogCollector()
})
afterAll(async () => {
  await backend.close()
  await syslog.close()
})

describe('log addresses on a wildcard bind', () => {
  it('%ci:%cp and %fi:%fp are filled in for mode tcp and mode http lines', async () => {
    const [tcp, web] = [await freePort(), await freePort()]
    const engine = startEngine(`global
  log 127.0.0.1:${syslog.port} local0
defaults
  log global
  timeout connect 1s
  timeout client 5s
  timeout server 5s
  log-format "%ci:%cp %fi:%fp %ft"
listen tcp_in
  mode tcp
  bind *:${tcp}
  server t1 127.0.0.1:${backend.port}
listen web
  mode http
  bind *:${web}
  server s1 127.0.0.1:${backend.port}
`)
    await engine.start()
    try {
      await request(tcp, '/', 'HTTP/1.0')
      const tcpLine = rfc3164Message(await syslog.line(1)).message
      await request(web, '/')
      const webLine = rfc3164Message(await syslog.line(2)).message
      expect(tcpLine).toMatch(new RegExp(`^127\\.0\\.0\\.1:\\d+ 127\\.0\\.0\\.1:${tcp} tcp_in$`))
      expect(webLine).toMatch(new RegExp(`^127\\.0\\.0\\.1:\\d+ 127\\.0\\.0\\.1:${web} web$`))
    } finally {
      await engine.stop(0)
    }
  })
})
