import {describe, expect, it} from 'vitest'
import {runSession} from '../../src/deploy/deploy.js'
import {runRollback} from '../../src/deploy/rollback.js'
import {FakeHost, type CommandScript} from '../../src/deploy/fake-host.js'
import type {DeployResult, Progress, StepState} from '../../src/deploy/result.js'
import {secretsOf} from '../../src/deploy/semantics.js'
import {deployStatus} from '../../src/deploy/status.js'
import {type DeployTarget, rolloutWaves} from '../../src/deploy/targets.js'
import {UserError} from '../../src/errors.js'

const HAPROXY_OLD = `global\n    stats socket /run/haproxy/admin.sock level admin\ndefaults\n    mode http\n    timeout connect 5s\n    timeout client 30s\n    timeout server 30s\nfrontend fe\n    bind :80\n    default_backend app\nbackend app\n    server a 127.0.0.1:9001\n`
const HAPROXY_NEW = HAPROXY_OLD.replace('server a 127.0.0.1:9001\n', 'server a 127.0.0.1:9001\n    server b 127.0.0.1:9002\nbackend api\n    server c 127.0.0.1:9003\n')
const keepalived = (state: string, priority: number, pass = 'oldpass1') =>
  `vrrp_instance VI_1 {\n    state ${state}\n    interface eth0\n    virtual_router_id 51\n    priority ${priority}\n    advert_int 1\n    authentication {\n        auth_type PASS\n        auth_pass ${pass}\n    }\n    virtual_ipaddress {\n        198.18.0.100/32\n    }\n}\n`

const H = '/etc/haproxy/haproxy.cfg'
const K = '/etc/keepalived/keepalived.conf'

function target(name: string, role: 'MASTER' | 'BACKUP', priority: number): DeployTarget {
  return {
    name,
    dest: `root@${name}`,
    role,
    priority,
    files: [
      {kind: 'haproxy', localPath: 'haproxy.cfg', remotePath: H, check: 'haproxy -c -f {file}', reload: 'reload-haproxy'},
      {kind: 'keepalived', localPath: `keepalived-${name}.conf`, remotePath: K, check: 'keepalived -t -f {file}', reload: 'reload-keepalived'},
    ],
    statsSocket: '/run/haproxy/admin.sock',
    keepalivedPidFile: '/run/keepalived.pid',
    vips: [{address: '198.18.0.100', interface: 'eth0'}],
    sysctl: {},
    sysctlFile: '/etc/sysctl.d/90-lbctl.conf',
  }
}

interface Lab {
  hosts: Map<string, FakeHost>
  journal: string[]
  events: string[]
  run(options?: {dryRun?: boolean; parallel?: number; targets?: DeployTarget[]; confirm?: boolean; keepalivedPass?: string; stopRequested?: () => boolean}): Promise<DeployResult>
}

