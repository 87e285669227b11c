import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {runCli} from '../helpers/cli.js'
import {requireBinary} from '../helpers/oracles.js'

const good = `global
    maxconn 1000
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend www
    bind 127.0.0.1:8080
    acl is_api path_beg /api
    use_backend api if is_api
    default_backend app
backend app
    server a1 127.0.0.1:9001 check
backend api
    server p1 127.0.0.1:9101 check
listen stats
    bind 127.0.0.1:8404
    stats enable
    stats uri /stats
    stats auth admin:s3cret
`

describe('lbctl validate and diff, end to end', () => {
  let dir: string
  const file = (name: string, text: string) => {
    const path = join(dir, name)
    writeFileSync(path, text)
    return path
  }
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lbctl-e2e-'))
  })
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  it('accepts a valid config with exit 0 and prints JSON on request', async () => {
    const result = await runCli(['validate', '--json', file('good.cfg', good)])
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({valid: true, files: [{type: 'haproxy'}], diagnostics: []})
  })

  it('reports a typo with file:line:col, the source line, a caret and a did-you-mean, exit 1', async () => {
    const result = await runCli(['validate', file('typo.cfg', good.replace('timeout client 30s', 'timeout clinet 30s'))])
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/typo\.cfg:6:\d+: error\[/)
    expect(result.stdout).toContain('timeout clinet 30s')
    expect(result.stdout).toMatch(/\^+/)
    expect(result.stdout).toMatch(/client/)
  })

  it.skipIf(!requireBinary('haproxy'))('--oracle folds what haproxy -c says into the same diagnostic', async () => {
    const bad = file('removed.cfg', good.replace('    timeout connect 5s\n', '    contimeout 5000\n'))
    const result = await runCli(['validate', '--oracle', '--json', bad])
    expect(result.code).toBe(1)
    const out = JSON.parse(result.stdout)
    expect(out.oracle).toEqual([{tool: 'haproxy', available: true, ok: false}])
    const removed = out.diagnostics.filter((d: {line: number}) => d.line === 5)
    expect(removed).toHaveLength(1)
    expect(removed[0]).toMatchObject({code: 'haproxy/removed-keyword', severity: 'error', confirmedBy: ['haproxy']})
    expect(removed[0].message).toContain("Use 'timeout connect'")
  })

  it('diff: exit 0 for a comment and spacing change, 1 with redacted secrets for a real one', async () => {
    const a = file('a.cfg', good)
    const same = await runCli(['diff', a, file('b.cfg', '# reformatted\n' + good.replace(/ {4}/g, '  '))])
    expect(same.code).toBe(0)
    expect(same.stdout).toContain('no semantic difference')
    const changed = await runCli(['diff', '--json', a, file('c.cfg', good.replace('admin:s3cret', 'admin:0ther').replace('9001', '9009'))])
    expect(changed.code).toBe(1)
    expect(changed.stdout).not.toMatch(/s3cret|0ther/)
    const result = JSON.parse(changed.stdout)
    expect(result.same).toBe(false)
    expect(result.changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({kind: 'changed', section: 'backend app', directive: 'server'}),
        expect.objectContaining({kind: 'changed', section: 'listen stats', after: expect.stringContaining('secret changed')}),
      ]),
    )
  })

  it('diff: refuses to compare a haproxy config with a keepalived one', async () => {
    const ka = file('k.conf', 'vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 51\n  virtual_ipaddress {\n    198.18.0.100\n  }\n}\n')
    const result = await runCli(['diff', file('d.cfg', good), ka])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/haproxy config but .* keepalived config/)
  })
})
