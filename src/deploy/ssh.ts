/**
 * OpenSSH through execa: the user's own `ssh`, so ~/.ssh/config, agents, jump hosts and known_hosts
 * behave exactly as they do at the shell. One ControlMaster connection per host; every command,
 * file transfer and port forward rides on it. Host keys are checked strictly and never accepted silently.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {execa} from 'execa'
import {UserError} from '../errors.js'

export interface SshOptions {
  /** `ssh -F FILE` instead of ~/.ssh/config. */
  configFile?: string
  /** `ssh -i KEY`. */
  identityFile?: string
  /** `-o UserKnownHostsFile=FILE`. */
  knownHostsFile?: string
  /** More `-o Key=Value` settings, passed as given. */
  options?: string[]
  /** Seconds to wait for the TCP connection (ConnectTimeout); default 10. */
  connectTimeoutSec?: number
  /** The ssh binary; default `ssh` from PATH. */
  sshBinary?: string
}

export interface ExecResult {
  stdout: string
  stderr: string
  /** The remote command's exit status; 255 when ssh itself failed, -1 when it timed out. */
  exitCode: number
}

/** What deploy, top and failover-test need from one remote host. */
export interface RemoteHost {
  /** The destination as the user wrote it. */
  readonly dest: string
  /** Runs a shell command line on the host (the user's login shell parses it: quote with shellQuote). */
  exec(command: string, options?: {input?: string; timeoutMs?: number}): Promise<ExecResult>
  /** A file's contents, or undefined when it does not exist. */
  readFile(path: string): Promise<string | undefined>
  /** Writes a file through `cat >` (no scp/sftp needed); `mode` is an octal string such as '0600'. */
  writeFile(path: string, data: string, options?: {mode?: string}): Promise<void>
  close(): Promise<void>
}

export interface SshHost extends RemoteHost {
  /** Forwards a local Unix socket to `remotePath` on the host (e.g. a stats socket); returns the local path. */
  forwardUnixSocket(remotePath: string): Promise<string>
  /** Forwards a local TCP port on 127.0.0.1 to `remoteHost:remotePort` as seen from the host; returns the port. */
  forwardTcp(remoteHost: string, remotePort: number): Promise<number>
}

export interface Destination {
  /** What ssh gets as its destination argument: `host`, `user@host`, an alias or an ssh:// URI. */
  target: string
  port?: number
}

/** Splits `host:port` / `user@host:port` / `[v6]:port` into a destination and `-p`; everything else passes through. */
export function parseDestination(dest: string): Destination {
  const trimmed = dest.trim()
  if (trimmed === '' || /\s/.test(trimmed) || trimmed.startsWith('-')) {
    throw new UserError('ssh/destination', `"${dest}" is not an ssh destination`, {hint: 'use host, user@host, host:port or an alias from ~/.ssh/config'})
  }
  if (trimmed.startsWith('ssh://')) return {target: trimmed}
  const at = trimmed.lastIndexOf('@')
  const user = at >= 0 ? trimmed.slice(0, at + 1) : ''
  const hostPart = trimmed.slice(at + 1)
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(hostPart)
  if (bracketed) return withPort(user + bracketed[1], bracketed[2], dest)
  const colons = hostPart.split(':').length - 1
  if (colons === 1) {
    const [host, port] = hostPart.split(':') as [string, string]
    return withPort(user + host, port, dest)
  }
  return {target: trimmed}
}

function withPort(target: string, port: string | undefined, dest: string): Destination {
  if (port === undefined) return {target}
  const n = Number(port)
  if (!/^\d+$/.test(port) || n < 1 || n > 65535) throw new UserError('ssh/destination', `"${dest}": port must be 1-65535`, {hint: 'write host:port, e.g. lb1.example.com:2222'})
  return {target, port: n}
}

/** Quotes one word for a POSIX shell. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`
}

/**
 * Opens the master connection to `dest` (authenticates, checks the host key) and returns the host.
 * Connection problems are UserErrors that say what to do (unknown host key, refused, unreachable, auth).
 */
