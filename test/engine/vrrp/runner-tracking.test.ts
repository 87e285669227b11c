/**
 * Tracking wired into the runner on the fake network: the seeds' `killall -0 haproxy` check with
 * weight -20 moves the mastership, weight 0 means FAULT, sync groups move together, and notify
 * scripts / notify_fifo / emails are called with keepalived's arguments.
 */
import {describe, expect, it} from 'vitest'
import {parseKeepalived} from '../../../src/config/keepalived/index.js'
import type {VrrpEvent} from '../../../src/engine/vrrp/events.js'
import {Notifier, type FifoWriter} from '../../../src/engine/vrrp/notify.js'
import {VrrpRunner} from '../../../src/engine/vrrp/runner.js'
import {planInstances, planTracking} from '../../../src/engine/vrrp/settings.js'
import type {MailMessage, Mailer} from '../../../src/engine/vrrp/smtp.js'
import {SyncGroups} from '../../../src/engine/vrrp/sync-group.js'
import {TrackingHub} from '../../../src/engine/vrrp/track/hub.js'
import {ScriptTracker} from '../../../src/engine/vrrp/track/scripts.js'
import {FakeClock, FakeNetwork, FakeVips} from './fakes.js'
import {exit, FakeProcesses, flush} from './track-fakes.js'

const CHECK = `
vrrp_script chk_haproxy {
  script "killall -0 haproxy"
  interval 2
  weight -20
}`

function instance(name: string, vrid: number, priority: number, extra = ''): string {
  return `
vrrp_instance ${name} {
  state BACKUP
  interface eth0
  virtual_router_id ${vrid}
  priority ${priority}
  advert_int 1
  ${extra}
  virtual_ipaddress {
    198.18.0.${vrid}/24
  }
}`
}

interface Node {
  runner: VrrpRunner
  vips: FakeVips
  events: VrrpEvent[]
  processes: FakeProcesses
  fifo: string[]
  mails: MailMessage[]
}

function node(text: string, address: string, clock: FakeClock, network: FakeNetwork, processes = succeeding()): Node {
  const parse = parseKeepalived({path: 'k.conf', text}, {reader: {read: () => ({path: 'x', text: ''}), glob: () => []}})
  const {plans, problems} = planInstances(parse.model, {interfaceAddress: () => address})
  expect(problems).toEqual([])
  const tracking = planTracking(parse.model, {root: false, hostname: 'lb1', notifyFifo: '/fifo'})
  expect(tracking.problems).toEqual([])
  const vips = new FakeVips()
  const fifo: string[] = []
  const mails: MailMessage[] = []
  const fifoWriter: FifoWriter = {write: (line) => fifo.push(line), close: () => {}}
  const mailer: Mailer = {send: async (message) => void mails.push(message)}
  const trackers = tracking.scripts.map((script) => new ScriptTracker(script, {clock, runner: processes}))
  const events: VrrpEvent[] = []
  const notifier = new Notifier({
    instanceScripts: tracking.instanceNotify,
    groups: tracking.syncGroups,
    runner: processes,
    fifo: fifoWriter,
    ...(tracking.email ? {email: tracking.email} : {}),
    mailer,
    onEvent: (event) => events.push({type: event.level, instance: event.instance, message: event.message, time: clock.now()}),
  })
  const runner = new VrrpRunner({plans, openTransport: network.open, vips, clock, tracking: new TrackingHub(trackers, tracking.refs), notifier, syncGroups: new SyncGroups(tracking.syncGroups)})
  runner.on('event', (event) => events.push(event))
  return {runner, vips, events, processes, fifo, mails}
}

function succeeding(): FakeProcesses {
  const processes = new FakeProcesses()
  processes.answer = () => exit(0)
  return processes
}

const lines = (n: Node, types: VrrpEvent['type'][] = ['transition', 'track']) =>
  n.events
    .filter((e) => types.includes(e.type))
    .map((e) => (e.type === 'transition' ? `${e.time} ${e.instance} ${e.from}->${e.to} (${e.reason})` : e.type === 'track' ? `${e.time} ${e.instance} ${e.message}` : ''))

