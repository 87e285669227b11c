/** Loopback clients for the stats page tests: a node:http GET, and a raw exchange that reports whether the connection closed. */
import {request} from 'node:http'
import {connect} from 'node:net'

export interface Got {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

export function get(port: number, path: string, auth?: string): Promise<Got> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = auth ? {authorization: `Basic ${Buffer.from(auth).toString('base64')}`} : {}
    const req = request({host: '127.0.0.1', port, path, headers, agent: false}, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () => resolve({status: res.statusCode ?? 0, headers: res.headers, body}))
    })
    req.on('error', reject)
    req.setTimeout(5000, () => req.destroy(new Error('timeout')))
    req.end()
  })
}

export interface RawExchange {
  status: number
  /** Header lines as sent, in order. */
  headers: string[]
  closed: boolean
}

/** Sends raw bytes and reads until the server closes or stays quiet for `idleMs`. */
export function rawExchange(port: number, raw: string, idleMs = 300): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const socket = connect({port, host: '127.0.0.1'})
    let data = ''
    let timer: ReturnType<typeof setTimeout> | undefined
    const done = (closed: boolean) => {
      clearTimeout(timer)
      socket.destroy()
      const head = data.split('\r\n\r\n')[0] ?? ''
      const [statusLine = '', ...headers] = head.split('\r\n')
      resolve({status: Number(statusLine.split(' ')[1]), headers, closed})
    }
    const arm = () => {
      clearTimeout(timer)
      timer = setTimeout(() => done(false), idleMs)
    }
    socket.on('connect', () => {
      socket.write(raw)
      arm()
    })
    socket.on('data', (c: Buffer) => {
      data += c.toString('latin1')
      arm()
    })
    socket.on('end', () => done(true))
    socket.on('error', reject)
  })
}
