// End to end: the built CLI (bin/run.js → dist/) in a temp directory.
import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {oraclesRequired, requireBinary} from '../helpers/oracles.js'
import {testInterface} from './test-interface.js'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const built = existsSync(join(repo, 'dist/commands/init.js'))
if (!built && oraclesRequired) throw new Error('dist/ is not built: run `npm run build` before the e2e tests')

const root = mkdtempSync(join(tmpdir(), 'lbctl-init-cli-'))
const iface = testInterface()
beforeAll(() => iface.setUp())
afterAll(() => {
  iface.tearDown()
  rmSync(root, {recursive: true, force: true})
})

function lbctl(...args: string[]) {
  const run = spawnSync(process.execPath, [join(repo, 'bin/run.js'), ...args], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
    input: '',
    timeout: 20_000,
    env: {...process.env, NO_COLOR: '1'},
  })
  return {status: run.status, stdout: run.stdout, stderr: run.stderr}
}

const snapshot = (dir: string) => Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]))

describe.skipIf(!built)('lbctl init (built CLI)', () => {
  it('--yes writes the scaffold, prints the files, and the generated password once on stderr', () => {
    const run = lbctl('init', 'demo', '--yes', '--interface', iface.name, '--nodes', 'lb1=root@198.18.0.11,lb2=root@198.18.0.12')
    expect(run.status).toBe(0)
    expect(readdirSync(join(root, 'demo')).sort()).toEqual(['haproxy.cfg', 'keepalived-lb1.conf', 'keepalived-lb2.conf', 'lbctl.yaml'])
    expect(run.stdout).toContain('wrote demo/haproxy.cfg')
    expect(run.stdout).toContain('lb1 MASTER priority 110 (ssh root@198.18.0.11)')
    const password = /shown only now[^:]*: (\S+)/.exec(run.stderr)?.[1]
    expect(password).toMatch(/^[A-Za-z0-9]{20}$/)
    expect(run.stdout).not.toContain(password)
    expect(readFileSync(join(root, 'demo/haproxy.cfg'), 'utf8')).toContain(`stats auth admin:${password}`)
  })

  it.skipIf(!requireBinary('haproxy'))('the written haproxy.cfg passes haproxy -c', () => {
    const run = spawnSync('haproxy', ['-c', '-f', join(root, 'demo/haproxy.cfg')], {encoding: 'utf8'})
    expect(run.status).toBe(0)
  })

  it.skipIf(!requireBinary('keepalived'))('every written keepalived file passes keepalived -t', () => {
    for (const node of ['lb1', 'lb2']) {
      const run = spawnSync('keepalived', ['-t', '-f', join(root, `demo/keepalived-${node}.conf`)], {encoding: 'utf8'})
      expect({node, status: run.status, stderr: run.stderr}).toEqual({node, status: 0, stderr: ''})
    }
  })

  it('refuses to overwrite without --force: exit 2, the files listed, nothing changed', () => {
    const before = snapshot(join(root, 'demo'))
    const run = lbctl('init', 'demo', '--yes', '--mode', 'tcp')
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('would overwrite demo/haproxy.cfg, demo/keepalived-lb1.conf, demo/keepalived-lb2.conf, demo/lbctl.yaml')
    expect(run.stderr).toContain('next: pass --force')
    expect(run.stderr).not.toMatch(/\n\s+at /)
    expect(snapshot(join(root, 'demo'))).toEqual(before)
  })

  it('--force overwrites', () => {
    const run = lbctl('init', 'demo', '--yes', '--force', '--mode', 'tcp', '--stats-password', 'given-password')
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('overwrote demo/haproxy.cfg')
    expect(run.stderr).not.toContain('given-password')
    expect(readFileSync(join(root, 'demo/haproxy.cfg'), 'utf8')).toContain('    mode tcp\n')
  })

  it('without a terminal and without --yes it fails at once, telling to pass --yes', () => {
    const run = lbctl('init', 'notty')
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('not a terminal')
    expect(run.stderr).toContain('--yes')
    expect(existsSync(join(root, 'notty'))).toBe(false)
  })

  it('--json prints the result without the password', () => {
    const run = lbctl('init', 'json', '--yes', '--json', '--nodes', 'a,b,c')
    expect(run.status).toBe(0)
    const result = JSON.parse(run.stdout)
    expect(result.files.map((f: {path: string}) => f.path)).toEqual(['json/haproxy.cfg', 'json/keepalived-a.conf', 'json/keepalived-b.conf', 'json/keepalived-c.conf', 'json/lbctl.yaml'])
    expect(result.nodes).toEqual([
      {name: 'a', ssh: 'a', role: 'MASTER', priority: 110},
      {name: 'b', ssh: 'b', role: 'BACKUP', priority: 100},
      {name: 'c', ssh: 'c', role: 'BACKUP', priority: 99},
    ])
    expect(result.trackWeight).toBe(-21)
    expect(result.stats.passwordGenerated).toBe(true)
    const password = /shown only now[^:]*: (\S+)/.exec(run.stderr)?.[1]
    expect(password).toBeTruthy()
    expect(run.stdout).not.toContain(password)
  })

  it('--json without --yes is a JSON error, not a prompt', () => {
    const run = lbctl('init', 'json2', '--json')
    expect(run.status).toBe(2)
    expect(JSON.parse(run.stdout).error.code).toBe('init/needs-yes')
  })

  it.each([
    [['--vip', '1.2.3'], 'VIP "1.2.3" is not an IPv4 address', '--vip'],
    [['--backends', '127.0.0.1:9001,oops'], 'backend "oops" is not host:port', '--backends'],
    [['--nodes', 'lb1'], 'give at least two nodes', '--nodes'],
    [['--nodes', 'lb1=-oProxyCommand=x,lb2'], 'ssh destination "-oProxyCommand=x"', '--nodes'],
    [['--port', '99999'], 'port "99999" is not a TCP port', '--port'],
    [['--mode', 'udp'], 'Expected --mode=udp to be one of: http, tcp', 'init --help'],
  ])('a bad value %j: exit 2, one line naming it, nothing written', (args, message, next) => {
    const run = lbctl('init', 'bad', '--yes', ...args)
    expect(run.status).toBe(2)
    expect(run.stderr).toContain(message)
    expect(run.stderr).toContain(next)
    expect(run.stderr).not.toMatch(/\n\s+at /)
    expect(existsSync(join(root, 'bad'))).toBe(false)
  })

  it('--help explains the flags with examples', () => {
    const run = lbctl('init', '--help')
    expect(run.status).toBe(0)
    for (const text of ['--yes', '--vip', '--interface', '--nodes', '--backends', '--mode', '--port', '--vrid', '--stats-user', '--stats-password', '--force', '--json', 'EXAMPLES', 'lb1=root@198.18.0.11']) {
      expect(run.stdout).toContain(text)
    }
  })
})
