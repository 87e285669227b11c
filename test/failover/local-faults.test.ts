/** How `--local` breaks a bundled node and undoes it (local-faults.ts), against fake nodes: what reaches which node, in which order, and when the fault counts; and which UDP port is the pair's own on lo. */
import {describe, expect, it} from 'vitest'
import {injectLocalFault, type LocalFaultDeps, recoverLocalFault} from '../../src/failover/local-faults.js'

function fakePair(answers: Record<string, string> = {}) {
  const log: string[] = []
  let clock = 1000
  let pids: Record<string, number> = {a: 11, b: 12}
  const deps: LocalFaultDeps = {
    nodes: () =>
      Object.entries(pids).map(([name, pid]) => ({
        name,
        pid,
        command: async (line: string) => {
          log.push(`${name}: ${line} @${clock}`)
          clock += 10
          return answers[line] ?? ''
        },
      })),
    restart: async (node) => {
      log.push(`restart ${node}`)
      pids = {...pids, [node]: pids[node]! + 100}
      return pids[node]!
    },
    send: (pid, signal) => void log.push(`${signal} to ${pid} @${clock}`),
    now: () => clock,
  }
  return {deps, log}
}

describe('local faults', () => {
  it('kill, stop and proxy are signals to the node process; recovery restarts it', async () => {
    const {deps, log} = fakePair()
    expect(await injectLocalFault('kill', 'a', deps)).toMatchObject({kind: 'kill', node: 'a', pid: 11, signal: 'SIGKILL', at: 1000})
    expect(await injectLocalFault('stop', 'a', deps)).toMatchObject({signal: 'SIGTERM'})
    const proxy = await injectLocalFault('proxy', 'a', deps)
    expect(proxy).toMatchObject({kind: 'proxy', pid: 11, signal: 'SIGUSR1', action: expect.stringContaining('soft-stops')})
    expect(await recoverLocalFault(proxy, deps)).toEqual({pid: 111, action: 'node a restarted'})
    expect(log).toEqual(['SIGKILL to 11 @1000', 'SIGTERM to 11 @1000', 'SIGUSR1 to 11 @1000', 'restart a'])
  })

  it('link: set vrrp link down on the master only, timed before the command; recovery link up, same process', async () => {
    const {deps, log} = fakePair()
    const fault = await injectLocalFault('link', 'a', deps)
    expect(fault).toMatchObject({kind: 'link', pid: 11, signal: null, at: 1000, action: 'set vrrp link down on node a'})
    expect(await recoverLocalFault(fault, deps)).toEqual({pid: 11, action: 'set vrrp link up on node a'})
    expect(log).toEqual(['a: set vrrp link down @1000', 'a: set vrrp link up @1010'])
  })

  it('block-vrrp: the backups stop hearing first, the fault counts from then, the master last; recovery lifts it everywhere', async () => {
    const {deps, log} = fakePair()
    const fault = await injectLocalFault('block-vrrp', 'a', deps)
    expect(log).toEqual(['b: set vrrp block in @1000', 'a: set vrrp block in @1010'])
    expect(fault).toMatchObject({kind: 'block-vrrp', node: 'a', signal: null, at: 1010})
    expect(await recoverLocalFault(fault, deps)).toEqual({pid: 11, action: 'set vrrp block off on a and b'})
    expect(log.slice(2).sort()).toEqual(['a: set vrrp block off @1020', 'b: set vrrp block off @1030'])
  })

  it('a node that answers anything but the empty reply refused: the fault fails with its words', async () => {
    const {deps} = fakePair({'set vrrp link down': 'Permission denied\n'})
    await expect(injectLocalFault('link', 'a', deps)).rejects.toThrow('node a answered "set vrrp link down" with: Permission denied')
    await expect(injectLocalFault('kill', 'c', deps)).rejects.toThrow('no node c')
  })
})