describe('track scripts drive failover (fake network)', () => {
  it('a failing `killall -0 haproxy` (weight -20) drops the master below the backup, which takes over; recovery preempts back', async () => {
    const clock = new FakeClock()
    const network = new FakeNetwork(clock)
    let haproxyUp = true
    const aProcesses = new FakeProcesses()
    aProcesses.answer = () => exit(haproxyUp ? 0 : 1)
    const bProcesses = new FakeProcesses()
    bProcesses.answer = () => exit(0)
    const a = node(CHECK + instance('VI_1', 51, 110, 'track_script {\n    chk_haproxy\n  }'), '198.18.0.1', clock, network, aProcesses)
    const b = node(CHECK + instance('VI_1', 51, 100, 'track_script {\n    chk_haproxy\n  }'), '198.18.0.2', clock, network, bProcesses)
    await a.runner.start()
    await b.runner.start()
    await flush()
    clock.advance(5000)
    await flush()
    expect(a.runner.status()[0]).toMatchObject({state: 'MASTER', effectivePriority: 110})

    haproxyUp = false
    for (let t = 0; t < 8; t++) {
      clock.advance(1000)
      await flush()
    }
    expect(a.processes.runs[0]?.argv).toEqual(['killall', '-0', 'haproxy'])
    expect(lines(a)).toEqual([
      '0 VI_1 INIT->BACKUP (startup)',
      '0 VI_1 chk_haproxy succeeded (exit 0) -> priority 110',
      // Priority 110: 3 s + (256-110)/256 s.
      '3570 VI_1 BACKUP->MASTER (master_down timer expired)',
      '6000 VI_1 chk_haproxy failed (exit 1) -> priority 110-20=90',
      // The backup discards adverts of priority 90 < 100: 3609 ms after the last priority-110 advert (5571) it takes over.
      '9181 VI_1 MASTER->BACKUP (higher priority advert (100) from 198.18.0.2)',
    ])
    expect(lines(b).at(-1)).toBe('9180 VI_1 BACKUP->MASTER (master_down timer expired)')
    expect(b.vips.held).toEqual(new Set(['198.18.0.51']))
    expect(a.vips.held.size).toBe(0)

    haproxyUp = true
    for (let t = 0; t < 8; t++) {
      clock.advance(1000)
      await flush()
    }
    // Back to 110 while BACKUP: the running Master_Down_Timer moves by the change of skew (keepalived
    // vrrp_set_effective_priority), then lower-priority adverts from b no longer reset it: preemption.
    expect(lines(a).slice(5)).toEqual(['14000 VI_1 chk_haproxy succeeded (exit 0) -> priority 110', '16751 VI_1 BACKUP->MASTER (master_down timer expired)'])
    expect(a.vips.held).toEqual(new Set(['198.18.0.51']))
    await a.runner.stop()
    await b.runner.stop()
  })

  it('weight 0: the instance waits for the first result, and a failing script means FAULT (priority 0 advert, VIPs dropped)', async () => {
    const clock = new FakeClock()
    const network = new FakeNetwork(clock)
    const processes = new FakeProcesses()
    const a = node(CHECK.replace('weight -20', 'weight 0') + instance('VI_1', 51, 150, 'track_script {\n    chk_haproxy\n  }'), '198.18.0.1', clock, network, processes)
    await a.runner.start()
    expect(a.runner.status()[0]?.state).toBe('INIT')
    clock.advance(500)
    processes.runs[0]?.settle(exit(0))
    await flush()
    clock.advance(5000)
    await flush()
    processes.runs.at(-1)?.settle(exit(3))
    await flush()
    expect(lines(a)).toEqual([
      '500 VI_1 chk_haproxy succeeded (exit 0) -> priority 150',
      '500 VI_1 INIT->BACKUP (startup)',
      '3914 VI_1 BACKUP->MASTER (master_down timer expired)',
      '5500 VI_1 MASTER->FAULT (fault: script chk_haproxy)',
      '5500 VI_1 chk_haproxy failed (exit 3) -> FAULT',
    ])
    expect(network.sent.at(-1)?.message[2]).toBe(0)
    expect(a.vips.held.size).toBe(0)
    expect(a.runner.status()[0]?.faults).toEqual(['script chk_haproxy'])
    await a.runner.stop()
  })

  it('track_script weight override, `reverse`, and a script tracked by two instances runs once', async () => {
    const clock = new FakeClock()
    const network = new FakeNetwork(clock)
    const processes = new FakeProcesses()
    processes.answer = () => exit(1)
    const text = CHECK + instance('VI_1', 51, 100, 'track_script {\n    chk_haproxy weight -50\n  }') + instance('VI_2', 52, 100, 'track_script {\n    chk_haproxy weight -30 reverse\n  }')
    const a = node(text, '198.18.0.1', clock, network, processes)
    await a.runner.start()
    await flush()
    expect(processes.runs).toHaveLength(1)
    expect(a.runner.status().map((s) => `${s.name} ${s.effectivePriority}`)).toEqual(['VI_1 50', 'VI_2 130'])
    await a.runner.stop()
  })
})

