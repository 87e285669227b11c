/**
 * The failover traffic generator running in another network namespace (the lab's client): the same
 * Traffic interface as startTraffic, fed by the JSON lines client-traffic prints. Times are
 * Date.now() of the child, the same clock as ours.
 */
import {spawn} from 'node:child_process'
import type {RequestRecord} from '../failover/records.js'
import type {Traffic, TrafficOptions} from '../failover/traffic.js'
import {nodeScript, siblingModule} from './spawn.js'

export function startTrafficIn(ns: string, options: Omit<TrafficOptions, 'now' | 'onRecord'>): Traffic & {ready: Promise<void>} {
  const script = nodeScript(siblingModule(import.meta.url, 'client-traffic'))
  const child = spawn('ip', ['netns', 'exec', ns, script.command, ...script.args, JSON.stringify(options)], {stdio: ['pipe', 'pipe', 'pipe']})
  const records: RequestRecord[] = []
  let partial = ''
  let stderr = ''
  let markReady: () => void = () => {}
  const ready = new Promise<void>((resolve) => (markReady = resolve))
  let done = false
  const finished = new Promise<void>((resolve) => {
    child.on('exit', () => {
      done = true
      markReady()
      resolve()
    })
  })
  child.stdout.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n')
    partial = lines.pop() ?? ''
    for (const line of lines) {
      if (line.trim() === '') continue
      const parsed = JSON.parse(line) as RequestRecord | {done: true}
      if ('done' in parsed) continue
      records.push(parsed)
      markReady()
    }
  })
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000)
  })
  return {
    records,
    ready,
    async stop() {
      if (!done) {
        child.stdin.end()
        child.kill('SIGTERM')
        // Requests in flight are bounded by their timeout; a child that hangs longer is killed.
        const timeoutMs = (options.timeoutMs ?? 1000) + 3000
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
        await finished
        clearTimeout(timer)
      }
      if (records.length === 0 && stderr.trim() !== '') throw new Error(`the lab client sent no request: ${stderr.trim()}`)
      return [...records].sort((x, y) => x.start - y.start)
    },
  }
}
