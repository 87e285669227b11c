/**
 * `lbctl deploy` as a library: validate locally, reach every host, plan (semantic diff per host), stop
 * there on a dry run, ask, then roll out. The command only parses flags and renders.
 */
import {basename} from 'node:path'
import {type ValidateRun, validateConfigs} from '../config/validate.js'
import {readSourceFile} from '../config/source.js'
import {UserError} from '../errors.js'
import {connectAll, type Connect, type DesiredContent, type HostPlan, planHosts} from './plan.js'
import type {DeployResult, Progress} from './result.js'
import {rollout} from './rollout.js'
import {secretMasker, secretsOf} from './semantics.js'
import type {DeployTarget} from './targets.js'

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
  const localPaths = [...new Set(options.targets.flatMap((t) => t.files.map((f) => f.localPath)))]
  const texts = new Map(localPaths.map((p) => [p, readSourceFile(p).text]))
  const keepalivedCount = new Set(options.targets.flatMap((t) => t.files.filter((f) => f.kind === 'keepalived').map((f) => f.localPath))).size
  const validation = await validateConfigs({
    // validate recognises an inventory by its name; under another name it would be an unknown file type.
    paths: [...localPaths, ...(options.inventoryPath && /^lbctl\.ya?ml$/.test(basename(options.inventoryPath)) ? [options.inventoryPath] : [])],
    pair: keepalivedCount > 1,
    strict: false,
    strictEnv: false,
    targetVersion: '2.6',
    oracle: false,
  })
  if (!validation.result.valid) throw new InvalidConfigError(validation)
  const desired: DesiredContent = async (_target, file) => ({content: texts.get(file.localPath)!, local: true})
  const kinds = new Map(options.targets.flatMap((t) => t.files.map((f) => [f.localPath, f.kind] as const)))
  return runSession(options, desired, [...texts].flatMap(([path, text]) => secretsOf(kinds.get(path)!, path, text)))
}

/** Connect → plan → (dry run | confirm → rollout), closing every connection at the end. Shared with rollback. */
export async function runSession(options: SessionOptions, desired: DesiredContent, knownSecrets: string[]): Promise<DeployResult> {
  const hosts = await connectAll(options.targets, options.connect)
  try {
    const plans = await planHosts(options.targets, hosts, desired)
    const secrets = [
      ...knownSecrets,
      ...plans.flatMap((p) => p.files.flatMap((f) => [...(f.current === undefined ? [] : secretsOf(f.file.kind, f.file.remotePath, f.current)), ...secretsOf(f.file.kind, f.file.localPath, f.content)])),
    ]
    const mask = secretMasker(secrets)
    options.showPlan?.(plans)
    if (options.dryRun) return {ok: true, hosts: plans.map((p) => ({host: p.target.name, steps: [], rolledBack: false, diff: p.files.flatMap((f) => f.diff)}))}
    if (!(await options.confirm(plans))) {
      throw new UserError('deploy/cancelled', 'cancelled: nothing was changed on any host', {hint: 'run again and answer y, or pass --yes', exitCode: 1})
    }
    return await rollout(plans, {
      parallel: options.parallel,
      verifyTimeoutMs: options.verifyTimeoutMs,
      progress: options.progress,
      mask,
      cluster: hosts,
      clusterComplete: options.clusterComplete,
    })
  } finally {
    await Promise.allSettled([...hosts.values()].map((h) => h.close()))
  }
}
