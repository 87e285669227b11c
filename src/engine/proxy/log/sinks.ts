/**
 * Where framed log lines go: UDP syslog, a unix datagram socket (`/dev/log`), stdout/stderr, or a file.
 * One sink per address, shared by every `log` line naming it. Sending never blocks the proxy and never
 * throws: like HAProxy, a line that cannot be delivered is dropped, and the first failure of a sink is
 * reported once through `onProblem`.
 */
import {createSocket, type Socket as UdpSocket} from 'node:dgram'
import {createWriteStream, type WriteStream} from 'node:fs'
import {createRequire} from 'node:module'
import {isIPv6} from 'node:net'
import {constants} from 'node:os'
import {addressKey, type LogAddress} from './target.js'

export interface LogSink {
  send(line: string): void
  close(): Promise<void>
}

export interface SinkOptions {
  /** Called once per sink for its first failure (the lines after it are dropped silently). */
  onProblem?: (message: string) => void
  /** stdout/stderr streams (default: the process's). */
  stdout?: NodeJS.WritableStream
  stderr?: NodeJS.WritableStream
}

interface UnixDgramSocket {
  sendto(buf: Buffer, offset: number, length: number, path: string, callback: (error?: Error) => void): void
  close(): void
  on(event: 'error', listener: (error: Error) => void): void
}

/** unix-dgram is a native addon; without it, unix socket targets are reported and skipped. */
function loadUnixDgram(): {createSocket(type: 'unix_dgram'): UnixDgramSocket} | undefined {
  try {
    return createRequire(import.meta.url)('unix-dgram') as {createSocket(type: 'unix_dgram'): UnixDgramSocket}
  } catch {
    return undefined
  }
}

class UdpSink implements LogSink {
  private socket: UdpSocket | undefined
  private connected = false
  /** Lines sent before the connect finished. */
  private waiting: string[] = []
  private failed = false

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly onProblem: (message: string) => void,
  ) {}

  send(line: string): void {
    if (!this.socket) {
      // A connected socket: no address lookup per datagram.
      const socket = (this.socket = createSocket(isIPv6(this.host) ? 'udp6' : 'udp4'))
      socket.on('error', (error) => this.fail(error))
      socket.unref()
      socket.connect(this.port, this.host, () => {
        this.connected = true
        for (const waiting of this.waiting.splice(0)) this.socket?.send(waiting)
      })
    }
    if (this.connected) this.socket.send(line)
    else if (this.waiting.length < 1000) this.waiting.push(line)
  }

  private fail(error: Error): void {
    if (this.failed) return
    this.failed = true
    this.onProblem(`log ${this.host}:${this.port}: cannot send: ${error.message}`)
  }

  close(): Promise<void> {
    const socket = this.socket
    this.socket = undefined
    return new Promise((resolve) => (socket ? socket.close(() => resolve()) : resolve()))
  }
}

/** unix-dgram reports `send -2`: the errno's name reads better (ENOENT). */
function errnoName(error: Error & {code?: unknown}): string {
  const code = typeof error.code === 'number' ? -error.code : NaN
  return Object.entries(constants.errno).find(([, value]) => value === code)?.[0] ?? error.message
}

class UnixSink implements LogSink {
  private socket: UnixDgramSocket | undefined
  private failed = false

  constructor(
    private readonly path: string,
    private readonly onProblem: (message: string) => void,
  ) {}

  send(line: string): void {
    if (this.failed) return
    if (!this.socket) {
      const module = loadUnixDgram()
      if (!module) return this.fail('unix datagram sockets need the unix-dgram package, which is not installed')
      this.socket = module.createSocket('unix_dgram')
      this.socket.on('error', (error) => this.fail(error.message))
    }
    const data = Buffer.from(line, 'utf8')
    this.socket.sendto(data, 0, data.length, this.path, (error) => {
      // ENOENT/ECONNREFUSED: nothing listens there (yet); HAProxy drops the line too.
      if (error && error.message !== 'congestion') this.fail(`${errnoName(error)} (is a syslog daemon listening on ${this.path}?)`)
    })
  }

  private fail(reason: string): void {
    if (this.failed) return
    this.failed = true
    this.onProblem(`log ${this.path}: cannot send: ${reason}`)
  }

  async close(): Promise<void> {
    try {
      this.socket?.close()
    } catch {
      // already closed
    }
    this.socket = undefined
  }
}

/** Lines written in one go per turn of the event loop (one write call for a burst of requests). */
class Batch {
  private lines: string[] = []
  private scheduled = false

  constructor(private readonly write: (text: string) => void) {}

  add(line: string): void {
    this.lines.push(line)
    if (this.scheduled) return
    this.scheduled = true
    setImmediate(() => this.flush())
  }

  flush(): void {
    this.scheduled = false
    if (this.lines.length === 0) return
    const text = this.lines.join('')
    this.lines = []
    this.write(text)
  }
}

class StreamSink implements LogSink {
  private readonly batch: Batch

  constructor(stream: NodeJS.WritableStream) {
    this.batch = new Batch((text) => stream.write(text))
  }

  send(line: string): void {
    this.batch.add(line)
  }

  async close(): Promise<void> {
    this.batch.flush()
  }
}

class FileSink implements LogSink {
  private stream: WriteStream | undefined
  private failed = false
  private readonly batch = new Batch((text) => this.stream?.write(text))

  constructor(
    private readonly path: string,
    private readonly onProblem: (message: string) => void,
  ) {}

  send(line: string): void {
    if (this.failed) return
    if (!this.stream) {
      this.stream = createWriteStream(this.path, {flags: 'a'})
      this.stream.on('error', (error) => {
        if (this.failed) return
        this.failed = true
        this.onProblem(`log file@${this.path}: cannot write: ${error.message}`)
      })
    }
    this.batch.add(line)
  }

  close(): Promise<void> {
    this.batch.flush()
    const stream = this.stream
    this.stream = undefined
    return new Promise((resolve) => (stream && !this.failed ? stream.end(() => resolve()) : resolve()))
  }
}

/** The sinks of one engine, created on first use and closed together. */
export class LogSinks {
  private readonly sinks = new Map<string, LogSink>()
  private readonly onProblem: (message: string) => void

  constructor(private readonly options: SinkOptions = {}) {
    this.onProblem = options.onProblem ?? (() => {})
  }

  get(address: LogAddress): LogSink {
    const key = addressKey(address)
    let sink = this.sinks.get(key)
    if (!sink) this.sinks.set(key, (sink = this.create(address)))
    return sink
  }

  private create(address: LogAddress): LogSink {
    switch (address.kind) {
      case 'udp':
        return new UdpSink(address.host, address.port, this.onProblem)
      case 'unix':
        return new UnixSink(address.path, this.onProblem)
      case 'file':
        return new FileSink(address.path, this.onProblem)
      case 'stdout':
        return new StreamSink(this.options.stdout ?? process.stdout)
      case 'stderr':
        return new StreamSink(this.options.stderr ?? process.stderr)
    }
  }

  async close(): Promise<void> {
    const sinks = [...this.sinks.values()]
    this.sinks.clear()
    await Promise.all(sinks.map((s) => s.close()))
  }
}
