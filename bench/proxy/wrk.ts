// Runs wrk and reads its report: requests/s, latency percentiles, errors.
import {execFile} from 'node:child_process'
import {onCpu} from './pin.js'

export interface WrkOptions {
  port: number
  durationS: number
  connections: number
  /** A new connection per request (`Connection: close`). */
  close?: boolean
  path?: string
}

export interface WrkResult {
  requests: number
  rps: number
  p50Ms: number
  p99Ms: number
  /** Socket errors (connect, read, write, timeout) plus non-2xx/3xx responses. */
  errors: number
}

export function runWrk(o: WrkOptions): Promise<WrkResult> {
  const args = ['-t1', `-c${o.connections}`, `-d${o.durationS}s`, '--latency', '--timeout', '5s']
  if (o.close) args.push('-H', 'Connection: close')
  args.push(`http://127.0.0.1:${o.port}${o.path ?? '/'}`)
  return new Promise((resolve, reject) => {
    // Bounded: wrk stops after durationS; the timeout is a safety net.
    const [command, argv] = onCpu('load', 'wrk', args)
    execFile(command, argv, {timeout: (o.durationS + 30) * 1000}, (error, stdout, stderr) => {
      if (error) return reject(new Error(`wrk ${args.join(' ')} failed: ${error.message} ${stderr}`))
      try {
        resolve(parseWrk(stdout))
      } catch (e) {
        reject(e)
      }
    })
  })
}

function toMs(value: string, unit: string): number {
  const v = Number(value)
  if (unit === 'us') return v / 1000
  if (unit === 'ms') return v
  if (unit === 's') return v * 1000
  if (unit === 'm') return v * 60_000
  throw new Error(`wrk: unknown latency unit ${unit}`)
}

export function parseWrk(text: string): WrkResult {
  const percentile = (p: string) => {
    const m = new RegExp(`^\\s*${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(text)
    if (!m) throw new Error(`wrk output has no ${p}% latency:\n${text}`)
    return toMs(m[1]!, m[2]!)
  }
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(text)
  const total = /^\s*(\d+) requests in/m.exec(text)
  if (!rps || !total) throw new Error(`wrk output not understood:\n${text}`)
  let errors = 0
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text)
  if (socket) errors += Number(socket[1]) + Number(socket[2]) + Number(socket[3]) + Number(socket[4])
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(text)
  if (non2xx) errors += Number(non2xx[1])
  return {requests: Number(total[1]), rps: Number(rps[1]), p50Ms: percentile('50'), p99Ms: percentile('99'), errors}
}
