/**
 * `lbctl deploy` as a library: validate locally, reach every host, plan (semantic diff per host), stop
 * there on a dry run, ask, then roll out. The command only parses flags and renders.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {basename, join} from 'node:path'
import {type ValidateRun, validateConfigs} from '../config/validate.js'
import {readSourceFile} from '../config/source.js'
import {UserError} from '../errors.js'
import {renderTemplate, type TemplateContext, TemplateError} from '../init/template.js'
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
  // Templates become one file per node, validated like any other (in a temp dir the report names).
  const rendered = new Map<string, {path: string; text: string}>()
  const renderDir = options.targets.some((t) => t.files.some((f) => f.template)) ? mkdtempSync(join(tmpdir(), 'lbctl-deploy-')) : undefined
  try {
    for (const target of options.targets) {
      for (const file of target.files) {
        if (!file.template) continue
        const text = renderNodeTemplate(file.localPath, texts.get(file.localPath)!, file.template)
        const path = join(renderDir!, `${basename(file.localPath, '.tmpl')}.${target.name}`)
        writeFileSync(path, text)
        rendered.set(`${target.name}\0${file.localPath}`, {path, text})
      }
    }
    const validated = [...localPaths.filter((p) => !options.targets.some((t) => t.files.some((f) => f.localPath === p && f.template))), ...[...rendered.values()].map((r) => r.path)]
    const keepalivedFiles = new Set(options.targets.flatMap((t) => t.files.filter((f) => f.kind === 'keepalived').map((f) => (f.template ? rendered.get(`${t.name}\0${f.localPath}`)!.path : f.localPath))))
    const validation = await validateConfigs({
      // validate recognises an inventory by its name; under another name it would be an unknown file type.
      paths: [...validated, ...(options.inventoryPath && /^lbctl\.ya?ml$/.test(basename(options.inventoryPath)) ? [options.inventoryPath] : [])],
      pair: keepalivedFiles.size > 1,
      strict: false,
      strictEnv: false,
      targetVersion: '2.6',
      oracle: false,
    })
    if (!validation.result.valid) throw new InvalidConfigError(validation)
  } finally {
    if (renderDir) rmSync(renderDir, {recursive: true, force: true})
  }
  const contentOf = (target: DeployTarget, file: ManagedFile) => (file.template ? rendered.get(`${target.name}\0${file.localPath}`)!.text : texts.get(file.localPath)!)
  const desired: DesiredContent = async (target, file) => ({content: contentOf(target, file), local: true})
  const secrets = options.targets.flatMap((t) => t.files.flatMap((f) => secretsOf(f.kind, f.localPath, contentOf(t, f))))
  return runSession(options, desired, secrets)
}

function renderNodeTemplate(path: string, text: string, context: TemplateContext): string {
  try {
    return renderTemplate(path, text, context)
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error
    throw new UserError('deploy/template', error.message, {hint: `a node template can use: ${Object.keys(context).join(', ')}`})
  }
}

/** Connect → plan → (dry run | confirm → rollout), closing every connection at the end. Shared with rollback. */
export async function runSession(options: SessionOptions, desired: DesiredContent, knownSecrets: string[]): Promise<DeployResult> {
  const hosts = await connectAll(options.targets, options.connect)
  try {
    // In rollout order (BACKUPs first), so the plan reads in the order things will happen.
    const plans = rolloutWaves(await planHosts(options.targets, hosts, desired), (p) => p.target).flat()
    const secrets = [
      ...knownSecrets,
      ...plans.flatMap((p) => p.files.flatMap((f) => [...(f.current === undefined ? [] : secretsOf(f.file.kind, f.file.remotePath, f.current)), ...secretsOf(f.file.kind, f.file.localPath, f.content)])),
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
    })
  } finally {
    await Promise.allSettled([...hosts.values()].map((h) => h.close()))
  }
}