describe('notify scripts, notify_fifo and email', () => {
  it('runs notify_* and notify with keepalived arguments, writes ordered FIFO lines, mails smtp_alert states', async () => {
    const clock = new FakeClock()
    const network = new FakeNetwork(clock)
    const processes = new FakeProcesses()
    processes.answer = () => exit(0)
    const text = `
global_defs {
  router_id LVS_A
  notification_email {
    ops@example.com
  }
  notification_email_from lb@example.com
  smtp_server 127.0.0.1
}
${instance('VI_1', 51, 150, 'notify_master "/etc/keepalived/notify.sh master"\n  notify /etc/keepalived/all.sh\n  smtp_alert')}`
    const a = node(text, '198.18.0.1', clock, network, processes)
    await a.runner.start()
    clock.advance(5000)
    await a.runner.stop()
    expect(processes.runs.map((run) => run.argv.join(' '))).toEqual([
      '/etc/keepalived/all.sh INSTANCE VI_1 BACKUP 150',
      '/etc/keepalived/notify.sh master',
      '/etc/keepalived/all.sh INSTANCE VI_1 MASTER 150',
      '/etc/keepalived/all.sh INSTANCE VI_1 STOP 150',
    ])
    expect(processes.runs.at(-1)?.options).toEqual({timeoutMs: 1000})
    expect(a.fifo).toEqual(['INSTANCE "VI_1" BACKUP 150\n', 'INSTANCE "VI_1" MASTER 150\n', 'INSTANCE "VI_1" STOP 150\n'])
    expect(a.mails.map((mail) => `${mail.subject} | ${mail.body}`)).toEqual([
      '[LVS_A] VRRP Instance VI_1 - Entering BACKUP state | => VRRP Instance is no longer owning VRRP VIPs <=',
      '[LVS_A] VRRP Instance VI_1 - Entering MASTER state | => VRRP Instance is now owning VRRP VIPs <=',
      '[LVS_A] VRRP Instance VI_1 - Stopping | => VRRP Instance stopping <=',
    ])
    expect(a.mails[0]).toMatchObject({from: 'lb@example.com', to: ['ops@example.com']})
  })

  it('a notify script that cannot run is an error event, and VRRP carries on', async () => {
    const clock = new FakeClock()
    const network = new FakeNetwork(clock)
    const processes = new FakeProcesses()
    processes.answer = () => ({kind: 'error', message: 'spawn /nope ENOENT'})
    const a = node(instance('VI_1', 51, 150, 'notify_backup /nope'), '198.18.0.1', clock, network, processes)
    await a.runner.start()
    await flush()
    clock.advance(5000)
    expect(a.events.filter((e) => e.type === 'error').map((e) => e.type === 'error' && e.message)).toEqual(['notify_backup script /nope: cannot run: spawn /nope ENOENT'])
    expect(a.runner.status()[0]?.state).toBe('MASTER')
    await a.runner.stop()
  })
})

