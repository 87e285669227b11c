// The built `lbctl dash` in an 80×24 tmux window against a real HAProxy 2.6: the servers table (the left
// half, 40 columns with its borders) drops WGT and shortens the check so that the server, its status,
// the whole check (`L7OK/200 1ms`, later `L4CON 0ms`) and the current sessions all stay inside the box.
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {cliPath, repoRoot} from '../helpers/cli.js'
import {startHaproxyLab, type HaproxyLab} from '../helpers/haproxy.js'
import {requireBinary} from '../helpers/oracles.js'
import {tmuxServer} from '../helpers/tmux.js'

const built = existsSync(join(repoRoot, 'dist/commands/dash.js'))
const session = 'lbctl-dash-80'
const server = tmuxServer('lbctl-dash-80', session)
const {run: tmux, waitFor} = server

// The servers box: columns 0-39, borders included. A row is border, server, status, check, sessions, border.
const serverBox = (shown: string) => shown.split('\n').map((line) => line.slice(0, 40))
const row = (server: string, status: string, check: string) => new RegExp(`^\\S app/${server}\\s+${status}\\s+${check}\\s+\\d+\\s*\\S$`)

describe.skipIf(!built || !requireBinary('tmux') || !requireBinary('haproxy'))('lbctl dash at 80 columns', () => {
  let lab: HaproxyLab

  beforeAll(async () => {
    lab = await startHaproxyLab()
  })

  afterAll(async () => {
    server.kill()
    await lab?.stop()
  })

  it('shows server, status, the whole check and sessions of every server inside the box', async () => {
    tmux('new-session', '-d', '-s', session, '-x', '80', '-y', '24', `${process.execPath} ${cliPath} dash --socket lb1=${lab.socket} --interval 200ms; sleep 600`)
    let shown = await waitFor(/app\/web2\s+UP\s+L7OK/)
    if (process.env.LBCTL_SHOW_SCREEN) process.stderr.write(shown)
    expect(Math.max(...shown.split('\n').map((l) => l.length))).toBeLessThanOrEqual(80)
    let box = serverBox(shown)
    expect(box.some((l) => /^\S ?SERVER\s+STATUS\s+CHECK\s+CUR\s*\S$/.test(l))).toBe(true)
    for (const server of ['web1', 'web2']) expect(box.filter((l) => row(server, 'UP', 'L7OK/200 \\d+ms').test(l))).toHaveLength(1)

    await lab.backends[0]!.stop()
    shown = await waitFor(/app\/web1\s+DOWN/, 5000)
    box = serverBox(shown)
    expect(box.filter((l) => row('web1', 'DOWN', 'L4CON \\d+ms').test(l))).toHaveLength(1)
    expect(box.filter((l) => row('web2', 'UP', 'L7OK/200 \\d+ms').test(l))).toHaveLength(1)
  })
})
