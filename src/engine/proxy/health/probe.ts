/**
 * One health check over a raw socket: a TCP connect, or an HTTP request (`option httpchk`) whose answer
 * is matched against `http-check expect`. Results use HAProxy's status words.
 */
import {connect, type Socket} from 'node:net'

export type CheckStatus = 'L4OK' | 'L4TOUT' | 'L4CON' | 'L7OK' | 'L7STS' | 'L7TOUT' | 'L7RSP'

export interface CheckResult {
  status: CheckStatus
  passed: boolean
  code?: number
  durationMs: number
  /** HAProxy's last_chk text: `Connection refused`, the reason phrase, `HTTP content check did not match`. */
  description: string
}

export const CHECK_DESCRIPTIONS: Record<CheckStatus, string> = {
  L4OK: 'Layer4 check passed',
  L4TOUT: 'Layer4 timeout',
  L4CON: 'Layer4 connection problem',
  L7OK: 'Layer7 check passed',
  L7STS: 'Layer7 wrong status',
  L7TOUT: 'Layer7 timeout',
  L7RSP: 'Layer7 invalid response',
}

export interface HttpExpect {
  negate: boolean
  kind: 'status' | 'rstatus' | 'string'
  pattern: string
}

export interface HttpCheck {
  method: string
  uri: string
  version: string
  /** Extra header lines from `option httpchk GET / HTTP/1.1\r\nHost:\ x` style. */
  extraHeaders: string
  expect?: HttpExpect
}

export interface ProbeTarget {
  host: string
  port: number
  /** Connect timeout: min(timeout connect, inter) when timeout check is set, else inter. */
  connectTimeoutMs: number
  /** Whole-check timeout after connect: timeout check when set, else inter. */
  readTimeoutMs: number
  http?: HttpCheck
}

const ERRNO_TEXT: Record<string, string> = {
  ECONNREFUSED: 'Connection refused',
  ECONNRESET: 'Connection reset by peer',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
}

export function probe(target: ProbeTarget, now: () => number = () => Date.now()): Promise<CheckResult> {
  const started = now()
  const elapsed = () => Math.max(0, Math.round(now() - started))
  return new Promise<CheckResult>((resolve) => {
    const socket: Socket = connect({host: target.host, port: target.port})
    let done = false
    let connected = false
    let timer: ReturnType<typeof setTimeout> | undefined
    let answer = ''
    const finish = (result: Omit<CheckResult, 'durationMs'>) => {
      if (done) return
      done = true
      if (timer) clearTimeout(timer)
      socket.destroy()
      resolve({...result, durationMs: elapsed()})
    }
    const arm = (ms: number, onTimeout: () => void) => {
      if (timer) clearTimeout(timer)
      timer = setTimeout(onTimeout, ms)
    }
    arm(target.connectTimeoutMs, () => finish({status: 'L4TOUT', passed: false, description: ''}))
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (!connected) finish({status: 'L4CON', passed: false, description: ERRNO_TEXT[error.code ?? ''] ?? error.message})
      else if (target.http) finish(judgeHttp(answer, true, target.http))
    })
    socket.on('connect', () => {
      connected = true
      if (!target.http) {
        finish({status: 'L4OK', passed: true, description: ''})
        return
      }
      arm(target.readTimeoutMs, () => finish({status: 'L7TOUT', passed: false, description: ''}))
      const http = target.http
      socket.write(`${http.method} ${http.uri} ${http.version}\r\n${http.extraHeaders}Connection: close\r\n\r\n`)
    })
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1')
      if (answer.length > 16384) answer = answer.slice(0, 16384)
      const http = target.http
      // A status check can be judged from the status line; a string check needs the whole answer.
      if (http && http.expect?.kind !== 'string' && answer.includes('\n')) finish(judgeHttp(answer, false, http))
    })
    socket.on('end', () => {
      if (target.http) finish(judgeHttp(answer, true, target.http))
    })
  })
}

const STATUS_LINE = /^HTTP\/\d\.\d (\d{3})(?: ([^\r\n]*))?/

/** Judges an HTTP check answer the way HAProxy 2.6 reports it. */
export function judgeHttp(answer: string, complete: boolean, http: HttpCheck): Omit<CheckResult, 'durationMs'> {
  const match = STATUS_LINE.exec(answer)
  if (!match) return {status: 'L7RSP', passed: false, description: complete && answer === '' ? 'socket closed by peer' : 'Invalid http response'}
  const code = Number(match[1])
  const reason = (match[2] ?? '').trim()
  const expect = http.expect
  if (!expect) {
    const ok = code >= 200 && code < 400
    return ok ? {status: 'L7OK', passed: true, code, description: ''} : {status: 'L7STS', passed: false, code, description: reason}
  }
  let matched: boolean
  if (expect.kind === 'status') matched = expect.pattern.split(',').some((range) => statusInRange(code, range))
  else if (expect.kind === 'rstatus') matched = new RegExp(expect.pattern).test(String(code))
  else {
    const body = answer.includes('\r\n\r\n') ? answer.slice(answer.indexOf('\r\n\r\n') + 4) : ''
    matched = body.includes(expect.pattern)
  }
  if (expect.negate) matched = !matched
  if (matched) return {status: 'L7OK', passed: true, code, description: ''}
  if (expect.kind === 'string') return {status: 'L7RSP', passed: false, description: 'HTTP content check did not match'}
  return {status: 'L7STS', passed: false, code, description: reason}
}

function statusInRange(code: number, range: string): boolean {
  const [low, high] = range.split('-')
  if (high === undefined) return code === Number(low)
  return code >= Number(low) && code <= Number(high)
}
