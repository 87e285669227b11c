/**
 * The rollout: per host upload → check with the host's binaries → numbered backup → atomic rename →
 * reload → verify; any failure after the rename puts the previous files back and reloads again.
 * Hosts go BACKUP first, MASTER last, `parallel` at a time, and nothing new starts after a failure.
 */
import {basename, dirname} from 'node:path'
import type {DeployHost} from './host.js'
import type {HostPlan, PlannedFile} from './plan.js'
import type {DeployResult, HostResult, Progress, StepResult} from './result.js'
import {expectedProxies} from './semantics.js'
import {shellQuote} from './ssh.js'
import {type FileKind, rolloutWaves} from './targets.js'
import {allVersions, backupPath, listVersions, pruneVersions} from './versions.js'

export interface RolloutOptions {
  /** Hosts changed at the same time within a wave (BACKUPs, then MASTERs). Default 1. */
  parallel?: number
  /** How long verify waits for haproxy to answer with the new config and for the VIP to settle. */
  verifyTimeoutMs?: number
  progress: Progress
  /** Redacts secrets from every output. */
  mask: (text: string) => string
  /** Every connected host, for the VIP check (exactly one holder per VIP). */
  cluster: Map<string, DeployHost>
  /** True when `cluster` is every node of the inventory, so some host must hold each VIP. */
  clusterComplete: boolean
  now?: () => number
  sleep?: (ms: number) => Promise<void>
  pollMs?: number
  /** Command timeouts for checks and reloads. */
  commandTimeoutMs?: number
  /** Asked before each host starts: true stops the rollout there (Ctrl-C), hosts already under way finish. */
  stopRequested?: () => boolean
}

class StepFailed extends Error {}

export async function rollout(plans: HostPlan[], options: RolloutOptions): Promise<DeployResult> {
  const parallel = Math.max(1, options.parallel ?? 1)
  const results = new Map<string, HostResult>()
  let failed: string | undefined
  const ordered = rolloutWaves(plans, (p) => p.target)
  for (const wave of ordered) {
    const queue = [...wave]
    const worker = async () => {
      for (let plan = queue.shift(); plan; plan = queue.shift()) {
        if (failed || options.stopRequested?.()) break
        const result = await deployHost(plan, options)
        results.set(plan.target.name, result)
        if (!hostOk(result)) failed ??= plan.target.name
      }
    }
    await Promise.all(Array.from({length: Math.min(parallel, wave.length)}, worker))
    if (failed || options.stopRequested?.()) break
  }
  const hosts = ordered.flat().map((plan): HostResult => {
    const done = results.get(plan.target.name)
    if (done) return done
    options.progress.skipped(plan.target.name, failed ? `not deployed: ${failed} failed first` : 'not deployed: stopped (Ctrl-C)')
    return {host: plan.target.name, steps: [], rolledBack: false, diff: plan.files.flatMap((f) => f.diff)}
  })
  return {ok: failed === undefined && hosts.every(hostOk), hosts}
}

export function hostOk(result: HostResult): boolean {
  return result.steps.length > 0 && result.steps.every((s) => s.ok)
}

