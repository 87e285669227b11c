// The real-terminal proof: the built `lbctl top` in tmux (100×30) against a real HAProxy 2.6.
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {RuntimeApiClient} from '../../src/observe/runtime-api.js'
import {cliPath, repoRoot} from '../helpers/cli.js'
import {startHaproxyLab, type HaproxyLab} from '../helpers/haproxy.js'
import {oraclesRequired, requireBinary} from '../helpers/oracles.js'
import {tmuxServer} from '../helpers/tmux.js'

const built = existsSync(join(repoRoot, 'dist/commands/top.js'))
if (!built && oraclesRequired) throw new Error('dist/ is not built: run `npm run build` before the e2e tests')

// Not "top": tmux reads that as the {top} pane token.
const session = 'lbctl-top'
const server = tmuxServer('lbctl-top', session)
const {run: tmux, screen, keys, waitFor} = server

describe.skipIf(!built || !requireBinary('tmux') || !requireBinary('haproxy'))('lbctl top in a real terminal against real haproxy', () => {
  let lab: HaproxyLab

  beforeAll(async () => {
    lab = await startHaproxyLab()
  })

  afterAll(async () => {
    server.kill()
    await lab?.stop()
  })

  it('shows a stopped backend DOWN with its flap and event, and d disables a server in haproxy', async () => {
    // vitest sets CI=false, so Ink behaves as in a real terminal (it renders only a final frame in CI).
    const command = `NO_COLOR=1 ${process.execPath} ${cliPath} top --socket lb1=${lab.socket} --interval 200ms`
    tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '30', command + '; sleep 600')
    await waitFor(/web1\s+UP\s/)
    await waitFor(/web2\s+UP\s/)
    const stoppedAt = Date.now()
    await lab.backends[0]!.stop()
    // fall 2 × inter 200ms: DOWN well within a second or two.
    const shown = await waitFor('app/web1 DOWN, L4CON', 3000)
    expect(Date.now() - stoppedAt).toBeLessThan(3000)
    expect(shown).toMatch(/web1\s+DOWN\s/)
    await waitFor(/app\/web1 +\S+ 1 flap/)
    expect(shown.trimEnd().split('\n').length).toBeLessThanOrEqual(30)
    if (process.env.LBCTL_SHOW_SCREEN) process.stderr.write(screen())

    keys('j', 'j')
    await waitFor(/› {3}web2/)
    keys('d')
    await waitFor('lb1: disable server app/web2: done')
    const web2 = (await RuntimeApiClient.connect(lab.socket).showStat()).find((r) => r.name === 'web2')
    expect(web2?.status.state).toBe('MAINT')
    await waitFor(/web2\s+MAINT/)
    keys('q')
    await waitFor('lbctl top', 1000)
  })
})
