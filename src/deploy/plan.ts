/**
 * Before anything changes: reach every host (all or nothing), read what each one runs now and work out,
 * per host and file, whether it changes and what the change means.
 */
import type {ConfigReader} from '../config/keepalived/index.js'
import {UserError} from '../errors.js'
import type {DeployHost} from './host.js'
import {remoteIncludeReader} from './remote-includes.js'
import {diffFile, type FileChange} from './semantics.js'
import type {DeployTarget, ManagedFile} from './targets.js'

export interface PlannedFile {
  file: ManagedFile
  /** What the host should run. */
  content: string
  /** What it runs now; undefined when the file does not exist there. */
  current: string | undefined
  /** Byte comparison: an unchanged file is neither uploaded nor reloaded. */
  changed: boolean
  diff: FileChange[]
  /** keepalived: the host's included files, fetched for the diff (their secrets must be masked too). */
  includes?: ConfigReader
}

export interface HostPlan {
  target: DeployTarget
  host: DeployHost
  files: PlannedFile[]
}

export type Connect = (target: DeployTarget) => Promise<DeployHost>

/**
 * Opens every host in parallel. If any cannot be reached, the others are closed and one UserError names
 * every failure: a deploy never starts on some hosts while it cannot reach the rest.
 */
export async function connectAll(targets: DeployTarget[], connect: Connect): Promise<Map<string, DeployHost>> {
  const settled = await Promise.allSettled(targets.map((t) => connect(t)))
  const hosts = new Map<string, DeployHost>()
  const failures: {target: DeployTarget; error: unknown}[] = []
  settled.forEach((s, i) => {
    if (s.status === 'fulfilled') hosts.set(targets[i]!.name, s.value)
    else failures.push({target: targets[i]!, error: s.reason})
  })
  if (failures.length === 0) return hosts
  await Promise.allSettled([...hosts.values()].map((h) => h.close()))
  const first = failures[0]!.error
  const messages = failures.map((f) => (f.error instanceof Error ? f.error.message : String(f.error)))
  const label = failures.length === 1 ? messages[0]! : `${failures.length} hosts could not be used: ${messages.join('; ')}`
  throw new UserError(first instanceof UserError ? first.code : 'ssh/failed', `${label} (nothing was changed on any host)`, {
    hint: first instanceof UserError ? first.hint : 'check the hosts with `ssh HOST true`',
    exitCode: 1,
  })
}

/** For each file of a target: what it should contain, and whether that text comes from this machine (includes resolve locally). */
export type DesiredContent = (target: DeployTarget, file: ManagedFile, host: DeployHost) => Promise<{content: string; local: boolean} | undefined>

/** Reads the current files on every host and diffs them against the desired ones. Files with no desired content are left alone. */
export async function planHosts(targets: DeployTarget[], hosts: Map<string, DeployHost>, desired: DesiredContent): Promise<HostPlan[]> {
  return Promise.all(
    targets.map(async (target): Promise<HostPlan> => {
      const host = hosts.get(target.name)!
      const files = await Promise.all(
        target.files.map(async (file): Promise<PlannedFile | undefined> => {
          const [want, current] = await Promise.all([desired(target, file, host), host.read(file.remotePath)])
          if (!want) return undefined
          const changed = current !== want.content
          // keepalived's includes are the host's: fetched for both texts, so the diff sees what runs there.
          const includes = changed && file.kind === 'keepalived' ? remoteIncludeReader(host) : undefined
          if (includes) {
            if (current !== undefined) await includes.load(file.remotePath, current)
            await includes.load(file.remotePath, want.content)
          }
          return {
            file,
            content: want.content,
            current,
            changed,
            diff: changed ? diffFile(file.kind, file.remotePath, current, file.localPath, want.content, want.local, includes) : [],
            ...(includes ? {includes} : {}),
          }
        }),
      )
      return {target, host, files: files.filter((f): f is PlannedFile => f !== undefined)}
    }),
  )
}