describe('vrrp_sync_group', () => {
  const group = `
vrrp_sync_group VG_1 {
  group {
    VI_1
    VI_2
  }
  notify_master /etc/keepalived/group-master.sh
  notify /etc/keepalived/group.sh
}`

  it('one member in FAULT takes the others with it; they come back together; the group notifies', async () => {
    const clock = new FakeClock()
    const network = new FakeNetwork(clock)
    let up = true
    const processes = new FakeProcesses()
    processes.answer = (argv) => (argv[0] === 'killall' ? exit(up ? 0 : 1) : exit(0))
    const check = CHECK.replace('weight -20', 'weight 0')
    const a = node(check + instance('VI_1', 51, 150, 'track_script {\n    chk_haproxy\n  }') + instance('VI_2', 52, 150) + group, '198.18.0.1', clock, network, processes)
    await a.runner.start()
    await flush()
    clock.advance(5000)
    await flush()
    expect(a.runner.status().map((s) => s.state)).toEqual(['MASTER', 'MASTER'])
    up = false
    clock.advance(2000)
    await flush()
    expect(a.runner.status().map((s) => `${s.state} ${s.faults.join(',')}`)).toEqual(['FAULT script chk_haproxy,sync group VG_1', 'FAULT sync group VG_1'])
    expect(a.vips.held.size).toBe(0)
    up = true
    clock.advance(2000)
    await flush()
    clock.advance(5000)
    await flush()
    expect(a.runner.status().map((s) => s.state)).toEqual(['MASTER', 'MASTER'])
    expect(a.fifo.filter((line) => line.startsWith('GROUP'))).toEqual(['GROUP "VG_1" BACKUP 0\n', 'GROUP "VG_1" MASTER 0\n', 'GROUP "VG_1" FAULT 0\n', 'GROUP "VG_1" BACKUP 0\n', 'GROUP "VG_1" MASTER 0\n'])
    expect(processes.runs.filter((run) => run.argv[0] !== 'killall').map((run) => run.argv.join(' '))).toContain('/etc/keepalived/group.sh GROUP VG_1 MASTER 0')
    expect(processes.runs.filter((run) => run.argv[0] === '/etc/keepalived/group-master.sh')).toHaveLength(2)
    await a.runner.stop()
    expect(a.fifo.at(-1)).toBe('GROUP "VG_1" STOP 0\n')
  })

  it('when one member yields to a better master, the others go BACKUP too; when one becomes MASTER, the others follow', async () => {
    const clock = new FakeClock()
    const network = new FakeNetwork(clock)
    // Node a: VI_1 priority 150, VI_2 priority 150. Node b: VI_1 200 only (it wins VI_1).
    const a = node(instance('VI_1', 51, 150) + instance('VI_2', 52, 150) + group, '198.18.0.1', clock, network)
    await a.runner.start()
    clock.advance(5000)
    expect(a.runner.status().map((s) => s.state)).toEqual(['MASTER', 'MASTER'])
    const b = node(instance('VI_1', 51, 200), '198.18.0.2', clock, network)
    await b.runner.start()
    clock.advance(5000)
    expect(a.runner.status().map((s) => s.state)).toEqual(['BACKUP', 'BACKUP'])
    expect(lines(a).slice(-2)).toEqual([
      '8219 VI_1 MASTER->BACKUP (higher priority advert (200) from 198.18.0.2)',
      '8219 VI_2 MASTER->BACKUP (sync group VG_1: VI_1 went BACKUP)',
    ])
    // VI_2 hears no master on its link, but its group cannot go MASTER while VI_1 hears b: it waits
    // in BACKUP instead of taking VI_1 along and flapping (keepalived vrrp_sync_can_goto_master).
    const settled = lines(a).length
    clock.advance(20_000)
    expect(lines(a).length).toBe(settled)
    expect(a.runner.status().map((s) => s.state)).toEqual(['BACKUP', 'BACKUP'])
    await b.runner.stop()
    clock.advance(2000)
    expect(a.runner.status().map((s) => s.state)).toEqual(['MASTER', 'MASTER'])
    expect(lines(a).slice(-2)).toEqual([
      `${lines(a).at(-2)?.split(' ')[0]} VI_1 BACKUP->MASTER (sync group VG_1: every member is ready for MASTER)`,
      `${lines(a).at(-2)?.split(' ')[0]} VI_2 BACKUP->MASTER (sync group VG_1: every member is ready for MASTER)`,
    ])
    await a.runner.stop()
  })
})
