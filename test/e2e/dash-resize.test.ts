// The built `lbctl dash` in tmux against a real HAProxy 2.6 in narrow terminals.
// - Resized from 120×40 to 80×30 while it runs: the servers table re-fits its columns to the narrower box, so
//   every column of a server row (down to its current sessions) stays on screen: WGT gives way and the check is
//   written `L7OK/200 1ms`.
// - Started at 80×24: the servers table (the left half, 40 columns with its borders) shows the server, its
//   status, the whole check (`L7OK/200 1ms`, later `L4CON 0ms`) and the current sessions inside the box.
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {cliPath, repoRoot} from '../helpers/cli.js'
import {startHaproxyLab, type HaproxyLab} from '../helpers/haproxy.js'
import {requireBinary} from '../helpers/oracles.js'
import {tmuxServer} from '../helpers/tmux.js'

const built = existsSync(join(repoRoot, 'dist/commands/dash.js'))
const session = 'lbctl-dash-resize'
const server = tmuxServer('lbctl-dash-resize', session)
const {run: tmux, screen, waitFor} = server
const narrowSession = 'lbctl-dash-80'
const narrow = tmuxServer('lbctl-dash-80', narrowSession)

// A whole server row at 120 columns: name, status, check (`L7OK/200 in 1ms`), weight and current sessions.
const fullRow = (server: string) => new RegExp(`app/${server}\\s+UP\\s+L7OK/200 in \\d+ms\\s+1\\s+\\d+\\s`)
const header = /SERVER\s+STATUS\s+CHECK\s+WGT\s+CUR/

// The servers box at 80 columns: columns 0-39, borders included. A row is border, server, status, check, sessions, border.
const serverBox = (shown: string) => shown.split('\n').map((line) => line.slice(0, 40))
const row = (server: string, status: string, check: string) => new RegExp(`^\\S app/${server}\\s+${status}\\s+${check}\\s+\\d+\\s*\\S$`)

describe.skipIf(!built || !requireBinary('tmux') || !requireBinary('haproxy'))('lbctl dash in narrow terminals', () => {
  let lab: HaproxyLab

  beforeAll(async () => {
    lab = await startHaproxyLab()
  })

  afterAll(async () => {
    server.kill()
    narrow.kill()
    await lab?.stop()
  })

  it('a narrower window still shows every column of the server rows', async () => {
    tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '40', `${process.execPath} ${cliPath} dash --socket lb1=${lab.socket} --interval 200ms; sleep 600`)
    let shown = await waitFor(fullRow('web2'))
    expect(shown).toMatch(header)

    tmux('resize-window', '-t', session, '-x', '80', '-y', '30')
    // The servers box is the left half now (columns 0-39, borders included): the header and both rows end inside it.
    const inBox = (line: string) => line.slice(0, 40)
    const rowInBox = /^\S app\/web[12]\s+UP\s+L7OK\/200 \d+ms\s+\d+\s*\S$/
    await waitFor(/^\S app\/web1\s+UP\s+L7OK\/200 \d+ms\s+\d+\s*\S\S/m, 5000)
    shown = screen()
    expect(Math.max(...shown.split('\n').map((l) => l.length))).toBeLessThanOrEqual(80)
    const rows = shown.split('\n').filter((l) => /app\/web[12]/.test(l)).map(inBox)
    expect(rows).toHaveLength(2)
    for (const row of rows) expect(row).toMatch(rowInBox)
    expect(shown.split('\n').some((l) => /SERVER\s+STATUS\s+CHECK\s+CUR\s*\S$/.test(inBox(l)))).toBe(true)
    // The VRRP table (right half) keeps a space between its eight headers, cut as they are.
    const vrrpHeader = shown.split('\n').map((l) => l.slice(40)).find((l) => /^\SNOD/.test(l))
    expect(vrrpHeader?.slice(1, -1).trim().split(/\s+/)).toHaveLength(8)
    if (process.env.LBCTL_SHOW_SCREEN) process.stderr.write(shown)
  })

  it('shows server, status, the whole check and sessions of every server inside the box', async () => {
    narrow.run('new-session', '-d', '-s', narrowSession, '-x', '80', '-y', '24', `${process.execPath} ${cliPath} dash --socket lb1=${lab.socket} --interval 200ms; sleep 600`)
    // Both rows complete in one capture (a capture can catch a row while the dash redraws it, or before the
    // first check of web1 is in).
    const bothUp = (text: string) => ['web1', 'web2'].every((server) => serverBox(text).filter((l) => row(server, 'UP', 'L7OK/200 \\d+ms').test(l)).length === 1)
    let shown = await narrow.waitFor(bothUp)
    if (process.env.LBCTL_SHOW_SCREEN) process.stderr.write(shown)
    expect(Math.max(...shown.split('\n').map((l) => l.length))).toBeLessThanOrEqual(80)
    let box = serverBox(shown)
    expect(box.some((l) => /^\S ?SERVER\s+STATUS\s+CHECK\s+CUR\s*\S$/.test(l))).toBe(true)
    for (const server of ['web1', 'web2']) expect(box.filter((l) => row(server, 'UP', 'L7OK/200 \\d+ms').test(l))).toHaveLength(1)

    // Last in the file: it stops a backend.
    await lab.backends[0]!.stop()
    // Again both rows in one capture: web1 down, web2 still up.
    const web1Down = (text: string) => serverBox(text).some((l) => row('web1', 'DOWN', 'L4CON \\d+ms').test(l)) && serverBox(text).some((l) => row('web2', 'UP', 'L7OK/200 \\d+ms').test(l))
    shown = await narrow.waitFor(web1Down, 5000)
    box = serverBox(shown)
    expect(box.filter((l) => row('web1', 'DOWN', 'L4CON \\d+ms').test(l))).toHaveLength(1)
    expect(box.filter((l) => row('web2', 'UP', 'L7OK/200 \\d+ms').test(l))).toHaveLength(1)
  })
})
