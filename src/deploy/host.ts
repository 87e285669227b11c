/**
 * The operations a rollout performs on one host, as a small interface: over ssh in real use,
 * in memory in the planning and ordering tests (fake-host.ts).
 */
import {RuntimeApiClient} from '../observe/runtime-api.js'
import {expandBraces} from '../config/keepalived/reader.js'
import {type ExecResult, shellQuote, type SshHost} from './ssh.js'

export interface StatsAnswer {
  /** haproxy's pid from `show info` (changes when a reload really starts a new process). */
  pid: number
  /** Every proxy name `show stat` lists (frontends, backends, listens). */
  proxies: string[]
}

export interface DeployHost {
  readonly dest: string
  read(path: string): Promise<string | undefined>
  /** Writes with mode 0600 unless `mode` says otherwise. */
  write(path: string, data: string, mode?: string): Promise<void>
  /** Copies keeping mode and owner. */
  copy(from: string, to: string): Promise<void>
  /** rename(2): atomic within one file system. */
  rename(from: string, to: string): Promise<void>
  remove(path: string): Promise<void>
  /** Files named `prefix*` (full paths), unsorted. */
  list(prefix: string): Promise<string[]>
  /** Regular files matching a glob(3) pattern with `{a,b}` (keepalived's `include`), sorted. */
  glob(pattern: string): Promise<string[]>
  /** octal mode of a file, e.g. '644', or undefined when it does not exist. */
  mode(path: string): Promise<string | undefined>
  run(command: string, timeoutMs?: number): Promise<ExecResult>
  /** Asks haproxy's stats socket on the host (`show info`, `show stat`). Throws when it does not answer. */
  stats(socket: string): Promise<StatsAnswer>
  close(): Promise<void>
}

/** A DeployHost over an ssh connection: each file operation is one remote shell command. */
export function sshDeployHost(ssh: SshHost): DeployHost {
  const forwards = new Map<string, string>()
  const must = async (command: string, what: string) => {
    const result = await ssh.exec(command)
    if (result.exitCode !== 0) throw new Error(`${what}: ${(result.stderr || result.stdout).trim() || `exit ${result.exitCode}`}`)
    return result.stdout
  }
  return {
    dest: ssh.dest,
    read: (path) => ssh.readFile(path),
    write: (path, data, mode = '0600') => ssh.writeFile(path, data, {mode}),
    copy: async (from, to) => void (await must(`cp -p -- ${shellQuote(from)} ${shellQuote(to)}`, `copying ${from} to ${to}`)),
    rename: async (from, to) => void (await must(`mv -f -- ${shellQuote(from)} ${shellQuote(to)}`, `renaming ${from} to ${to}`)),
    remove: async (path) => void (await must(`rm -f -- ${shellQuote(path)}`, `removing ${path}`)),
    list: async (prefix) => {
      const out = await must(`for f in ${shellQuote(prefix)}*; do [ -e "$f" ] && printf '%s\\n' "$f"; done; true`, `listing ${prefix}*`)
      return out.split('\n').filter(Boolean)
    },
    glob: async (pattern) => {
      const words = expandBraces(pattern).map(shellGlobWord).join(' ')
      const out = await must(`for f in ${words}; do [ -f "$f" ] && printf '%s\\n' "$f"; done; true`, `expanding ${pattern}`)
      return [...new Set(out.split('\n').filter(Boolean))].sort()
    },
    mode: async (path) => {
      const result = await ssh.exec(`stat -c %a -- ${shellQuote(path)} 2>/dev/null`)
      return result.exitCode === 0 ? result.stdout.trim() : undefined
    },
    run: (command, timeoutMs) => ssh.exec(command, {timeoutMs: timeoutMs ?? 60_000}),
    stats: async (socket) => {
      let local = forwards.get(socket)
      if (!local) {
        local = await ssh.forwardUnixSocket(socket)
        forwards.set(socket, local)
      }
      const client = RuntimeApiClient.connect(local, {timeoutMs: 3000})
      const info = await client.showInfo()
      const rows = await client.showStat()
      return {pid: info.pid ?? 0, proxies: [...new Set(rows.map((r) => r.proxy))]}
    },
    close: () => ssh.close(),
  }
}

/**
 * A glob pattern as one shell word that sh expands the way glob(3) does: `*`, `?` and simple `[...]` stay
 * unquoted, every other character is quoted (so a pattern from a host's config cannot run anything).
 */
export function shellGlobWord(pattern: string): string {
  const parts = pattern.split(/(\*|\?|\[!?\]?[\w.,:+-]*\])/)
  return parts.map((part, i) => (i % 2 === 1 ? part : part === '' ? '' : shellQuote(part))).join('') || "''"
}
