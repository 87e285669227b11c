/**
 * The --hosts command lines run by a real sh against real processes and interfaces of this machine
 * (loopback only): a live pid is `running`, a zombie or a missing pid file is not; the link and
 * address lines become a role.
 */
import {execFileSync, spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {blockVrrpCommand, fill, type HostNodeSpec, killCommand, pollCommand, roleFromPoll} from '../../src/failover/host-commands.js'

const dir = mkdtempSync(join(tmpdir(), 'lbctl-hostcmd-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

const node = (pidFile: string, vip = '127.0.0.1'): HostNodeSpec => ({name: 'lb1', interface: 'lo', pidFile, vip: {address: vip, prefix: 8}})
const sh = (command: string) => spawnSync('sh', ['-c', command]).stdout.toString()
const stateOf = (pid: string) => /^State:\s*(\S)/m.exec(spawnSync('cat', [`/proc/${pid}/status`]).stdout.toString())?.[1] ?? 'gone'

describe('pollCommand / roleFromPoll', () => {
  it('a live keepalived pid on an up interface holding the VIP is MASTER; without the VIP BACKUP', () => {
    const pidFile = join(dir, 'live.pid')
    writeFileSync(pidFile, `${process.pid}\n`)
    const out = sh(pollCommand(node(pidFile)))
    expect(out.split('\n')[0]).toBe('running')
    expect(roleFromPoll(out, node(pidFile))).toBe('MASTER')
    expect(roleFromPoll(sh(pollCommand(node(pidFile, '198.18.0.100'))), node(pidFile, '198.18.0.100'))).toBe('BACKUP')
  })

  it('a zombie (dead, not yet reaped) or a missing pid file is not running', async () => {
    // `sleep 5` inherits sh's short-lived child and never reaps it: a zombie for 5 s.
    const parent = spawn('sh', ['-c', 'sleep 0.05 & exec sleep 5'], {stdio: 'ignore'})
    try {
      await new Promise((resolve) => setTimeout(resolve, 300))
      const zombie = execFileSync('pgrep', ['-P', String(parent.pid)]).toString().trim()
      expect(stateOf(zombie)).toBe('Z')
      const pidFile = join(dir, 'zombie.pid')
      writeFileSync(pidFile, `${zombie}\n`)
      expect(spawnSync('kill', ['-0', zombie]).status).toBe(0)
      expect(roleFromPoll(sh(pollCommand(node(pidFile))), node(pidFile))).toBeUndefined()
    } finally {
      parent.kill('SIGKILL')
    }
    expect(roleFromPoll(sh(pollCommand(node(join(dir, 'missing.pid')))), node(join(dir, 'missing.pid')))).toBeUndefined()
  })

  it('a link without UP/LOWER_UP is FAULT', () => {
    const out = 'running\n2: eth0@if9: <BROADCAST,MULTICAST> mtu 1500 qdisc noqueue state DOWN mode DEFAULT group default qlen 1000\\    link/ether 02:00:00:00:00:01 brd ff:ff:ff:ff:ff:ff\n'
    expect(roleFromPoll(out, {...node('x'), interface: 'eth0'})).toBe('FAULT')
  })
})

describe('fault commands', () => {
  it('kill -9 takes keepalived and its children (pgrep -P) and prints their pids', async () => {
    const parent = spawn('sh', ['-c', 'sleep 30 & sleep 30 & wait'], {stdio: 'ignore'})
    const pidFile = join(dir, 'parent.pid')
    writeFileSync(pidFile, `${parent.pid}\n`)
    await new Promise((resolve) => setTimeout(resolve, 100))
    const kids = execFileSync('pgrep', ['-P', String(parent.pid)]).toString().trim().split('\n')
    expect(kids).toHaveLength(2)
    const exit = new Promise((resolve) => parent.once('exit', resolve))
    const printed = sh(killCommand(node(pidFile))).trim().split(/\s+/)
    expect(printed.sort()).toEqual([...kids, String(parent.pid)].sort())
    // The parent dies of the SIGKILL, or of its children's death a moment before it arrives.
    await exit
    // Dead: gone, or a zombie until whoever inherited it reaps it.
    for (const kid of kids) expect(['gone', 'Z']).toContain(stateOf(kid))
  })

  it('fills the user’s start command and quotes the interface in tc', () => {
    expect(fill('keepalived -f /etc/{node}.conf --pid {pidFile} # {interface}', node('/run/k.pid'))).toBe('keepalived -f /etc/lb1.conf --pid /run/k.pid # lo')
    expect(blockVrrpCommand(node('x'))).toContain('u32 match ip protocol 112 0xff flowid 1:2')
  })
})
