// The built `lbctl dash` in tmux against a real HAProxy 2.6, resized from 120×40 to 80×30 while it runs:
// the servers table re-fits its columns to the narrower box, so every column of a server row (down to
// its current sessions) stays on screen: WGT gives way and the check is written `L7OK/200 1ms`.
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

// A whole server row at 120 columns: name, status, check (`L7OK/200 in 1ms`), weight and current sessions.
const fullRow = (server: string) => new RegExp(`app/${server}\\s+UP\\s+L7OK/200 in \\d+ms\\s+1\\s+\\d+\\s`)
const header = /SERVER\s+STATUS\s+CHECK\s+WGT\s+CUR/

describe.skipIf(!built || !requireBinary('tmux') || !requireBinary('haproxy'))('lbctl dash re-fits its tables on a terminal resize', () => {
  let lab: HaproxyLab

  beforeAll(async () => {
    lab = await startHaproxyLab()
  })

  afterAll(async () => {
    server.kill()
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
})