async function deployHost(plan: HostPlan, options: RolloutOptions): Promise<HostResult> {
  const {host, target} = plan
  const now = options.now ?? Date.now
  const result: HostResult = {host: target.name, steps: [], rolledBack: false, diff: plan.files.flatMap((f) => f.diff)}
  const step = async (name: string, body: () => Promise<string>): Promise<boolean> => {
    options.progress.step(target.name, name, 'run')
    const started = now()
    let ok = true
    let output: string
    try {
      output = await body()
    } catch (error) {
      ok = false
      output = error instanceof Error ? error.message : String(error)
    }
    const step: StepResult = {name, ok, ms: Math.round(now() - started), output: options.mask(output.trimEnd())}
    result.steps.push(step)
    options.progress.step(target.name, name, ok ? 'ok' : 'fail', step)
    return ok
  }
  const run = async (command: string) => {
    const r = await host.run(command, options.commandTimeoutMs ?? 60_000)
    const said = `${r.stdout}${r.stderr}`.trim()
    if (r.exitCode !== 0) throw new StepFailed(`${command}: ${r.exitCode === -1 ? 'timed out' : `exit ${r.exitCode}`}${said ? `\n${said}` : ''}`)
    return said
  }

  if (Object.keys(target.sysctl).length > 0 && !(await step('sysctl', () => applySysctl(target.sysctl, target.sysctlFile, run)))) return result
  const changed = plan.files.filter((f) => f.changed)
  if (changed.length === 0) {
    await step('unchanged', async () => `${plan.files.map((f) => f.file.remotePath).join(', ')} already match; nothing to reload`)
    return result
  }
  const tmp = (f: PlannedFile) => `${dirname(f.file.remotePath)}/.${basename(f.file.remotePath)}.lbctl-new`
  const dropTemps = () => Promise.allSettled(changed.map((f) => host.remove(tmp(f))))

  const uploaded = await step('upload', async () => {
    const lines = await Promise.all(
      changed.map(async (f) => {
        const mode = (await host.mode(f.file.remotePath)) ?? '640'
        await host.write(tmp(f), f.content, `0${mode}`)
        return `${tmp(f)} (${Buffer.byteLength(f.content)} bytes, mode ${mode})`
      }),
    )
    return lines.join('\n')
  })
  if (!uploaded) {
    await dropTemps()
    return result
  }
  const checked = await step('check', async () => {
    // Both checks run, so a failure reports every file's problems at once.
    const settled = await Promise.allSettled(changed.map((f) => run(f.file.check.replaceAll('{file}', shellQuote(tmp(f))))))
    const failures = settled.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []))
    if (failures.length > 0) throw new StepFailed(failures.join('\n'))
    return settled.map((r, i) => `${changed[i]!.file.kind}: ${(r.status === 'fulfilled' && r.value.split('\n').at(-1)) || 'ok'}`).join('\n')
  })
  if (!checked) {
    await dropTemps()
    return result
  }

  const paths = plan.files.map((f) => f.file.remotePath)
  let version = 0
  const backedUp = await step('backup', async () => {
    const existing = await listVersions(host, paths)
    version = (allVersions(existing).at(-1) ?? 0) + 1
    const present = plan.files.filter((f) => f.current !== undefined)
    await Promise.all(present.map((f) => host.copy(f.file.remotePath, backupPath(f.file.remotePath, version))))
    const kept = present.map((f) => backupPath(f.file.remotePath, version))
    for (const f of present) existing.get(f.file.remotePath)!.push(version)
    const pruned = await pruneVersions(host, existing)
    return `version ${version}: ${kept.join(', ') || 'no previous files'}${pruned.length > 0 ? `; removed old versions ${pruned.join(', ')}` : ''}`
  })
  if (!backedUp) {
    await dropTemps()
    if (version > 0) await Promise.allSettled(plan.files.map((f) => host.remove(backupPath(f.file.remotePath, version))))
    return result
  }

  const haproxyFile = plan.files.find((f) => f.file.kind === 'haproxy')
  const pidBefore = haproxyFile?.changed && target.statsSocket ? await host.stats(target.statsSocket).then((s) => s.pid, () => undefined) : undefined
  // Daemons whose reload succeeded with the new files: they may run them even after the files are taken back.
  const reloadedNew = new Set<FileKind>()
  const reloads = (files: PlannedFile[], done?: Set<FileKind>) => async () => {
    const lines: string[] = []
    for (const kind of ['haproxy', 'keepalived'] as FileKind[]) {
      const f = files.find((x) => x.file.kind === kind)
      if (!f) continue
      const said = await run(f.file.reload)
      done?.add(kind)
      lines.push(`${f.file.reload}${said ? `: ${said}` : ''}`)
    }
    return lines.join('\n')
  }
  const completed =
    (await step('install', async () => {
      await Promise.all(changed.map((f) => host.rename(tmp(f), f.file.remotePath)))
      return changed.map((f) => f.file.remotePath).join(', ')
    })) &&
    (await step('reload', reloads(changed, reloadedNew))) &&
    (await step('verify', () => verify(plan, (f) => f.content, pidBefore, options)))
  if (completed) return result

  // Put back what ran before, reload it and check it serves again. Version `version` is consumed by the restore.
  // A file the host did not have before is removed and its daemon is not reloaded: there was no working config
  // to go back to, and a reload without one can only fail (and hide the error that matters).
  result.rolledBack = true
  const restorable = changed.filter((f) => f.current !== undefined)
  const created = changed.filter((f) => f.current === undefined)
  const restored = await step('restore', async () => {
    await Promise.all(
      plan.files.map(async (f) => {
        const backup = backupPath(f.file.remotePath, version)
        if (f.current === undefined) {
          if (f.changed) await host.remove(f.file.remotePath)
        } else if (f.changed) {
          await host.rename(backup, f.file.remotePath)
        } else {
          await host.remove(backup)
        }
      }),
    )
    await dropTemps()
    return [
      ...(restorable.length > 0 ? [`previous ${restorable.map((f) => f.file.remotePath).join(', ')} back in place`] : []),
      ...created.map((f) => {
        const still = reloadedNew.has(f.file.kind)
          ? `; ${f.file.kind} was reloaded with it and may still run it: check it on the host (stop it if it must not run)`
          : `; ${f.file.kind} not reloaded`
        return `nothing to restore for ${f.file.remotePath}: the host had none before this deploy, the new one is removed${still}`
      }),
    ].join('\n')
  })
  if (restored && restorable.length > 0 && (await step('reload (restore)', reloads(restorable)))) {
    await step('verify (restore)', () => verify(plan, (f) => f.current, undefined, options))
  }
  return result
}

