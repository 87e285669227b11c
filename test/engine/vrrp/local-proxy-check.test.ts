import {describe, expect, it} from 'vitest'
import {isHaproxyProcessCheck, localProxyCheckRunner} from '../../../src/engine/vrrp/track/local-proxy-check.js'
import type {ProcessRunner} from '../../../src/engine/vrrp/track/process.js'

describe('local mode haproxy process checks', () => {
  it.each([
    [['/bin/sh', '-c', 'pidof haproxy'], true],
    [['pidof', 'haproxy'], true],
    [['/usr/bin/killall', '-0', 'haproxy'], true],
    [['killall', '-0', 'haproxy'], true],
    [['pgrep', '-x', 'haproxy'], true],
    [['bash', '-c', "killall -0 'haproxy'"], true],
    [['/bin/sh', '-c', 'pidof haproxy && curl -f http://127.0.0.1/'], false],
    [['pidof', 'nginx'], false],
    [['/etc/keepalived/check_haproxy.sh'], false],
    [['killall', '-0', 'haproxy', 'nginx'], false],
  ])('%j → %s', (argv, expected) => {
    expect(isHaproxyProcessCheck(argv)).toBe(expected)
  })

  it('answers those from the proxy state and runs everything else', async () => {
    const ran: string[] = []
    const inner: ProcessRunner = {run: async (argv) => (ran.push(argv.join(' ')), {kind: 'exited', code: 7})}
    let running = true
    const runner = localProxyCheckRunner(inner, () => running)
    expect(await runner.run(['pidof', 'haproxy'], {})).toEqual({kind: 'exited', code: 0})
    running = false
    expect(await runner.run(['pidof', 'haproxy'], {})).toEqual({kind: 'exited', code: 1})
    expect(await runner.run(['/bin/true'], {})).toEqual({kind: 'exited', code: 7})
    expect(ran).toEqual(['/bin/true'])
  })
})