export async function openSsh(dest: string, options: SshOptions = {}): Promise<SshHost> {
  const destination = parseDestination(dest)
  const dir = mkdtempSync(join(tmpdir(), 'lbctl-ssh-'))
  const controlPath = join(dir, 'cm')
  const base = baseArgs(destination, controlPath, options)
  const ssh = options.sshBinary ?? 'ssh'
  // -f: go to the background once authenticated; -N: no command. ControlPersist ends an idle master on its own
  // if lbctl dies without closing it.
  const master = await execa(ssh, [...base, '-o', 'ControlMaster=yes', '-o', 'ControlPersist=60', '-f', '-N', '--', destination.target], {
    reject: false,
    stdin: 'ignore',
    timeout: ((options.connectTimeoutSec ?? 10) + 20) * 1000,
  })
  if (master.exitCode !== 0) {
    let stderr = String(master.stderr)
    // With ControlPersist ssh sends a ProxyCommand's stderr (the jump host's "connect to host ...") to /dev/null;
    // one plain attempt recovers those words.
    if (/kex_exchange_identification|Connection closed/i.test(stderr) && /ProxyCommand|ProxyJump/i.test(await effectiveConfig(ssh, base, destination))) {
      const plain = await execa(ssh, [...base, '-o', 'ControlPath=none', '--', destination.target, 'true'], {reject: false, stdin: 'ignore', timeout: ((options.connectTimeoutSec ?? 10) + 20) * 1000})
      if (plain.exitCode !== 0) stderr = String(plain.stderr)
    }
    rmSync(dir, {recursive: true, force: true})
    throw connectionError(dest, stderr, master.timedOut)
  }
  return new OpenSshHost(dest, destination, ssh, base, dir)
}

/** `ssh -G`: the settings ssh would use for this destination after reading its config. */
async function effectiveConfig(ssh: string, base: string[], destination: Destination): Promise<string> {
  const result = await execa(ssh, [...base, '-G', '--', destination.target], {reject: false, stdin: 'ignore', timeout: 10_000})
  return String(result.stdout)
}

function baseArgs(destination: Destination, controlPath: string, options: SshOptions): string[] {
  const args: string[] = []
  if (options.configFile) args.push('-F', options.configFile)
  if (options.identityFile) args.push('-i', options.identityFile)
  if (destination.port !== undefined) args.push('-p', String(destination.port))
  if (options.knownHostsFile) args.push('-o', `UserKnownHostsFile=${options.knownHostsFile}`)
  for (const option of options.options ?? []) args.push('-o', option)
  // Command-line settings win over ~/.ssh/config, so these hold whatever the user's config says.
  args.push(
    '-o', 'BatchMode=yes',
    '-o', 'StrictHostKeyChecking=yes',
    '-o', `ConnectTimeout=${options.connectTimeoutSec ?? 10}`,
    '-o', 'ServerAliveInterval=5',
    '-o', 'ServerAliveCountMax=3',
    '-o', `ControlPath=${controlPath}`,
    '-o', 'LogLevel=ERROR',
  )
  return args
}

class OpenSshHost implements SshHost {
  private forwards = 0
  private closed = false

  constructor(
    readonly dest: string,
    private readonly destination: Destination,
    private readonly ssh: string,
    private readonly base: string[],
    private readonly dir: string,
  ) {}

