/**
 * Running the commands keepalived runs (vrrp_script checks, notify scripts): without a shell,
 * optionally as another user, with a timeout (SIGTERM, then SIGKILL 2 s later, as keepalived).
 * The runner is an interface so unit tests pass a fake (house style 10).
 */
import {readFileSync} from 'node:fs'
import {execa} from 'execa'

export interface RunOptions {
  /** Kill the command after this long (ms); undefined = no limit. */
  timeoutMs?: number
  uid?: number
  gid?: number
}

export type ProcessOutcome =
  | {kind: 'exited'; code: number}
  | {kind: 'signaled'; signal: string}
  | {kind: 'timed_out'}
  /** It could not be started at all (no such file, permission denied, ...). */
  | {kind: 'error'; message: string}

export interface ProcessRunner {
  run(argv: readonly string[], options: RunOptions): Promise<ProcessOutcome>
}

/** keepalived sends SIGTERM on timeout and SIGKILL if the script still runs 2 s later. */
const KILL_AFTER_MS = 2000

export const execaProcessRunner: ProcessRunner = {
  async run(argv, options) {
    const [file, ...args] = argv
    if (file === undefined) return {kind: 'error', message: 'empty command'}
    const result = await execa(file, args, {
      shell: false,
      reject: false,
      stdin: 'ignore',
      stdout: 'ignore',
      stderr: 'ignore',
      ...(options.timeoutMs !== undefined ? {timeout: options.timeoutMs, forceKillAfterDelay: KILL_AFTER_MS} : {}),
      ...(options.uid !== undefined ? {uid: options.uid} : {}),
      ...(options.gid !== undefined ? {gid: options.gid} : {}),
    })
    if (result.timedOut) return {kind: 'timed_out'}
    if (typeof result.exitCode === 'number') return {kind: 'exited', code: result.exitCode}
    if (result.signal) return {kind: 'signaled', signal: result.signal}
    return {kind: 'error', message: (result as {originalMessage?: string}).originalMessage ?? result.shortMessage ?? 'failed to start'}
  },
}

/** `exit 1`, `signal SIGKILL`, `timed out`, `cannot run: ...` — for event messages. */
export function describeOutcome(outcome: ProcessOutcome): string {
  switch (outcome.kind) {
    case 'exited':
      return `exit ${outcome.code}`
    case 'signaled':
      return `signal ${outcome.signal}`
    case 'timed_out':
      return 'timed out'
    case 'error':
      return `cannot run: ${outcome.message}`
  }
}

export interface Identity {
  uid: number
  gid: number
}

/** Reads /etc/passwd and /etc/group (injectable for tests). */
export type AccountFiles = {passwd: () => string; group: () => string}

export const systemAccountFiles: AccountFiles = {
  passwd: () => readFileSync('/etc/passwd', 'utf8'),
  group: () => readFileSync('/etc/group', 'utf8'),
}

/**
 * The uid/gid a `user [group]` names, as keepalived's set_uid_gid(): the user's primary group
 * unless a group is given. Numeric names are not accepted (keepalived looks names up).
 */
export function resolveIdentity(user: string, group: string | undefined, files: AccountFiles = systemAccountFiles): Identity | {problem: string} {
  const entry = findEntry(files.passwd(), user)
  if (!entry) return {problem: `unknown user ${user}`}
  const uid = Number(entry[2])
  let gid = Number(entry[3])
  if (group !== undefined) {
    const groupEntry = findEntry(files.group(), group)
    if (!groupEntry) return {problem: `unknown group ${group}`}
    gid = Number(groupEntry[2])
  }
  return {uid, gid}
}

function findEntry(text: string, name: string): string[] | undefined {
  for (const line of text.split('\n')) {
    const fields = line.split(':')
    if (fields[0] === name && fields.length >= 3) return fields
  }
  return undefined
}
