/**
 * `lbctl deploy` as a library: validate locally, reach every host, plan (semantic diff per host), stop
 * there on a dry run, ask, then roll out. The command only parses flags and renders.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {basename, join} from 'node:path'
import {type ValidateRun, validateConfigs} from '../config/validate.js'
import {UserError} from '../errors.js'
import {readLocalFiles} from './local-files.js'
import {connectAll, type Connect, type DesiredContent, type HostPlan, planHosts} from './plan.js'
import type {DeployResult, Progress} from './result.js'
import {rollout} from './rollout.js'
import {secretMasker, secretsOf} from './semantics.js'
import {type DeployTarget, type ManagedFile, rolloutWaves} from './targets.js'

export interface SessionOptions {
  targets: DeployTarget[]
  connect: Connect
  /** The targets are every node of the inventory (so some host must hold each VIP). */
  clusterComplete: boolean
  dryRun: boolean
  /** Shown the plan; false cancels before anything changes. */
  confirm: (plans: HostPlan[]) => Promise<boolean>
  /** Gets the plan (secrets already redacted in diffs) before confirmation. */
  showPlan?: (plans: HostPlan[]) => void
  progress: Progress
  parallel?: number
  verifyTimeoutMs?: number
  /** See RolloutOptions.stopRequested. */
  stopRequested?: () => boolean
}

export interface DeployOptions extends SessionOptions {
  /** lbctl.yaml, validated with the configs (it tells validate that VIP binds are covered). */
  inventoryPath?: string
}

/** Local validation failed: the command prints the diagnostics, nothing was contacted. */
export class InvalidConfigError extends UserError {
  constructor(readonly run: ValidateRun) {
    const errors = run.result.diagnostics.filter((d) => d.severity === 'error').length
    super('deploy/invalid', `the configs do not pass local validation (${errors} error${errors === 1 ? '' : 's'}); no host was contacted`, {
      hint: 'fix them (`lbctl validate --pair FILES` shows the same report), then deploy again',
      exitCode: 1,
    })
  }
}

export async function runDeploy(options: DeployOptions): Promise<DeployResult> {
  const local = readLocalFiles(options.targets)
  const contentOf = (target: DeployTarget, file: ManagedFile) => local.contentOf(target, file)!
  // Shared files are validated where they are; node templates as one rendered file per node, in a temp dir the
  // report names.
  const paths = new Map<string, string>()
  const renderDir = options.targets.some((t) => t.files.some((f) => f.template)) ? mkdtempSync(join(tmpdir(), 'lbctl-deploy-')) : undefined
  try {
    for (const target of options.targets) {
      for (const file of target.files) {
        if (!file.template) {
          paths.set(file.localPath, file.kind)
          continue
        }
        const path = join(renderDir!, `${basename(file.localPath, '.tmpl')}.${target.name}`)
        writeFileSync(path, contentOf(target, file))
        paths.set(path, file.kind)
      }
    }
    const validation = await validateConfigs({
      // validate recognises an inventory by its content, whatever its name (prod.yaml).
      paths: [...paths.keys(), ...(options.inventoryPath ? [options.inventoryPath] : [])],
      pair: [...paths.values()].filter((kind) => kind === 'keepalived').length > 1,
      strict: false,
      strictEnv: false,
      targetVersion: '2.6',
      oracle: false,
    })
    if (!validation.result.valid) throw new InvalidConfigError(validation)
  } finally {
    if (renderDir) rmSync(renderDir, {recursive: true, force: true})
  }
  const desired: DesiredContent = async (target, file) => ({content: contentOf(target, file), local: true})
  const secrets = options.targets.flatMap((t) => t.files.flatMap((f) => secretsOf(f.kind, f.localPath, contentOf(t, f))))
  return runSession(options, desired, secrets)
}

/** Connect → plan → (dry run | confirm → rollout), closing every connection at the end. Shared with rollback. */
export async function runSession(options: SessionOptions, desired: DesiredContent, knownSecrets: string[]): Promise<DeployResult> {
  const hosts = await connectAll(options.targets, options.connect)
  try {
    // In rollout order (BACKUPs first), so the plan reads in the order things will happen.
    const plans = rolloutWaves(await planHosts(options.targets, hosts, desired), (p) => p.target).flat()
    const secrets = [
      ...knownSecrets,
      ...plans.flatMap((p) => p.files.flatMap((f) => [...(f.current === undefined ? [] : secretsOf(f.file.kind, f.file.remotePath, f.current, f.includes)), ...secretsOf(f.file.kind, f.includes ? f.file.remotePath : f.file.localPath, f.content, f.includes)])),
    ]
    const mask = secretMasker(secrets)
    options.showPlan?.(plans)
    if (options.dryRun) return {ok: true, hosts: plans.map((p) => ({host: p.target.name, steps: [], rolledBack: false, diff: p.files.flatMap((f) => f.diff)}))}
    const nothingToDo = plans.every((p) => p.files.every((f) => !f.changed) && Object.keys(p.target.sysctl).length === 0)
    if (!nothingToDo && !(await options.confirm(plans))) {
      throw new UserError('deploy/cancelled', 'cancelled: nothing was changed on any host', {hint: 'run again and answer y, or pass --yes', exitCode: 1})
    }
    return await rollout(plans, {
      parallel: options.parallel,
      verifyTimeoutMs: options.verifyTimeoutMs,
      progress: options.progress,
      mask,
      cluster: hosts,
      clusterComplete: options.clusterComplete,
      stopRequested: options.stopRequested,
    })
  } finally {
    await Promise.allSettled([...hosts.values()].map((h) => h.close()))
  }
}
