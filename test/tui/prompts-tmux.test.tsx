// One real-terminal test: the built CLI's interactive init in tmux, answered key by key.
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, describe, expect, it} from 'vitest'
import {oraclesRequired, requireBinary} from '../helpers/oracles.js'
import {tmuxServer} from '../helpers/tmux.js'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const built = existsSync(join(repo, 'dist/commands/init.js'))
if (!built && oraclesRequired) throw new Error('dist/ is not built: run `npm run build` before the e2e tests')

const session = 'init'
const root = mkdtempSync(join(tmpdir(), 'lbctl-init-tmux-'))
const server = tmuxServer('lbctl-test', session)
const {run: tmux, keys} = server
/** Polls the screen until it shows the text (the CLI starts and renders at its own pace). */
const waitFor = (text: string | RegExp, timeoutMs = 15_000) => server.waitFor(text, timeoutMs)

afterAll(() => {
  server.kill()
  rmSync(root, {recursive: true, force: true})
})

describe.skipIf(!built || !requireBinary('tmux'))('interactive lbctl init in a real terminal', () => {
  it('asks, validates inline, confirms, and writes the files', async () => {
    const command = `NO_COLOR=1 ${process.execPath} ${join(repo, 'bin/run.js')} init out 2>stderr.txt; echo "EXIT=$?"`
    tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '30', '-c', root, command + '; sleep 600')

    await waitFor('? Virtual IP (VIP): 198.18.0.100')
    keys('10.0.0.5x', 'Enter')
    await waitFor('✗ VIP "10.0.0.5x" is not an IPv4 address')
    keys('BSpace')
    await waitFor(/Virtual IP \(VIP\): 10\.0\.0\.5 ?\n/)
    keys('Enter')
    await waitFor('? Network interface: eth0')
    keys('Enter')
    await waitFor('? Nodes: lb1,lb2')
    keys('a=root@10.0.0.11,b', 'Enter')
    await waitFor('? Backend servers')
    keys('Enter')
    await waitFor('❯ http')
    keys('Down')
    await waitFor('❯ tcp')
    keys('Enter')
    await waitFor('? Frontend port: 80')
    keys('3306', 'Enter')
    await waitFor('? Stats page user: admin')
    keys('Enter')
    await waitFor('? Stats page password')
    keys('Enter')
    const summary = await waitFor('❯ Write the files')
    expect(summary).toContain('✔ Nodes: a=root@10.0.0.11,b')
    expect(summary).toContain('keepalived-a.conf')
    keys('y')
    const done = await waitFor('EXIT=')
    expect(done).toContain('EXIT=0')
    expect(done).toContain('wrote out/haproxy.cfg')

    const out = join(root, 'out')
    expect(readdirSync(out).sort()).toEqual(['haproxy.cfg', 'keepalived-a.conf', 'keepalived-b.conf', 'lbctl.yaml'])
    const haproxy = readFileSync(join(out, 'haproxy.cfg'), 'utf8')
    expect(haproxy).toContain('    bind 10.0.0.5:3306\n')
    expect(haproxy).toContain('    mode tcp\n')
    expect(readFileSync(join(out, 'lbctl.yaml'), 'utf8')).toContain('ssh: root@10.0.0.11')
    expect(readFileSync(join(root, 'stderr.txt'), 'utf8')).toMatch(/stats password for admin .*: [A-Za-z0-9]{20}/)
  })
})
