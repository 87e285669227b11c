import {spawn} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {request} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {cliPath, runCli} from '../helpers/cli.js'
import {freePort} from '../helpers/ports.js'

const dir = mkdtempSync(join(tmpdir(), 'lbctl-run-args-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

function get(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    request({host: '127.0.0.1', port, path: '/'}, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
      .on('error', reject)
      .end()
  })
}

describe('lbctl run: the config file as an argument or with -f', () => {
  it('`lbctl run haproxy.cfg` runs it like `-f haproxy.cfg`', async () => {
    const port = await freePort()
    const path = join(dir, 'haproxy.cfg')
    writeFileSync(path, `defaults\n  mode http\n  timeout client 5s\n  timeout connect 5s\n  timeout server 5s\nfrontend f\n  bind 127.0.0.1:${port}\n  http-request return status 204\n`)
    const child = spawn(process.execPath, [cliPath, 'run', path], {stdio: ['ignore', 'ignore', 'pipe']})
    try {
      let stderr = ''
      await new Promise<void>((resolve, reject) => {
        child.stderr!.on('data', (chunk: Buffer) => {
          stderr += chunk.toString()
          if (stderr.includes('proxy started')) resolve()
        })
        child.on('exit', () => reject(new Error(`lbctl run exited: ${stderr}`)))
      })
      expect(await get(port)).toBe(204)
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGTERM')
        await exited
      }
    }
  })

  it('no file at all is a usage error that shows both ways', async () => {
    const result = await runCli(['run'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('lbctl run needs a configuration file')
    expect(result.stderr).toContain('lbctl run haproxy.cfg')
    expect(result.stderr).not.toMatch(/\n\s+at /)
  })
})
