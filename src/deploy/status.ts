/**
 * `lbctl deploy status`: what each host runs, as hashes of its deployed files, compared with the local
 * files and with the versions it keeps.
 */
import {createHash} from 'node:crypto'
import type {LocalFiles} from './local-files.js'
import type {Connect} from './plan.js'
import type {DeployTarget, FileKind} from './targets.js'
import {allVersions, backupPath, listVersions} from './versions.js'

export interface FileStatus {
  config: FileKind
  path: string
  /** sha256 of the file on the host (first 12 hex digits); null when it does not exist. */
  sha256: string | null
  /** Whether it is byte for byte the local file a deploy would install; null when there is no local file. */
  matchesLocal: boolean | null
}

export interface HostStatus {
  host: string
  dest: string
  /** null when the host could not be reached (see error). */
  files: FileStatus[] | null
  /** One hash over every deployed file: equal on two hosts ⇔ same files (for a shared haproxy.cfg). */
  version: string | null
  /** `local` (runs the local files), `version N` (the same as kept version N) or `unknown`. */
  runs: string | null
  /** Kept versions, newest last, with the same combined hash. */
  versions: {version: number; hash: string}[]
  error?: string
}

export interface StatusResult {
  hosts: HostStatus[]
}

export async function deployStatus(targets: DeployTarget[], connect: Connect, local: LocalFiles): Promise<StatusResult> {
  const hosts = await Promise.all(
    targets.map(async (target): Promise<HostStatus> => {
      let host
      try {
        host = await connect(target)
      } catch (error) {
        return {host: target.name, dest: target.dest, files: null, version: null, runs: null, versions: [], error: (error as Error).message}
      }
      try {
        const [current, kept] = await Promise.all([Promise.all(target.files.map((f) => host.read(f.remotePath))), listVersions(host, target.files.map((f) => f.remotePath))])
        const files = target.files.map((file, i): FileStatus => {
          const text = current[i]
          const wanted = local.contentOf(target, file)
          return {config: file.kind, path: file.remotePath, sha256: text === undefined ? null : sha(text), matchesLocal: wanted === undefined ? null : wanted === text}
        })
        const version = combined(current)
        const versions = await Promise.all(
          allVersions(kept).map(async (n) => ({version: n, hash: combined(await Promise.all(target.files.map((f) => host.read(backupPath(f.remotePath, n)))))})),
        )
        const match = [...versions].reverse().find((v) => v.hash === version)
        const runs = files.every((f) => f.matchesLocal === true) ? 'local' : match ? `version ${match.version}` : 'unknown'
        return {host: target.name, dest: target.dest, files, version, runs, versions}
      } finally {
        await host.close()
      }
    }),
  )
  return {hosts}
}

export function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12)
}

function combined(texts: (string | undefined)[]): string {
  return sha(texts.map((t) => (t === undefined ? '-' : sha(t))).join('\n'))
}
