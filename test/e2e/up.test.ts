/**
 * `lbctl up --no-top --json` end to end (the built bin/run.js): the VIP answers, SIGKILL of node a's
 * process moves it to node b within 4 s, SIGTERM leaves nothing running. Loopback only, no root.
 */
import {existsSync} from 'node:fs'
import {get} from 'node:http'
import {afterAll, describe, expect, it} from 'vitest'
import {cliPath} from '../helpers/cli.js'
import {alive} from '../helpers/process.js'
import {startUpJson, type UpRun} from '../helpers/up.js'

const cli = process.env.LBCTL_E2E_CLI ?? cliPath
let up: UpRun | undefined

// Whatever happened, leave nothing behind.
afterAll(() => up?.killAll())

interface Answer {
  status: number
  servedBy: string | undefined
  body: string
}

function fetchVip(url: string, timeoutMs = 1500): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = get(url, {agent: false, timeout: timeoutMs}, (response) => {
      let body = ''
      response.on('data', (chunk: Buffer) => (body += chunk.toString()))
      response.on('end', () => resolve({status: response.statusCode ?? 0, servedBy: response.headers['x-served-by'] as string | undefined, body}))
      response.on('error', reject)
    })
    request.on('timeout', () => request.destroy(new Error('timeout')))
    request.on('error', reject)
  })
}

/** Retries until the VIP answers 200, at most `ms`; returns the answer and how long it took. */
async function fetchUntilOk(url: string, ms: number): Promise<{answer: Answer; elapsed: number}> {
  const start = Date.now()
  let last: unknown
  while (Date.now() - start < ms) {
    try {
      const answer = await fetchVip(url, 500)
      if (answer.status === 200) return {answer, elapsed: Date.now() - start}
      last = new Error(`status ${answer.status}`)
    } catch (error) {
      last = error
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`${url} did not answer within ${ms} ms: ${(last as Error | undefined)?.message}`)
}

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe.skipIf(!existsSync(cli))('lbctl up (built-in demo)', () => {
  it('serves the VIP, fails over to b when a is killed, and stops cleanly', async () => {
    up = await startUpJson(cli)
    const {child, endpoints, exited} = up
    expect(endpoints.type).toBe('ready')
    expect(endpoints.url).toBe('http://127.0.0.100:8080/')
    expect(endpoints.nodes.map((n) => n.name)).toEqual(['a', 'b'])
    expect(endpoints.top).toBe(`lbctl top --socket a=${endpoints.nodes[0]!.statsSocket} --socket b=${endpoints.nodes[1]!.statsSocket}`)
    expect(endpoints.backends.map((b) => b.name)).toEqual(['app1', 'app2', 'app3'])

    const first = await fetchUntilOk(endpoints.url, 5000)
    expect(first.answer.body).toMatch(/^hello from app[123]\n$/)
    expect(first.answer.servedBy).toMatch(/^app[123]$/)
    // Round robin across the three backends.
    const seen = new Set<string | undefined>()
    for (let i = 0; i < 3; i++) seen.add((await fetchVip(endpoints.url)).servedBy)
    expect(seen.size).toBe(3)

    // Node a is the MASTER: kill its process hard; node b must answer on the VIP within 4 s.
    const a = endpoints.nodes.find((n) => n.name === 'a')!
    await until(() => up!.stderr().includes('a | bind 127.0.0.100:8080 opened'), 5000, 'node a to hold the VIP')
    process.kill(a.pid, 'SIGKILL')
    await until(() => !alive(a.pid), 2000, 'node a to die')
    const after = await fetchUntilOk(endpoints.url, 4000)
    expect(after.answer.body).toMatch(/^hello from app[123]\n$/)
    await until(() => up!.stderr().includes('b | bind 127.0.0.100:8080 opened'), 1000, 'node b to report the VIP bind')

    // SIGTERM: every child gone, temp dir removed, ports free.
    child.kill('SIGTERM')
    let timer: ReturnType<typeof setTimeout> | undefined
    const code = await Promise.race([exited, new Promise<string>((resolve) => (timer = setTimeout(() => resolve('still running'), 10_000)))])
    clearTimeout(timer)
    expect(code).toBe(0)
    const result = JSON.parse(up.stdout().trim().split('\n').at(-1)!) as {type: string; signal: string}
    expect(result).toMatchObject({type: 'stopped', signal: 'SIGTERM'})
    for (const node of endpoints.nodes) expect(alive(node.pid)).toBe(false)
    expect(existsSync(endpoints.dir)).toBe(false)
    await expect(fetchVip(endpoints.url, 500)).rejects.toThrow()
    for (const backend of endpoints.backends) await expect(fetchVip(backend.url, 500)).rejects.toThrow()
  }, 60_000)
})
