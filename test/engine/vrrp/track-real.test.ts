/** The real effects: scripts run with execa (no shell), a sleeping script killed at its timeout, a real FIFO, sysfs and files. */
import {execFileSync} from 'node:child_process'
import {createReadStream, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {systemClock} from '../../../src/engine/vrrp/clock.js'
import {openNotifyFifo} from '../../../src/engine/vrrp/notify.js'
import {FileTracker, parseTrackFileValue} from '../../../src/engine/vrrp/track/files.js'
import {InterfaceTracker, readLinkStatus, systemSysfsReader} from '../../../src/engine/vrrp/track/interfaces.js'
import {execaProcessRunner, resolveIdentity} from '../../../src/engine/vrrp/track/process.js'
import {ScriptTracker} from '../../../src/engine/vrrp/track/scripts.js'
import type {TrackedStatus} from '../../../src/engine/vrrp/track/types.js'
import {FakeClock} from './fakes.js'
import {flush} from './track-fakes.js'

const dir = mkdtempSync(join(tmpdir(), 'lbctl-track-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

describe('execaProcessRunner', () => {
  it('runs without a shell and reports exit codes, missing commands and timeouts', async () => {
    expect(await execaProcessRunner.run(['/bin/true'], {})).toEqual({kind: 'exited', code: 0})
    expect(await execaProcessRunner.run(['/bin/false'], {})).toEqual({kind: 'exited', code: 1})
    // No shell: `$HOME` and `;` are plain arguments.
    expect(await execaProcessRunner.run(['/bin/sh', '-c', 'exit 7', '; exit 0'], {})).toEqual({kind: 'exited', code: 7})
    expect((await execaProcessRunner.run(['/no/such/script'], {})).kind).toBe('error')
    const started = performance.now()
    expect(await execaProcessRunner.run(['/bin/sleep', '5'], {timeoutMs: 200})).toEqual({kind: 'timed_out'})
    expect(performance.now() - started).toBeLessThan(2000)
  })

  it('ScriptTracker with real scripts: /bin/true succeeds, /bin/false fails, a sleeping script fails at its timeout', async () => {
    const plan = {intervalMs: 100_000, timeoutMs: 300, rise: 1, fall: 1, initFail: false}
    const outcomes = await Promise.all(
      [['/bin/true'], ['/bin/false'], ['/bin/sleep', '10']].map(
        (argv) =>
          new Promise<TrackedStatus>((resolve) => {
            const tracker = new ScriptTracker({...plan, name: argv[0]!, argv}, {clock: systemClock, runner: execaProcessRunner})
            tracker.start((status) => {
              void tracker.stop()
              resolve(status)
            })
          }),
      ),
    )
    expect(outcomes).toEqual([
      {kind: 'script', state: 'ok', detail: 'exit 0'},
      {kind: 'script', state: 'failed', detail: 'exit 1'},
      {kind: 'script', state: 'failed', detail: 'timed out'},
    ])
  })

  it('resolves `user [group]` from passwd and group files', () => {
    const files = {passwd: () => 'root:x:0:0::/root:/bin/sh\nhaproxy:x:110:120::/:/usr/sbin/nologin\n', group: () => 'root:x:0:\nwheel:x:10:\n'}
    expect(resolveIdentity('haproxy', undefined, files)).toEqual({uid: 110, gid: 120})
    expect(resolveIdentity('haproxy', 'wheel', files)).toEqual({uid: 110, gid: 10})
    expect(resolveIdentity('nobody2', undefined, files)).toEqual({problem: 'unknown user nobody2'})
  })
})

describe('notify_fifo', () => {
  it('creates the FIFO and writes lines a reader gets in order', async () => {
    const path = join(dir, 'notify.fifo')
    const fifo = openNotifyFifo(path)
    expect(execFileSync('stat', ['-c', '%F', path]).toString().trim()).toBe('fifo')
    const reader = createReadStream(path, {encoding: 'utf8'})
    const received: string[] = []
    reader.on('data', (chunk) => received.push(String(chunk)))
    fifo.write('INSTANCE "VI_1" BACKUP 100\n')
    fifo.write('INSTANCE "VI_1" MASTER 100\n')
    for (let i = 0; i < 50 && received.join('').split('\n').length < 3; i++) await new Promise((resolve) => setTimeout(resolve, 10))
    expect(received.join('')).toBe('INSTANCE "VI_1" BACKUP 100\nINSTANCE "VI_1" MASTER 100\n')
    reader.destroy()
    fifo.close()
  })
})

describe('track_interface and track_file', () => {
  it('reads link state from sysfs: admin up + carrier', () => {
    const sysfs = (values: Record<string, string>) => (_iface: string, file: string) => values[file]
    expect(readLinkStatus('eth1', sysfs({flags: '0x1003', carrier: '1', operstate: 'up'}))).toEqual({kind: 'interface', up: true, detail: 'operstate up'})
    expect(readLinkStatus('eth1', sysfs({flags: '0x1003', carrier: '0', operstate: 'down'}))).toEqual({kind: 'interface', up: false, detail: 'no carrier, operstate down'})
    expect(readLinkStatus('eth1', sysfs({flags: '0x1002', operstate: 'down'}))).toEqual({kind: 'interface', up: false, detail: 'administratively down'})
    expect(readLinkStatus('eth9', sysfs({}))).toEqual({kind: 'interface', up: false, detail: 'no such interface'})
    // The real loopback of this machine is up.
    expect(readLinkStatus('lo', systemSysfsReader)).toMatchObject({up: true})
  })

  it('polls the interface and reports changes', async () => {
    const clock = new FakeClock()
    let carrier = '1'
    const tracker = new InterfaceTracker('eth1', {clock, read: (_iface, file) => (file === 'flags' ? '0x1003' : file === 'carrier' ? carrier : 'up')})
    const changes: boolean[] = []
    tracker.start((status) => status.kind === 'interface' && changes.push(status.up))
    carrier = '0'
    clock.advance(500)
    clock.advance(500)
    carrier = '1'
    clock.advance(500)
    await tracker.stop()
    expect(changes).toEqual([false, true])
  })

  it.each([
    ['5', 5],
    ['  -12\n', -12],
    ['0x10', 16],
    ['010', 8],
    ['300', 254],
    ['-999', -254],
    ['abc', 0],
    ['', 0],
  ])('file value %j reads as %i (strtol base 0, clamped)', (text, value) => {
    expect(parseTrackFileValue(text)).toBe(value)
  })

  it('init_file writes the initial value, then the file is polled', async () => {
    const path = join(dir, 'prio')
    const clock = new FakeClock()
    const tracker = new FileTracker({name: 'f1', path, initFile: {value: 3, overwrite: false}}, {clock})
    expect(tracker.status()).toEqual({kind: 'file', value: 3, detail: path})
    const values: number[] = []
    tracker.start((status) => status.kind === 'file' && values.push(status.value))
    writeFileSync(path, '-7\n')
    clock.advance(500)
    rmSync(path)
    clock.advance(500)
    await tracker.stop()
    expect(values).toEqual([-7, 0])
    await flush()
  })
})
