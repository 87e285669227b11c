/** A syslog collector on UDP loopback, a scripted backend, and clients for the log tests. */
import {createSocket, type Socket as UdpSocket} from 'node:dgram'
import {connect, createServer, type AddressInfo, type Server, type Socket} from 'node:net'
import {startEngine, startHaproxy} from './helpers.js'

export interface Syslog {
  port: number
  lines: string[]
  /** Resolves with the n-th line (1-based) once it arrived. */
  line(n: number, timeoutMs?: number): Promise<string>
  close(): Promise<void>
}

export async function syslogCollector(): Promise<Syslog> {
  const socket: UdpSocket = createSocket('udp4')
  const lines: string[] = []
  const waiters: (() => void)[] = []
  socket.on('message', (msg) => {
    lines.push(msg.toString('utf8'))
    for (const w of waiters.splice(0)) w()
  })
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()))
  const line = async (n: number, timeoutMs = 5000): Promise<string> => {
    const end = Date.now() + timeoutMs
    while (lines.length < n) {
      const left = end - Date.now()
      if (left <= 0) throw new Error(`syslog: ${lines.length} line(s) arrived, waited for ${n}:\n${lines.join('')}`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
    return lines[n - 1]!
  }
  return {port: socket.address().port, lines, line, close: () => new Promise((resolve) => socket.close(() => resolve()))}
}

export interface ScriptedBackend {
  port: number
  close(): Promise<void>
}

/**
 * An HTTP/1 backend by path: `/` answers at once (and closes for HTTP/1.0), `/stall` sends the head
 * and part of the body then goes quiet, `/stream` streams a chunked body for 3 s, `/nohead` never answers.
 */
export async function scriptedBackend(): Promise<ScriptedBackend> {
  const sockets = new Set<Socket>()
  const server: Server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
    let head = ''
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1')
      if (!head.includes('\r\n\r\n')) return
      const [method = '', path = '', version = ''] = head.split('\r\n')[0]!.split(' ')
      head = ''
      void method
      if (path === '/stall') socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\npartial')
      else if (path === '/stream') {
        // A chunk every 10 ms, at most 300 of them: a client leaving meets data still flowing.
        socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n')
        let sent = 0
        const timer = setInterval(() => {
          if (socket.destroyed || ++sent > 300) {
            clearInterval(timer)
            if (!socket.destroyed) socket.end('0\r\n\r\n')
            return
          }
          socket.write(`${(1000).toString(16)}\r\n${'x'.repeat(1000)}\r\n`)
        }, 10)
        socket.on('close', () => clearInterval(timer))
      }
      else if (path === '/nohead') return
      else {
        socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nok\n')
        if (version === 'HTTP/1.0') socket.end()
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}

/** Sends a request with `Connection: close` and reads until the proxy closes. */
export function request(port: number, path: string, version = 'HTTP/1.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({port, host: '127.0.0.1'})
    let text = ''
    socket.on('connect', () => socket.write(`GET ${path} ${version}\r\nHost: test\r\nConnection: close\r\n\r\n`))
    socket.on('data', (c: Buffer) => (text += c.toString('latin1')))
    socket.on('close', () => resolve(text))
    socket.on('error', reject)
    socket.setTimeout(8000, () => socket.destroy(new Error(`no answer for ${path}`)))
  })
}

/** Sends a request and closes the connection as soon as the response head arrived (a client giving up). */
export function abortAfterHead(port: number, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({port, host: '127.0.0.1'})
    let text = ''
    socket.on('connect', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: test\r\n\r\n`))
    socket.on('data', (c: Buffer) => {
      text += c.toString('latin1')
      if (text.includes('\r\n\r\n')) socket.destroy()
    })
    socket.on('close', () => resolve())
    socket.on('error', reject)
  })
}

const TIMERS = /^-?\d+$/

/**
 * An httplog/tcplog line with the values that differ between two runs replaced by their shape:
 * client port, dates, timers (`N`, or `-1` when the step never happened), byte counts and the
 * connection counters (act/fe/be/srv; the retry count stays).
 */
export function shape(message: string): string {
  return message
    .replace(/^(\d+\.\d+\.\d+\.\d+):\d+ /, '$1:PORT ')
    .replace(/\[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d\.\d{3}\]/, '[DATE]')
    .split(' ')
    .map((field, i, all) => {
      if (i === 4 && field.includes('/')) return field.split('/').map((t) => (TIMERS.test(t) ? (t === '-1' ? '-1' : 'N') : t)).join('/')
      if (i === 5 && all[4]?.split('/').length === 3) return 'BYTES' // tcplog: bytes follow the 3 timers
      if (i === 6 && all[4]?.split('/').length === 5) return 'BYTES' // httplog: status, then bytes
      if (/^\d+\/\d+\/\d+\/\d+\/\+?\d+$/.test(field)) return field.replace(/^\d+\/\d+\/\d+\/\d+\//, 'N/N/N/N/')
      return field
    })
    .join(' ')
}

/** The message of an RFC 3164 line without its header (`<134>Nov 21 07:46:31 haproxy[18189]: `). */
export function rfc3164Message(line: string): {header: string; message: string} {
  const match = /^(<\d+>\w{3} [ \d]\d \d\d:\d\d:\d\d \S+\[\d+\]: )(.*)\n$/s.exec(line)
  if (!match) throw new Error(`not an RFC 3164 line: ${JSON.stringify(line)}`)
  return {header: match[1]!, message: match[2]!}
}

/** Two requests on one keep-alive connection, the second one closing it. */
export function keepAlivePair(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({port, host: '127.0.0.1'})
    let text = ''
    socket.on('connect', () => socket.write('GET /first HTTP/1.1\r\nHost: test\r\n\r\n'))
    socket.on('data', (c: Buffer) => {
      text += c.toString('latin1')
      if (text.split('ok\n').length === 2 && !text.includes('/second')) {
        text += '/second'
        setTimeout(() => socket.write('GET /second HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n'), 20)
      }
    })
    socket.on('close', () => resolve(text))
    socket.on('error', reject)
  })
}

/** How a compare test starts a proxy on a config; resolves with how to stop it. */
export type StartProxy = (config: string) => Promise<() => Promise<void>>

/** Real haproxy; its stats socket is the config's `stats socket ipv4@127.0.0.1:PORT`. */
export const startRealHaproxy: StartProxy = async (config) => {
  const real = await startHaproxy(config, Number(/stats socket ipv4@127\.0\.0\.1:(\d+)/.exec(config)![1]))
  return () => real.stop()
}

/** The bundled engine in process. */
export const startBundledEngine: StartProxy = async (config) => {
  const engine = startEngine(config)
  await engine.start()
  return () => engine.stop(0)
}
