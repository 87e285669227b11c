/**
 * One attempt of each keepalived checker against a real server: TCP_CHECK (connect), HTTP_GET and
 * SSL_GET (GET every url, status code and MD5 digest of the body), MISC_CHECK (a command's exit code).
 */
import {spawn} from 'node:child_process'
import {createHash} from 'node:crypto'
import {request as httpRequest} from 'node:http'
import {request as httpsRequest} from 'node:https'
import {connect} from 'node:net'
import type {CheckPlan} from './plan.js'

export interface ProbeOutcome {
  ok: boolean
  /** Why it failed, or what it saw (for the log). */
  detail: string
  /** MISC_CHECK with misc_dynamic: the weight the exit code asks for (exit 2..255 → 0..253). */
  weight?: number
}

export function runProbe(check: CheckPlan): Promise<ProbeOutcome> {
  switch (check.type) {
    case 'TCP_CHECK':
      return tcpProbe(check.host, check.port, check.connectTimeoutMs)
    case 'HTTP_GET':
    case 'SSL_GET':
      return httpProbe(check)
    case 'MISC_CHECK':
      return miscProbe(check)
  }
}

export function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const socket = connect({host, port})
    const done = (outcome: ProbeOutcome) => {
      clearTimeout(timer)
      socket.destroy()
      resolve(outcome)
    }
    const timer = setTimeout(() => done({ok: false, detail: 'timeout'}), timeoutMs)
    socket.once('connect', () => done({ok: true, detail: 'connected'}))
    socket.once('error', (error: NodeJS.ErrnoException) => done({ok: false, detail: error.code ?? error.message}))
  })
}

async function httpProbe(check: CheckPlan): Promise<ProbeOutcome> {
  const urls = check.urls.length > 0 ? check.urls : [{path: '/'}]
  for (const [i, url] of urls.entries()) {
    const outcome = await getOnce(check, url.path)
    if (!outcome.ok) return {ok: false, detail: `url(${i + 1}) ${outcome.detail}`}
    const codes = 'statusCodes' in url ? url.statusCodes : undefined
    const statusOk = codes ? codes.includes(outcome.status) : outcome.status >= 200 && outcome.status < 300
    if (!statusOk) return {ok: false, detail: `url(${i + 1}) HTTP status code ${outcome.status}`}
    const digest = 'digest' in url ? url.digest : undefined
    if (digest && outcome.digest !== digest) return {ok: false, detail: `url(${i + 1}) MD5 digest ${outcome.digest} (expected ${digest})`}
  }
  return {ok: true, detail: 'status code success'}
}

function getOnce(check: CheckPlan, path: string): Promise<{ok: true; status: number; digest: string} | {ok: false; detail: string}> {
  return new Promise((resolve) => {
    const request = check.type === 'SSL_GET' ? httpsRequest : httpRequest
    const req = request({host: check.host, port: check.port, path, method: 'GET', agent: false, rejectUnauthorized: false, headers: {'User-Agent': 'KeepAliveClient', Connection: 'close'}})
    const timer = setTimeout(() => {
      req.destroy()
      resolve({ok: false, detail: 'timeout'})
    }, check.connectTimeoutMs)
    req.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      resolve({ok: false, detail: error.code ?? error.message})
    })
    req.once('response', (res) => {
      const md5 = createHash('md5')
      res.on('data', (chunk: Buffer) => md5.update(chunk))
      res.once('end', () => {
        clearTimeout(timer)
        resolve({ok: true, status: res.statusCode ?? 0, digest: md5.digest('hex')})
      })
      res.once('error', () => {
        clearTimeout(timer)
        resolve({ok: false, detail: 'response cut'})
      })
    })
    req.end()
  })
}

/** The command runs through /bin/sh like keepalived's script runner; misc_timeout defaults to delay_loop. */
function miscProbe(check: CheckPlan): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', check.miscPath ?? 'false'], {stdio: 'ignore'})
    const timer = setTimeout(() => child.kill('SIGKILL'), check.miscTimeoutMs ?? check.delayLoopMs)
    child.once('error', (error) => {
      clearTimeout(timer)
      resolve({ok: false, detail: error.message})
    })
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      if (signal) return resolve({ok: false, detail: signal === 'SIGKILL' ? 'timed out' : `killed by ${signal}`})
      if (code === 0) return resolve({ok: true, detail: 'exit 0'})
      if (check.miscDynamic && code !== null && code >= 2) return resolve({ok: true, detail: `exit ${code}`, weight: code - 2})
      resolve({ok: false, detail: `exit ${code}`})
    })
  })
}