/** lb1 MASTER (holds the VIP), lb2 and lb3 BACKUPs, all running HAPROXY_OLD; reloads start a new haproxy pid. */
function lab(script: CommandScript = () => undefined, names = ['lb1', 'lb2', 'lb3']): Lab {
  const journal: string[] = []
  const events: string[] = []
  const hosts = new Map<string, FakeHost>()
  let pid = 100
  names.forEach((name, i) => {
    const host = new FakeHost(`root@${name}`, journal, async (command, h) => {
      const scripted = await script(command, h)
      if (scripted) return scripted
      if (command === 'reload-haproxy') {
        const text = h.files.get(H)!.data
        h.statsAnswer = {pid: ++pid, proxies: [...text.matchAll(/^(?:frontend|backend|listen) (\S+)/gm)].map((m) => m[1]!)}
        return {exitCode: 0}
      }
      return undefined
    })
    host.files.set(H, {data: HAPROXY_OLD, mode: '640'})
    host.files.set(K, {data: keepalived(i === 0 ? 'MASTER' : 'BACKUP', i === 0 ? 110 : 100 - i), mode: '600'})
    host.statsAnswer = {pid: ++pid, proxies: ['fe', 'app']}
    if (i === 0) host.addresses = ['198.18.0.11', '198.18.0.100']
    hosts.set(name, host)
  })
  const progress: Progress = {
    step: (host: string, step: string, state: StepState) => void (state !== 'run' && events.push(`${host} ${step} ${state}`)),
    skipped: (host) => void events.push(`${host} skipped`),
  }
  return {
    hosts,
    journal,
    events,
    run: async (options = {}) => {
      const targets = options.targets ?? names.map((n, i) => target(n, i === 0 ? 'MASTER' : 'BACKUP', i === 0 ? 110 : 100 - i))
      const contents = (t: DeployTarget, kind: string) => (kind === 'haproxy' ? HAPROXY_NEW : keepalived(t.role!, t.priority!, options.keepalivedPass ?? 'oldpass1'))
      return runSession(
        {
          targets,
          connect: async (t) => hosts.get(t.name)!,
          clusterComplete: true,
          dryRun: options.dryRun ?? false,
          confirm: async () => options.confirm ?? true,
          progress,
          parallel: options.parallel,
          verifyTimeoutMs: 0,
          stopRequested: options.stopRequested,
        },
        async (t, file) => ({content: contents(t, file.kind), local: false}),
        [],
      )
    },
  }
}

const stepNames = (result: DeployResult, host: string) => result.hosts.find((h) => h.host === host)!.steps.map((s) => `${s.name}${s.ok ? '' : ' FAILED'}`)
const writesOf = (l: Lab, host: string) => l.journal.filter((j) => j.startsWith(`root@${host}: `) && !j.includes(': run ip -o') && !j.includes('kill -0'))

describe('rolloutWaves', () => {
  it.each([
    [[['a', 'MASTER', 110], ['b', 'BACKUP', 100], ['c', 'BACKUP', 90]], [['c', 'b'], ['a']]],
    [[['b', 'BACKUP', 100], ['a', 'MASTER', 110]], [['b'], ['a']]],
    [[['x'], ['y']], [['x', 'y']]],
    [[['m', 'MASTER', 110], ['x'], ['b', 'BACKUP', 50]], [['b'], ['x'], ['m']]],
  ] as [[string, ('MASTER' | 'BACKUP')?, number?][], string[][]][])('%j → %j', (nodes, waves) => {
    const targets = nodes.map(([name, role, priority]) => ({name, role, priority}))
    expect(rolloutWaves(targets).map((w) => w.map((t) => t.name))).toEqual(waves)
  })
})

