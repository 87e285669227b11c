/**
 * A small SMTP client for keepalived's state-change emails (keepalived core/smtp.c): connect,
 * 220 → HELO → 250 → MAIL FROM → 250 → RCPT TO (each) → 250 → DATA → 354 → message → 250 →
 * QUIT → 221. Every read waits at most smtp_connect_timeout. Any failure rejects with a
 * message worded like keepalived's log lines; the caller only logs it.
 */
import {connect, type Socket} from 'node:net'

export interface MailMessage {
  from: string
  to: string[]
  subject: string
  body: string
  /** The Date header (default: now). */
  date?: Date
}

export interface Mailer {
  send(message: MailMessage): Promise<void>
}

export interface SmtpOptions {
  host: string
  port: number
  timeoutMs: number
  /** keepalived smtp_helo_name, default `localhost`. */
  heloName?: string
}

/** `<addr>` from `Name <addr>` or `addr`, as keepalived's mail_cmd/rcpt_cmd. */
export function envelopeAddress(address: string): string {
  const start = address.lastIndexOf('<')
  return address.endsWith('>') && start !== -1 ? address.slice(start) : `<${address}>`
}

/** RFC 5322 date like strftime("%a, %d %b %Y %H:%M:%S %z") in local time. */
export function rfc822Date(date: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
  const pad = (value: number) => String(value).padStart(2, '0')
  const offset = -date.getTimezoneOffset()
  const zone = `${offset >= 0 ? '+' : '-'}${pad(Math.floor(Math.abs(offset) / 60))}${pad(Math.abs(offset) % 60)}`
  return `${days[date.getDay()]}, ${pad(date.getDate())} ${months[date.getMonth()]} ${date.getFullYear()} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())} ${zone}`
}

/** The DATA part, as keepalived's body_cmd writes it (dot-stuffed, CRLF line ends). */
export function formatMessage(message: MailMessage): string {
  const to = message.to.map((address, index) => `${index === 0 ? '' : ',\r\n'} ${address}`).join('')
  const body = message.body.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..')
  return `Date: ${rfc822Date(message.date ?? new Date())}\r\nFrom: ${message.from}\r\nSubject: ${message.subject}\r\nX-Mailer: Keepalived\r\nTo:${to}\r\n\r\n${body}\r\n\r\n.\r\n`
}

export class SmtpMailer implements Mailer {
  constructor(private readonly options: SmtpOptions) {}

  private get server(): string {
    return this.options.host.includes(':') ? `[${this.options.host}]:${this.options.port}` : `${this.options.host}:${this.options.port}`
  }

  async send(message: MailMessage): Promise<void> {
    const socket = await this.connect()
    const replies = new ReplyReader(socket, this.options.timeoutMs, this.server)
    try {
      await replies.expect(220, 'connect')
      await this.command(socket, replies, `HELO ${this.options.heloName ?? 'localhost'}`, 250, 'HELO')
      await this.command(socket, replies, `MAIL FROM:${envelopeAddress(message.from)}`, 250, 'MAIL')
      for (const to of message.to) await this.command(socket, replies, `RCPT TO:${envelopeAddress(to)}`, 250, 'RCPT')
      await this.command(socket, replies, 'DATA', 354, 'DATA')
      socket.write(formatMessage(message))
      await replies.expect(250, 'BODY')
      socket.write('QUIT\r\n')
      await replies.expect(221, 'QUIT').catch(() => {})
    } finally {
      replies.dispose()
      socket.destroy()
    }
  }

  private async command(socket: Socket, replies: ReplyReader, line: string, code: number, name: string): Promise<void> {
    socket.write(`${line}\r\n`)
    await replies.expect(code, name)
  }

  private connect(): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = connect({host: this.options.host, port: this.options.port})
      const timer = setTimeout(() => {
        socket.destroy()
        reject(new Error(`Timeout connecting SMTP server ${this.server}.`))
      }, this.options.timeoutMs)
      socket.once('connect', () => {
        clearTimeout(timer)
        socket.removeAllListeners('error')
        resolve(socket)
      })
      socket.once('error', (error) => {
        clearTimeout(timer)
        reject(new Error(`SMTP connection ERROR to ${this.server}: ${error.message}`))
      })
    })
  }
}

/** Collects reply lines; `expect` resolves on the last line of the next reply (multi-line `250-` skipped). */
class ReplyReader {
  private buffer = ''
  private readonly codes: number[] = []
  private waiter: ((code: number | Error) => void) | undefined
  private failure: Error | undefined

  constructor(
    private readonly socket: Socket,
    private readonly timeoutMs: number,
    private readonly server: string,
  ) {
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => this.data(chunk))
    socket.on('error', (error) => this.fail(new Error(`Error reading data from remote SMTP server ${this.server}: ${error.message}`)))
    socket.on('close', () => this.fail(new Error(`Remote SMTP server ${this.server} has closed the connection.`)))
  }

  expect(code: number, name: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined
        reject(new Error(`Timeout reading data to remote SMTP server ${this.server}.`))
      }, this.timeoutMs)
      const take = (got: number | Error) => {
        clearTimeout(timer)
        this.waiter = undefined
        if (got instanceof Error) reject(got)
        else if (got === code) resolve()
        else reject(new Error(`Error processing ${name} cmd on SMTP server ${this.server}. SMTP status code = ${got}`))
      }
      const ready = this.codes.shift()
      if (ready !== undefined) take(ready)
      else if (this.failure) take(this.failure)
      else this.waiter = take
    })
  }

  dispose(): void {
    this.socket.removeAllListeners('data')
    this.socket.removeAllListeners('close')
    this.socket.on('error', () => {})
  }

  private data(chunk: string): void {
    this.buffer += chunk
    for (let end = this.buffer.indexOf('\r\n'); end !== -1; end = this.buffer.indexOf('\r\n')) {
      const line = this.buffer.slice(0, end)
      this.buffer = this.buffer.slice(end + 2)
      if (line[3] === '-') continue
      const code = Number(line.slice(0, 3))
      this.deliver(Number.isInteger(code) ? code : -1)
    }
  }

  private deliver(code: number): void {
    if (this.waiter) this.waiter(code)
    else this.codes.push(code)
  }

  private fail(error: Error): void {
    this.failure ??= error
    this.waiter?.(error)
  }
}
