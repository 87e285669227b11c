/**
 * Numbered backups next to each target file: `/etc/haproxy/haproxy.cfg.lbctl-7` holds what ran before
 * deploy number 7 replaced it. One number covers every file of a host, so `rollback --to 7` restores a
 * consistent set. The last KEEP_VERSIONS numbers are kept.
 */
import type {DeployHost} from './host.js'

export const KEEP_VERSIONS = 5
const SUFFIX = '.lbctl-'

export function backupPath(remotePath: string, version: number): string {
  return `${remotePath}${SUFFIX}${version}`
}

/** The version numbers kept on the host for each file, newest last. */
export async function listVersions(host: DeployHost, remotePaths: string[]): Promise<Map<string, number[]>> {
  const lists = await Promise.all(remotePaths.map((path) => host.list(`${path}${SUFFIX}`)))
  return new Map(
    remotePaths.map((path, i) => [
      path,
      lists[i]!
        .map((p) => p.slice(path.length + SUFFIX.length))
        .filter((n) => /^\d+$/.test(n))
        .map(Number)
        .sort((a, b) => a - b),
    ]),
  )
}

/** Every version number kept for any of the files, ascending. */
export function allVersions(versions: Map<string, number[]>): number[] {
  return [...new Set([...versions.values()].flat())].sort((a, b) => a - b)
}

/** Removes all but the newest KEEP_VERSIONS versions (from a listing that includes the new one); returns the numbers removed. */
export async function pruneVersions(host: DeployHost, versions: Map<string, number[]>): Promise<number[]> {
  const numbers = allVersions(versions)
  const old = numbers.slice(0, Math.max(0, numbers.length - KEEP_VERSIONS))
  await Promise.all(old.flatMap((n) => [...versions].filter(([, kept]) => kept.includes(n)).map(([path]) => host.remove(backupPath(path, n)))))
  return old
}
