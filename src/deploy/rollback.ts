/**
 * `lbctl rollback`: put a kept version back with the same steps as a deploy (check on the host, backup of
 * what runs now, atomic rename, reload, verify, restore on failure), so a rollback can itself be undone.
 */
import {UserError} from '../errors.js'
import {type SessionOptions, runSession} from './deploy.js'
import type {DeployHost} from './host.js'
import type {DesiredContent} from './plan.js'
import type {DeployResult} from './result.js'
import type {DeployTarget} from './targets.js'
import {allVersions, backupPath, listVersions} from './versions.js'

export interface RollbackOptions extends SessionOptions {
  /** The version to restore; default the newest kept one (what ran before the last deploy). */
  to?: number
}

export async function runRollback(options: RollbackOptions): Promise<DeployResult> {
  const chosen = new Map<string, Promise<number>>()
  const versionFor = (target: DeployTarget, host: DeployHost): Promise<number> => {
    let version = chosen.get(target.name)
    if (!version) {
      version = listVersions(host, target.files.map((f) => f.remotePath)).then((kept) => {
        const numbers = allVersions(kept)
        const wanted = options.to ?? numbers.at(-1)
        if (wanted === undefined || !numbers.includes(wanted)) {
          throw new UserError(
            'rollback/no-version',
            `${target.name}: ${wanted === undefined ? 'no kept version' : `no version ${wanted}`} (kept: ${numbers.join(', ') || 'none'}); nothing was changed on any host`,
            {hint: '`lbctl deploy status` lists the versions each host keeps', exitCode: 1},
          )
        }
        return wanted
      })
      chosen.set(target.name, version)
    }
    return version
  }
  const desired: DesiredContent = async (target, file, host) => {
    const version = await versionFor(target, host)
    const content = await host.read(backupPath(file.remotePath, version))
    return content === undefined ? undefined : {content, local: false}
  }
  return runSession(options, desired, [])
}