/** sysctl -w for the values that differ, and the persisted file when it differs: one remote command. */
async function applySysctl(sysctl: Record<string, string>, file: string, run: (command: string) => Promise<string>): Promise<string> {
  const persisted = `# written by lbctl deploy (lbctl.yaml sysctl)\n${Object.entries(sysctl).map(([k, v]) => `${k} = ${v}`).join('\n')}\n`
  const script = [
    'set -e',
    ...Object.entries(sysctl).map(
      ([k, v]) => `cur=$(sysctl -n ${shellQuote(k)}); if [ "$cur" != ${shellQuote(v)} ]; then sysctl -q -w ${shellQuote(`${k}=${v}`)}; echo "${k} $cur → ${v}"; fi`,
    ),
    `if ! printf '%s' ${shellQuote(persisted)} | cmp -s - ${shellQuote(file)}; then printf '%s' ${shellQuote(persisted)} > ${shellQuote(file)}; echo "persisted in ${file}"; fi`,
  ].join('\n')
  return (await run(script)) || 'already set'
}

/**
 * After a reload: haproxy answers on its stats socket from a new process (when it was reloaded) and lists
 * every proxy of the config; keepalived's process is alive; each VIP is held by exactly one host.
 */
async function verify(plan: HostPlan, contentOf: (f: PlannedFile) => string | undefined, pidBefore: number | undefined, options: RolloutOptions): Promise<string> {
  const {host, target} = plan
  const now = options.now ?? Date.now
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)))
  const deadline = now() + (options.verifyTimeoutMs ?? 10_000)
  const pollMs = options.pollMs ?? 200
  const lines: string[] = []

  const haproxy = plan.files.find((f) => f.file.kind === 'haproxy')
  const haproxyText = haproxy ? contentOf(haproxy) : undefined
  if (target.statsSocket && haproxy && haproxyText !== undefined) {
    const expected = expectedProxies(haproxy.file.remotePath, haproxyText)
    let problem = ''
    for (;;) {
      try {
        const answer = await host.stats(target.statsSocket)
        const missing = expected.filter((p) => !answer.proxies.includes(p))
        if (pidBefore !== undefined && answer.pid === pidBefore) problem = `haproxy still answers from the old process (pid ${pidBefore}): the reload did not start a new one`
        else if (missing.length > 0) problem = `haproxy does not list ${missing.join(', ')} (it lists ${answer.proxies.join(', ') || 'nothing'})`
        else {
          lines.push(`haproxy answers on ${target.statsSocket}: pid ${pidBefore !== undefined ? `${pidBefore} → ` : ''}${answer.pid}, proxies ${expected.join(', ')}`)
          break
        }
      } catch (error) {
        problem = `haproxy does not answer on ${target.statsSocket}: ${(error as Error).message}`
      }
      if (now() >= deadline) throw new StepFailed(problem)
      await sleep(pollMs)
    }
  }

  const keepalived = plan.files.find((f) => f.file.kind === 'keepalived')
  if (keepalived && target.keepalivedPidFile && contentOf(keepalived) !== undefined) {
    const pidFile = shellQuote(target.keepalivedPidFile)
    const r = await host.run(`pid=$(cat ${pidFile}) && kill -0 "$pid" && echo "$pid"`, 10_000)
    if (r.exitCode !== 0) throw new StepFailed(`keepalived is not running (pid file ${target.keepalivedPidFile}): ${(r.stderr || r.stdout).trim() || `exit ${r.exitCode}`}`)
    lines.push(`keepalived running (pid ${r.stdout.trim()})`)
  }

  for (const vip of target.vips) {
    let holders: string[] = []
    for (;;) {
      holders = await vipHolders(vip.address, options.cluster)
      const sane = holders.length === 1 || (!options.clusterComplete && holders.length === 0)
      if (sane) break
      if (now() >= deadline) {
        throw new StepFailed(holders.length === 0 ? `no host holds the VIP ${vip.address}` : `the VIP ${vip.address} is on ${holders.join(' and ')} at once (split brain)`)
      }
      await sleep(pollMs)
    }
    lines.push(holders.length === 1 ? `VIP ${vip.address} on ${holders[0]}` : `VIP ${vip.address} on none of the deployed hosts`)
  }
  return lines.join('\n') || 'nothing to verify'
}

async function vipHolders(address: string, cluster: Map<string, DeployHost>): Promise<string[]> {
  const found = await Promise.all(
    [...cluster].map(async ([name, host]) => {
      const r = await host.run('ip -o -4 addr show', 10_000)
      const addresses = [...r.stdout.matchAll(/\binet\s+([\d.]+)\//g)].map((m) => m[1])
      return addresses.includes(address) ? name : undefined
    }),
  )
  return found.filter((n): n is string => n !== undefined)
}
