// The built `lbctl dash` in tmux (120×40) against a real HAProxy 2.6: the charts, tables and event log
// show the real data, a stopped backend shows DOWN in the table and the log, and q exits cleanly.
import {existsSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {request} from 'node:http'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {cliPath, repoRoot, runCli} from '../helpers/cli.js'
import {startHaproxyLab, type HaproxyLab} from '../helpers/haproxy.js'
import {requireBinary} from '../helpers/oracles.js'
import {tmuxServer} from '../helpers/tmux.js'

const built = existsSync(join(repoRoot, 'dist/commands/dash.js'))
const session = 'lbctl-dash'
const exitFile = join(tmpdir(), `lbctl-dash-exit-${process.pid}`)
const server = tmuxServer('lbctl-dash', session)
const {run: tmux, waitFor} = server

/** A few requests through the frontend, so the request rate is not zero. */
async function traffic(port: number, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await new Promise<void>((resolve) => {
      const req = request({host: '127.0.0.1', port, path: '/'}, (res) => {
        res.resume()
        res.on('end', () => resolve())
      })
      req.on('error', () => resolve())
      req.end()
    })
  }
}

describe.skipIf(!built || !requireBinary('tmux') || !requireBinary('haproxy'))('lbctl dash in a real terminal against real haproxy', () => {
  let lab: HaproxyLab

  beforeAll(async () => {
    lab = await startHaproxyLab()
  })

  afterAll(async () => {
    server.kill()
    rmSync(exitFile, {force: true})
    await lab?.stop()
  })

  it('renders the panels with the real data, follows a DOWN backend, and q exits with 0', async () => {
    const command = `${process.execPath} ${cliPath} dash --socket lb1=${lab.socket} --interval 200ms; echo $? > ${exitFile}; sleep 600`
    tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '40', command)
    let shown = await waitFor(/app\/web2\s+UP/)
    // Requests while the dashboard polls: HAProxy's req_rate (per second) reaches the chart's y axis.
    const until = Date.now() + 1500
    while (Date.now() < until) await traffic(lab.frontendPort, 10)
    shown = await waitFor(/^x\s*[1-9]\d*\s*[⡇⡆⡄⡀⠇⠃⠁⢸⣿⡏]/m, 5000)
    for (const title of ['Request rate per backend', 'Sessions per server', 'Servers', 'VRRP roles', 'Events']) expect(shown).toContain(title)
    expect(shown).toMatch(/app\/web1\s+UP\s+L7OK\/200 in \d+ms\s+1\s+\d/)
    expect(shown).toMatch(/VRRP roles: none \(try --sniff IFACE\)[\s\S]*NODE\s+INST\s+VRID\s+ROLE\s+PRIO\s+AGE\s+MASTER\s+VIPS/)
    // The line chart's legend names the backend; the bar chart labels each server.
    expect(shown).toMatch(/app/)
    expect(shown).toMatch(/web1\s+web2/)
    expect(shown.trimEnd().split('\n').length).toBeLessThanOrEqual(40)

    await lab.backends[0]!.stop()
    shown = await waitFor('lb1 app/web1 DOWN, L4CON', 5000)
    expect(shown).toMatch(/app\/web1\s+DOWN/)
    if (process.env.LBCTL_SHOW_SCREEN) process.stderr.write(shown)

    tmux('send-keys', '-t', session, 'q')
    await waitFor(() => existsSync(exitFile) && readFileSync(exitFile, 'utf8').trim() !== '', 5000)
    expect(readFileSync(exitFile, 'utf8').trim()).toBe('0')
  })

  it('refuses to run without a terminal, in one line', async () => {
    const result = await runCli(['dash', '--socket', lab.socket])
    expect(result.code).toBe(2)
    expect(result.stderr).toBe('lbctl: dash draws on a terminal, and stdout (or stdin) is not one\n  next: run it in a terminal; for scripts use lbctl top --once --json, for a log lbctl top > file\n')
  })
})