  async exec(command: string, options: {input?: string; timeoutMs?: number} = {}): Promise<ExecResult> {
    const timeoutMs = options.timeoutMs ?? 60_000
    const subprocess = execa(this.ssh, [...this.base, '-o', 'ControlMaster=no', '-T', '--', this.destination.target, command], {
      reject: false,
      ...(options.input === undefined ? {stdin: 'ignore' as const} : {input: options.input}),
      // Collected below as it arrives, so a timed-out command still reports what it said.
      buffer: false,
    })
    let stdout = ''
    let stderr = ''
    subprocess.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    subprocess.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    let timer: NodeJS.Timeout | undefined
    // The mux client hands its stdio to the master, so killing it does not close the pipes: drop them ourselves.
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)))
    const outcome = await Promise.race([subprocess, timedOut])
    clearTimeout(timer)
    if (outcome === 'timeout') {
      subprocess.kill('SIGKILL')
      subprocess.stdout.destroy()
      subprocess.stderr.destroy()
      await subprocess.catch(() => undefined)
      return {stdout, stderr: `${stderr}timed out after ${timeoutMs} ms`, exitCode: -1}
    }
    return {stdout, stderr, exitCode: outcome.exitCode ?? 255}
  }

  async readFile(path: string): Promise<string | undefined> {
    const q = shellQuote(path)
    // 3 is "no such file", told apart from a read error so the caller never mistakes one for the other.
    const result = await this.exec(`if [ -e ${q} ]; then cat -- ${q}; else exit 3; fi`)
    if (result.exitCode === 3) return undefined
    if (result.exitCode !== 0) throw this.failure(`reading ${path}`, result)
    return result.stdout
  }

  async writeFile(path: string, data: string, options: {mode?: string} = {}): Promise<void> {
    const q = shellQuote(path)
    const chmod = options.mode ? ` && chmod ${shellQuote(options.mode)} -- ${q}` : ''
    const result = await this.exec(`umask 077 && cat > ${q}${chmod}`, {input: data})
    if (result.exitCode !== 0) throw this.failure(`writing ${path}`, result)
  }

  async forwardUnixSocket(remotePath: string): Promise<string> {
    const local = join(this.dir, `fwd-${++this.forwards}.sock`)
    await this.control(['-O', 'forward', '-L', `${local}:${remotePath}`], `forwarding ${remotePath}`)
    return local
  }

  async forwardTcp(remoteHost: string, remotePort: number): Promise<number> {
    let lastError: unknown
    // A port free a moment ago can be taken before ssh binds it: try a few.
    for (let attempt = 0; attempt < 5; attempt++) {
      const port = await freeLocalPort()
      try {
        await this.control(['-O', 'forward', '-L', `127.0.0.1:${port}:${remoteHost}:${remotePort}`], `forwarding ${remoteHost}:${remotePort}`)
        return port
      } catch (error) {
        lastError = error
      }
    }
    throw lastError
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await execa(this.ssh, [...this.base, '-O', 'exit', '--', this.destination.target], {reject: false, stdin: 'ignore', timeout: 10_000})
    rmSync(this.dir, {recursive: true, force: true})
  }

  private async control(args: string[], what: string): Promise<void> {
    const result = await execa(this.ssh, [...this.base, ...args, '--', this.destination.target], {reject: false, stdin: 'ignore', timeout: 15_000})
    if (result.exitCode !== 0) {
      throw new UserError('ssh/forward', `${this.dest}: ${what} failed: ${lastLine(String(result.stderr)) || `ssh exited ${result.exitCode}`}`, {
        hint: 'check that the remote path exists and that sshd allows forwarding (AllowStreamLocalForwarding / AllowTcpForwarding)',
        exitCode: 1,
      })
    }
  }

  private failure(what: string, result: ExecResult): UserError {
    if (result.exitCode === 255) return connectionError(this.dest, result.stderr, false)
    return new UserError('ssh/remote', `${this.dest}: ${what} failed: ${lastLine(result.stderr) || `exit ${result.exitCode}`}`, {
      hint: 'check the path and the remote user\'s permissions',
      exitCode: 1,
    })
  }
}

/** Turns ssh's own words into one line of cause and one line of next step. */
export function connectionError(dest: string, stderr: string, timedOut: boolean): UserError {
  const destination = parseDestination(dest)
  const host = destination.target.replace(/^.*@/, '')
  const line = lastLine(stderr)
  // What the user can paste: ssh has no host:port syntax, it takes -p.
  const ssh = `ssh ${destination.port === undefined ? '' : `-p ${destination.port} `}${destination.target}`
  const fail = (code: string, message: string, hint: string) => new UserError(code, `${dest}: ${message}`, {hint, exitCode: 1})
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/i.test(stderr)) {
    return fail('ssh/host-key-changed', 'the host key differs from the one in known_hosts; refusing to connect', `if the host was really reinstalled, remove the old key (ssh-keygen -R ${host}) and add the new one after checking its fingerprint`)
  }
  if (/host key is known for|Host key verification failed/i.test(stderr)) {
    return fail('ssh/host-key-unknown', 'the host key is not in known_hosts; lbctl never accepts unknown host keys', `check the fingerprint out of band, then add it: ssh-keyscan ${destination.port === undefined ? '' : `-p ${destination.port} `}-H ${host} >> ~/.ssh/known_hosts (or run ${ssh} once and answer yes)`)
  }
  if (/Permission denied|Too many authentication failures/i.test(stderr)) {
    return fail('ssh/auth', `authentication refused (${line})`, `check that \`${ssh} true\` works without a password prompt (key in ssh-agent or IdentityFile in ~/.ssh/config)`)
  }
  if (timedOut || /Could not resolve hostname|connect to host|Connection refused|No route to host|Network is unreachable|timed out|Connection closed|kex_exchange_identification|Connection reset/i.test(stderr)) {
    return fail('ssh/unreachable', `cannot connect (${line || 'timed out'})`, `check that the host is up and sshd listens: ${ssh} true`)
  }
  return fail('ssh/failed', `ssh failed (${line || 'no message'})`, `run \`${ssh.replace('ssh ', 'ssh -v ')} true\` to see why`)
}

/** The line that says why: a connect failure reported before ssh's own generic last words wins. */
function lastLine(text: string): string {
  const telling = text.split(/\r?\n/).find((l) => /connect to host|Could not resolve hostname/i.test(l))
  if (telling) return telling.trim().replace(/^ssh: /, '')

  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean)
  return lines.at(-1) ?? ''
}

function freeLocalPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}