describe('deploy rollout with an in-memory transport', () => {
  it('goes BACKUPs first (lowest priority first), MASTER last, each through every step', async () => {
    const l = lab()
    const result = await l.run()
    expect(result.ok).toBe(true)
    expect(result.hosts.map((h) => h.host)).toEqual(['lb3', 'lb2', 'lb1'])
    for (const host of ['lb1', 'lb2', 'lb3']) {
      expect(stepNames(result, host)).toEqual(['upload', 'check', 'backup', 'install', 'reload', 'verify'])
      expect(l.hosts.get(host)!.files.get(H)!.data).toBe(HAPROXY_NEW)
      expect(l.hosts.get(host)!.files.get(`${H}.lbctl-1`)!.data).toBe(HAPROXY_OLD)
    }
    const firstTouch = (host: string) => l.journal.findIndex((j) => j.startsWith(`root@${host}: write`))
    const lastTouch = (host: string) => l.journal.findLastIndex((j) => j.startsWith(`root@${host}: run reload`))
    expect(lastTouch('lb3')).toBeLessThan(firstTouch('lb2'))
    expect(lastTouch('lb2')).toBeLessThan(firstTouch('lb1'))
    // keepalived files did not change: only haproxy is uploaded and reloaded, but both are kept as version 1.
    expect(writesOf(l, 'lb1').filter((j) => j.includes(': run reload'))).toEqual(['root@lb1: run reload-haproxy'])
    expect(l.hosts.get('lb1')!.files.get(`${K}.lbctl-1`)).toBeDefined()
    const verify = result.hosts[2]!.steps.at(-1)!.output
    expect(verify).toMatch(/^haproxy answers on \/run\/haproxy\/admin\.sock: pid 101 → \d+, proxies fe, app, api\nkeepalived running \(pid 4242\)\nVIP 198\.18\.0\.100 on lb1$/)
    expect(result.hosts[0]!.diff.map((c) => `${c.config} ${c.kind} ${c.section} ${c.directive ?? ''}`)).toEqual([
      'haproxy added backend app server',
      'haproxy added backend api ',
    ])
    // The atomic rename comes from a temp file next to the target.
    expect(l.journal).toContain('root@lb1: rename /etc/haproxy/.haproxy.cfg.lbctl-new /etc/haproxy/haproxy.cfg')
  })

  it('a dry run reads and diffs but changes nothing', async () => {
    const l = lab()
    const result = await l.run({dryRun: true})
    expect(result.ok).toBe(true)
    expect(result.hosts.every((h) => h.steps.length === 0 && h.diff.length === 2)).toBe(true)
    expect(l.journal).toEqual([])
  })

  it('a declined confirmation changes nothing', async () => {
    const l = lab()
    await expect(l.run({confirm: false})).rejects.toThrow(/cancelled: nothing was changed/)
    expect(l.journal).toEqual([])
  })

  it('a host whose own check fails keeps its files and the next hosts are not deployed', async () => {
    const l = lab((command, h) => (command.startsWith('haproxy -c') && h.dest === 'root@lb3' ? {exitCode: 1, stderr: "[ALERT] parsing [x:3] : 'bind :80' : unable to load certificate '/etc/ssl/missing.pem'\n"} : undefined))
    const result = await l.run()
    expect(result.ok).toBe(false)
    expect(stepNames(result, 'lb3')).toEqual(['upload', 'check FAILED'])
    expect(result.hosts[0]!.steps[1]!.output).toMatch(/exit 1\n\[ALERT\] parsing .*unable to load certificate '\/etc\/ssl\/missing\.pem'/)
    expect(result.hosts[0]!.rolledBack).toBe(false)
    expect(l.hosts.get('lb3')!.files.get(H)!.data).toBe(HAPROXY_OLD)
    expect([...l.hosts.get('lb3')!.files.keys()].sort()).toEqual([K, H].sort())
    expect(stepNames(result, 'lb2')).toEqual([])
    expect(stepNames(result, 'lb1')).toEqual([])
    expect(writesOf(l, 'lb2')).toEqual([])
    expect(writesOf(l, 'lb1')).toEqual([])
    expect(l.events.slice(-2)).toEqual(['lb2 skipped', 'lb1 skipped'])
  })

  it('a failed reload restores the previous file, reloads it and stops the rollout', async () => {
    let reloads = 0
    const l = lab((command, h) => {
      if (command !== 'reload-haproxy' || h.dest !== 'root@lb3') return undefined
      reloads++
      if (h.files.get(H)!.data === HAPROXY_NEW) return {exitCode: 1, stderr: '[ALERT] Starting frontend fe: cannot bind socket'}
      h.statsAnswer = {pid: 999, proxies: ['fe', 'app']}
      return {exitCode: 0}
    })
    const result = await l.run()
    expect(stepNames(result, 'lb3')).toEqual(['upload', 'check', 'backup', 'install', 'reload FAILED', 'restore', 'reload (restore)', 'verify (restore)'])
    expect(result.hosts[0]!.rolledBack).toBe(true)
    expect(result.hosts[0]!.steps[4]!.output).toMatch(/^reload-haproxy: exit 1\n\[ALERT\] Starting frontend fe: cannot bind socket$/)
    expect(reloads).toBe(2)
    const lb3 = l.hosts.get('lb3')!
    expect(lb3.files.get(H)).toEqual({data: HAPROXY_OLD, mode: '640'})
    // The restore consumed version 1: what runs is the only copy again.
    expect([...lb3.files.keys()].filter((p) => p.includes('.lbctl'))).toEqual([])
    expect(writesOf(l, 'lb2')).toEqual([])
  })

  it('a file the host did not have is removed on failure and its daemon is not reloaded: nothing to restore', async () => {
    const l = lab((command, h) => (command === 'reload-keepalived' && h.dest === 'root@lb3' ? {exitCode: 1, stderr: 'Job for keepalived.service failed'} : undefined))
    l.hosts.get('lb3')!.files.delete(K)
    const result = await l.run()
    expect(stepNames(result, 'lb3')).toEqual(['upload', 'check', 'backup', 'install', 'reload FAILED', 'restore', 'reload (restore)', 'verify (restore)'])
    const lb3 = result.hosts[0]!
    expect(lb3.rolledBack).toBe(true)
    expect(lb3.steps[5]!.output).toBe(
      `previous ${H} back in place\nnothing to restore for ${K}: the host had none before this deploy, the new one is removed; keepalived not reloaded`,
    )
    // haproxy had a file: it is restored and reloaded; keepalived had none: its reload ran once, with the new file.
    expect(writesOf(l, 'lb3').filter((j) => j.includes(': run reload'))).toEqual(['root@lb3: run reload-haproxy', 'root@lb3: run reload-keepalived', 'root@lb3: run reload-haproxy'])
    const host = l.hosts.get('lb3')!
    expect(host.files.get(K)).toBeUndefined()
    expect(host.files.get(H)!.data).toBe(HAPROXY_OLD)
    expect([...host.files.keys()].filter((p) => p.includes('.lbctl'))).toEqual([])
    expect(writesOf(l, 'lb2')).toEqual([])
  })

  it('when no changed file existed before, nothing is reloaded after the failure and a daemon that took the new file is named', async () => {
    const l = lab((command, h) => (command.includes('kill -0') && h.dest === 'root@lb3' ? {exitCode: 1, stderr: 'kill: (4242) - No such process'} : undefined))
    const lb3 = l.hosts.get('lb3')!
    lb3.files.delete(H)
    lb3.files.delete(K)
    const result = await l.run()
    expect(stepNames(result, 'lb3')).toEqual(['upload', 'check', 'backup', 'install', 'reload', 'verify FAILED', 'restore'])
    expect(result.hosts[0]!.steps[6]!.output.split('\n')).toEqual([
      `nothing to restore for ${H}: the host had none before this deploy, the new one is removed; haproxy was reloaded with it and may still run it: check it on the host (stop it if it must not run)`,
      `nothing to restore for ${K}: the host had none before this deploy, the new one is removed; keepalived was reloaded with it and may still run it: check it on the host (stop it if it must not run)`,
    ])
    const afterRestore = l.journal.findIndex((j) => j.startsWith('root@lb3: remove'))
    expect(l.journal.slice(afterRestore).filter((j) => j.includes('run reload'))).toEqual([])
    expect([...lb3.files.keys()]).toEqual([])
    expect(result.ok).toBe(false)
  })

  it('a reload that leaves the old haproxy process running fails verify and rolls back', async () => {
    const l = lab((command, h) => (command === 'reload-haproxy' && h.dest === 'root@lb3' ? {exitCode: 0} : undefined))
    const result = await l.run()
    expect(stepNames(result, 'lb3')).toEqual(['upload', 'check', 'backup', 'install', 'reload', 'verify FAILED', 'restore', 'reload (restore)', 'verify (restore)'])
    expect(result.hosts[0]!.steps[5]!.output).toMatch(/haproxy still answers from the old process \(pid 103\)/)
  })

  it('verify fails when haproxy does not list a proxy of the new config', async () => {
    const l = lab((command, h) => {
      if (command !== 'reload-haproxy' || h.dest !== 'root@lb3') return undefined
      h.statsAnswer = {pid: 500, proxies: ['fe', 'app']}
      return {exitCode: 0}
    })
    const result = await l.run()
    expect(result.hosts[0]!.steps[5]).toMatchObject({name: 'verify', ok: false, output: 'haproxy does not list api (it lists fe, app)'})
    expect(result.hosts[0]!.rolledBack).toBe(true)
  })

  it('verify fails on split brain (two hosts hold the VIP)', async () => {
    const l = lab()
    l.hosts.get('lb3')!.addresses = ['198.18.0.100']
    const result = await l.run()
    expect(result.hosts[0]!.steps[5]!.output).toBe('the VIP 198.18.0.100 is on lb1 and lb3 at once (split brain)')
  })

  it('leaves hosts that already run the files alone', async () => {
    const l = lab()
    await l.run()
    const before = l.journal.length
    // Nothing would change, so there is nothing to confirm either.
    const again = await l.run({confirm: false})
    expect(again.ok).toBe(true)
    expect(again.hosts.map((h) => stepNames(again, h.host))).toEqual([['unchanged'], ['unchanged'], ['unchanged']])
    expect(l.journal.slice(before).filter((j) => !j.includes(': run ip -o'))).toEqual([])
  })

  it('keeps the last 5 versions', async () => {
    const l = lab(undefined, ['lb1'])
    const t = target('lb1', 'MASTER', 110)
    for (let i = 1; i <= 7; i++) {
      l.hosts.get('lb1')!.files.set(H, {data: `${HAPROXY_OLD}# edit ${i}\n`, mode: '640'})
      expect((await l.run({targets: [t]})).ok).toBe(true)
    }
    const kept = [...l.hosts.get('lb1')!.files.keys()].filter((p) => p.startsWith(`${H}.lbctl-`)).sort()
    expect(kept).toEqual([3, 4, 5, 6, 7].map((n) => `${H}.lbctl-${n}`))
    expect(l.hosts.get('lb1')!.files.get(`${H}.lbctl-7`)!.data).toMatch(/# edit 7/)
  })

  it('--parallel runs that many hosts of a wave at once and starts no more after a failure', async () => {
    const names = ['m', 'b1', 'b2', 'b3', 'b4', 'b5']
    let running = 0
    let peak = 0
    const l = lab(async (command, h) => {
      if (!command.startsWith('haproxy -c')) return undefined
      if (h.dest === 'root@b2') return {exitCode: 1, stderr: 'bad'}
      running++
      peak = Math.max(peak, running)
      await new Promise((resolve) => setTimeout(resolve, 30))
      running--
      return undefined
    }, names)
    const targets = names.map((n, i) => target(n, i === 0 ? 'MASTER' : 'BACKUP', i === 0 ? 110 : 100 - i))
    const result = await l.run({targets, parallel: 2})
    expect(result.ok).toBe(false)
    expect(peak).toBe(2)
    // BACKUPs by priority: b5 95, b4 96, b3 97, b2 98 (fails), b1 99; the MASTER would come last.
    expect(result.hosts.map((h) => `${h.host}:${h.steps.length > 0 ? (h.steps.every((s) => s.ok) ? 'ok' : 'failed') : 'skipped'}`)).toEqual([
      'b5:ok', 'b4:ok', 'b3:ok', 'b2:failed', 'b1:skipped', 'm:skipped',
    ])
  })

  it('a stop request (Ctrl-C) lets the host under way finish and starts no other', async () => {
    let stop = false
    const again = lab()
    const stopped = await again.run({stopRequested: () => again.journal.some((j) => j.startsWith('root@lb3: run reload')) && (stop = true)})
    expect(stop).toBe(true)
    expect(stopped.ok).toBe(false)
    expect(stopped.hosts.map((h) => [h.host, h.steps.length > 0 && h.steps.every((s) => s.ok)])).toEqual([['lb3', true], ['lb2', false], ['lb1', false]])
    expect(writesOf(again, 'lb2')).toEqual([])
    expect(again.events.slice(-2)).toEqual(['lb2 skipped', 'lb1 skipped'])
  })

  it('an unreachable host stops everything before any change, and the others are closed', async () => {
    const journal: string[] = []
    const ok = new FakeHost('root@lb2', journal)
    const promise = runSession(
      {
        targets: [target('lb1', 'MASTER', 110), target('lb2', 'BACKUP', 100)],
        connect: async (t) => {
          if (t.name === 'lb1') throw new UserError('ssh/unreachable', 'root@lb1: cannot connect (connect to host lb1 port 22: No route to host)', {exitCode: 1})
          return ok
        },
        clusterComplete: true,
        dryRun: false,
        confirm: async () => true,
        progress: {step: () => undefined, skipped: () => undefined},
      },
      async () => ({content: HAPROXY_NEW, local: false}),
      [],
    )
    await expect(promise).rejects.toThrow('root@lb1: cannot connect (connect to host lb1 port 22: No route to host) (nothing was changed on any host)')
    expect(ok.closed).toBe(true)
    expect(journal).toEqual([])
  })

  it('never prints secrets: diffs and host output are redacted', async () => {
    const l = lab((command) => (command.startsWith('keepalived -t') ? {exitCode: 1, stderr: 'auth_pass n3wsecret is bad; oldpass1 too\n'} : undefined))
    const result = await l.run({keepalivedPass: 'n3wsecret'})
    const text = JSON.stringify(result)
    expect(text).not.toContain('n3wsecret')
    expect(text).not.toContain('oldpass1')
    expect(result.hosts[0]!.steps[1]!.output).toMatch(/auth_pass <redacted> is bad; <redacted> too$/)
    expect(result.hosts[0]!.diff.filter((c) => c.config === 'keepalived')).toEqual([expect.objectContaining({directive: 'auth_pass', before: 'auth_pass <redacted>', after: 'auth_pass <redacted> (secret changed)'})])
  })
})

describe('secretsOf', () => {
  it('finds stats auth and userlist passwords in haproxy.cfg', () => {
    const text = `${HAPROXY_OLD}listen stats\n    bind :8404\n    stats enable\n    stats auth admin:Sup3rSecret\nuserlist ops\n    user bob insecure-password hunter22\n`
    expect(secretsOf('haproxy', 'h.cfg', text).sort()).toEqual(['Sup3rSecret', 'admin:Sup3rSecret', 'hunter22'])
  })
})

describe('rollback with an in-memory transport', () => {
  function rollbackLab() {
    const journal: string[] = []
    const host = new FakeHost('root@lb1', journal, async (command, h) => {
      if (command !== 'reload-haproxy') return undefined
      h.statsAnswer = {pid: h.statsAnswer!.pid + 1, proxies: [...h.files.get(H)!.data.matchAll(/^(?:frontend|backend) (\S+)/gm)].map((m) => m[1]!)}
      return {exitCode: 0}
    })
    host.files.set(H, {data: HAPROXY_NEW, mode: '640'})
    host.files.set(`${H}.lbctl-3`, {data: HAPROXY_OLD, mode: '640'})
    host.files.set(`${H}.lbctl-4`, {data: `${HAPROXY_OLD}# four\n`, mode: '640'})
    host.files.set(K, {data: keepalived('MASTER', 110), mode: '600'})
    host.files.set(`${K}.lbctl-4`, {data: keepalived('MASTER', 110), mode: '600'})
    host.statsAnswer = {pid: 10, proxies: ['fe', 'app', 'api']}
    host.addresses = ['198.18.0.100']
    const run = (to?: number) =>
      runRollback({
        targets: [target('lb1', 'MASTER', 110)],
        connect: async () => host,
        clusterComplete: true,
        dryRun: false,
        confirm: async () => true,
        progress: {step: () => undefined, skipped: () => undefined},
        verifyTimeoutMs: 0,
        to,
      })
    return {journal, host, run}
  }

  it('restores the newest kept version by default, keeping what it replaces as a new version', async () => {
    const {host, run} = rollbackLab()
    const result = await run()
    expect(result.ok).toBe(true)
    expect(host.files.get(H)!.data).toBe(`${HAPROXY_OLD}# four\n`)
    expect(host.files.get(`${H}.lbctl-5`)!.data).toBe(HAPROXY_NEW)
    expect(result.hosts[0]!.diff.map((c) => `${c.config} ${c.kind} ${c.section} ${c.directive ?? ''}`)).toEqual(['haproxy removed backend app server', 'haproxy removed backend api '])
  })

  it('--to N restores that version; files without version N stay as they are', async () => {
    const {host, run} = rollbackLab()
    const result = await run(3)
    expect(result.ok).toBe(true)
    expect(host.files.get(H)!.data).toBe(HAPROXY_OLD)
    expect(host.files.get(K)!.data).toBe(keepalived('MASTER', 110))
    expect(result.hosts[0]!.steps.at(-1)!.output).toMatch(/proxies fe, app$/m)
  })

  it('an unknown version is refused before anything changes', async () => {
    const {journal, run} = rollbackLab()
    await expect(run(9)).rejects.toThrow('lb1: no version 9 (kept: 3, 4); nothing was changed on any host')
    expect(journal).toEqual([])
  })
})

describe('deploy status with an in-memory transport', () => {
  it('tells local files, a kept version and unknown files apart, and reports unreachable hosts', async () => {
    const journal: string[] = []
    const hosts = new Map(['lb1', 'lb2', 'lb3'].map((n) => [n, new FakeHost(`root@${n}`, journal)]))
    const local = {contentOf: (t: DeployTarget, f: {kind: string}) => (f.kind === 'haproxy' ? HAPROXY_NEW : keepalived(t.role!, t.priority!))}
    hosts.get('lb1')!.files.set(H, {data: HAPROXY_NEW, mode: '640'})
    hosts.get('lb1')!.files.set(K, {data: keepalived('MASTER', 110), mode: '600'})
    for (const name of ['lb2', 'lb3']) {
      const h = hosts.get(name)!
      h.files.set(H, {data: HAPROXY_OLD, mode: '640'})
      h.files.set(K, {data: keepalived('BACKUP', 100), mode: '600'})
      h.files.set(`${H}.lbctl-1`, {data: HAPROXY_OLD, mode: '640'})
      h.files.set(`${K}.lbctl-1`, {data: keepalived('BACKUP', 100), mode: '600'})
      h.files.set(`${H}.lbctl-2`, {data: HAPROXY_NEW, mode: '640'})
      h.files.set(`${K}.lbctl-2`, {data: keepalived('BACKUP', 100), mode: '600'})
    }
    hosts.get('lb3')!.files.set(H, {data: '# edited by hand\n', mode: '640'})
    const targets = [target('lb1', 'MASTER', 110), target('lb2', 'BACKUP', 100), target('lb3', 'BACKUP', 99), target('lb4', 'BACKUP', 98)]
    const status = await deployStatus(
      targets,
      async (t) => {
        if (t.name === 'lb4') throw new UserError('ssh/unreachable', 'lb4: cannot connect (Connection refused)')
        return hosts.get(t.name)!
      },
      local,
    )
    expect(status.hosts.map((h) => [h.host, h.runs, h.versions.map((v) => v.version), h.error ?? null])).toEqual([
      ['lb1', 'local', [], null],
      ['lb2', 'version 1', [1, 2], null],
      ['lb3', 'unknown', [1, 2], null],
      ['lb4', null, [], 'lb4: cannot connect (Connection refused)'],
    ])
    expect(status.hosts[1]!.files!.map((f) => [f.config, f.matchesLocal])).toEqual([['haproxy', false], ['keepalived', true]])
    expect(status.hosts[1]!.version).toBe(status.hosts[1]!.versions[0]!.hash)
    expect([...hosts.values()].every((h) => h.closed)).toBe(true)
    expect(journal).toEqual([])
  })
})
