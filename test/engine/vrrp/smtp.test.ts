/** lbctl's SMTP client against tiny in-test servers on 127.0.0.1: one that accepts, one that refuses, one that hangs. */
import {createServer, type Server, type Socket} from 'node:net'
import {afterEach, describe, expect, it} from 'vitest'
import {envelopeAddress, formatMessage, SmtpMailer} from '../../../src/engine/vrrp/smtp.js'

const servers: Server[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))))
})

/** A server that answers each command with `reply(line)`; records the transcript. */
async function smtpServer(reply: (line: string) => string | undefined, greeting: string | undefined = '220 test ESMTP'): Promise<{port: number; transcript: string[]}> {
  const transcript: string[] = []
  const sockets: Socket[] = []
  const server = createServer((socket) => {
    sockets.push(socket)
    socket.setEncoding('latin1')
    if (greeting) socket.write(`${greeting}\r\n`)
    let buffer = ''
    let inData = false
    socket.on('data', (chunk: string) => {
      buffer += chunk
      for (let end = buffer.indexOf('\r\n'); end !== -1; end = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        if (inData) {
          transcript.push(`DATA| ${line}`)
          if (line === '.') {
            inData = false
            socket.write('250 queued\r\n')
          }
          continue
        }
        transcript.push(line)
        const answer = reply(line)
        if (line === 'DATA' && answer?.startsWith('354')) inData = true
        if (answer) socket.write(`${answer}\r\n`)
        if (line === 'QUIT') socket.end()
      }
    })
    socket.on('error', () => {})
  })
  server.on('close', () => sockets.forEach((socket) => socket.destroy()))
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  return {port: typeof address === 'object' && address ? address.port : 0, transcript}
}

const accept = (line: string) => (line.startsWith('HELO') ? '250-hello\r\n250 ok' : line === 'DATA' ? '354 go ahead' : line === 'QUIT' ? '221 bye' : '250 ok')
const message = {from: 'LB <lb@example.com>', to: ['ops@example.com', 'oncall@example.com'], subject: '[LVS_A] VRRP Instance VI_1 - Entering MASTER state', body: '=> VRRP Instance is now owning VRRP VIPs <=', date: new Date(2024, 0, 2, 3, 4, 5)}

describe('SmtpMailer', () => {
  it('speaks HELO / MAIL FROM / RCPT TO / DATA / QUIT with keepalived headers', async () => {
    const {port, transcript} = await smtpServer(accept)
    await new SmtpMailer({host: '127.0.0.1', port, timeoutMs: 2000}).send(message)
    expect(transcript.filter((line) => !line.startsWith('DATA| Date:'))).toEqual([
      'HELO localhost',
      'MAIL FROM:<lb@example.com>',
      'RCPT TO:<ops@example.com>',
      'RCPT TO:<oncall@example.com>',
      'DATA',
      'DATA| From: LB <lb@example.com>',
      'DATA| Subject: [LVS_A] VRRP Instance VI_1 - Entering MASTER state',
      'DATA| X-Mailer: Keepalived',
      'DATA| To: ops@example.com,',
      'DATA|  oncall@example.com',
      'DATA| ',
      'DATA| => VRRP Instance is now owning VRRP VIPs <=',
      'DATA| ',
      'DATA| .',
      'QUIT',
    ])
    expect(transcript.find((line) => line.startsWith('DATA| Date:'))).toMatch(/^DATA\| Date: Tue, 02 Jan 2024 03:04:05 [+-]\d{4}$/)
  })

  it('fails with keepalived-like messages when the server refuses a command, refuses connections, or hangs', async () => {
    const refusing = await smtpServer((line) => (line.startsWith('RCPT') ? '550 no such user' : accept(line)))
    await expect(new SmtpMailer({host: '127.0.0.1', port: refusing.port, timeoutMs: 2000}).send(message)).rejects.toThrow(
      `Error processing RCPT cmd on SMTP server 127.0.0.1:${refusing.port}. SMTP status code = 550`,
    )
    const closed = await smtpServer(accept)
    await new Promise((resolve) => servers.pop()!.close(resolve))
    await expect(new SmtpMailer({host: '127.0.0.1', port: closed.port, timeoutMs: 2000}).send(message)).rejects.toThrow(/SMTP connection ERROR to 127\.0\.0\.1:\d+: .*ECONNREFUSED/)
    const hanging = await smtpServer(() => undefined, undefined)
    const started = performance.now()
    await expect(new SmtpMailer({host: '127.0.0.1', port: hanging.port, timeoutMs: 300}).send(message)).rejects.toThrow(`Timeout reading data to remote SMTP server 127.0.0.1:${hanging.port}.`)
    expect(performance.now() - started).toBeLessThan(1500)
  })

  it('formats addresses and dot-stuffs the body', () => {
    expect(envelopeAddress('ops@example.com')).toBe('<ops@example.com>')
    expect(envelopeAddress('Ops <ops@example.com>')).toBe('<ops@example.com>')
    expect(formatMessage({...message, body: 'a\n.b'})).toContain('\r\na\r\n..b\r\n\r\n.\r\n')
  })
})
