/**
 * Real sshd hosts in network namespaces for tests (root only).
 *
 * Topology: one "lan" namespace holds a bridge and the client address 198.18.<subnet>.1; each host is its own
 * namespace with `eth0` = 198.18.<subnet>.<10+i> on that bridge, running a real sshd (generated host key,
 * key auth only, root login with a generated client key). The test process stays in the root namespace: the
 * generated ssh config reaches each host by alias through `ProxyCommand ip netns exec <lan> node relay.mjs %h %p`,
 * a plain TCP relay, so ssh really connects over the veth network to the host's sshd. Hosts share one L2, so
 * VRRP between them works too. destroy() kills everything inside and deletes the namespaces and temp dir.
 *
 *   const lab = await createSshLab({tag: 'dp', subnet: 40, hosts: ['lb1', 'lb2']})
 *   openSsh(lab.hosts[0].dest, lab.sshOptions)   // or: lbctl ... --hosts lb1 --ssh-config lab.configFile
 */
import {execFileSync, spawn, type ChildProcess} from 'node:child_process'
import {appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {SshOptions} from '../../src/deploy/ssh.js'

export interface SshLabHost {
  name: string
  /** The ssh destination: an alias defined in `configFile`. */
  dest: string
  ns: string
  /** The host's address on the LAN (its sshd listens there, port 22). */
  address: string
  /** The host's interface on the LAN, inside its namespace. */
  ifname: string
  /** `ssh-ed25519 AAAA...` of this host's sshd. */
  hostKey: string
  /** Runs a command in the host's namespace (synchronously), e.g. to inspect files or processes. */
  run(command: string): string
  stopSshd(): Promise<void>
  startSshd(): Promise<void>
}

export interface SshLab {
  dir: string
  /** The ssh config (`ssh -F`) defining one alias per host. */
  configFile: string
  knownHostsFile: string
  identityFile: string
  /** Namespace holding the bridge and the client address (198.18.<subnet>.1). */
  lanNs: string
  clientAddress: string
  hosts: SshLabHost[]
  /** What `openSsh` needs to reach the hosts. */
  sshOptions: SshOptions
  /** Adds `Host alias` pointing at `address` (via the LAN relay), e.g. for a host that does not exist. */
  addAlias(alias: string, address: string): void
  destroy(): void
}

const RELAY = `import {connect} from 'node:net'
import {writeSync} from 'node:fs'
const [host, port] = process.argv.slice(2)
const socket = connect({host, port: Number(port), timeout: 5000})
socket.on('timeout', () => { writeSync(2, 'connect to host ' + host + ' port ' + port + ': Connection timed out\\n'); process.exit(255) })
socket.on('connect', () => socket.setTimeout(0))
const words = {ECONNREFUSED: 'Connection refused', EHOSTUNREACH: 'No route to host', ENETUNREACH: 'Network is unreachable'}
socket.on('error', (e) => { writeSync(2, 'connect to host ' + host + ' port ' + port + ': ' + (words[e.code] ?? e.message) + '\\n'); process.exit(255) })
process.stdin.pipe(socket)
socket.pipe(process.stdout)
socket.on('close', () => process.exit(0))
`

const ip = (...args: string[]) => execFileSync('ip', args, {stdio: ['ignore', 'pipe', 'pipe']}).toString()

export async function createSshLab(options: {tag: string; subnet: number; hosts: string[]}): Promise<SshLab> {
  const base = `lbt${process.pid}${options.tag}`
  const lanNs = `${base}lan`
  const dir = mkdtempSync(join(tmpdir(), 'lbctl-sshlab-'))
  const clientAddress = `198.18.${options.subnet}.1`
  const configFile = join(dir, 'ssh_config')
  const knownHostsFile = join(dir, 'known_hosts')
  const identityFile = join(dir, 'client_key')
  const relay = join(dir, 'relay.mjs')
  const namespaces: string[] = [lanNs]
  const sshds = new Map<string, ChildProcess>()
  const destroy = () => {
    for (const child of sshds.values()) child.kill('SIGKILL')
    for (const ns of namespaces) deleteNamespace(ns)
    rmSync(dir, {recursive: true, force: true})
  }
  try {
    writeFileSync(relay, RELAY)
    writeFileSync(knownHostsFile, '')
    writeFileSync(configFile, '')
    keygen(identityFile)
    mkdirSync('/run/sshd', {recursive: true, mode: 0o755})

    ip('netns', 'add', lanNs)
    ip('-n', lanNs, 'link', 'set', 'lo', 'up')
    ip('-n', lanNs, 'link', 'add', 'br0', 'type', 'bridge')
    ip('-n', lanNs, 'addr', 'add', `${clientAddress}/24`, 'dev', 'br0')
    ip('-n', lanNs, 'link', 'set', 'br0', 'up')

    const lab: SshLab = {
      dir,
      configFile,
      knownHostsFile,
      identityFile,
      lanNs,
      clientAddress,
      hosts: [],
      sshOptions: {configFile},
      addAlias: (alias, address) => appendFileSync(configFile, hostBlock(alias, address, lanNs, relay, identityFile, knownHostsFile)),
      destroy,
    }
    for (const [i, name] of options.hosts.entries()) {
      const ns = `${base}${name}`
      namespaces.push(ns)
      const address = `198.18.${options.subnet}.${10 + i}`
      ip('netns', 'add', ns)
      ip('link', 'add', `p${i}`, 'netns', lanNs, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns)
      ip('-n', lanNs, 'link', 'set', `p${i}`, 'master', 'br0')
      ip('-n', lanNs, 'link', 'set', `p${i}`, 'up')
      ip('-n', ns, 'link', 'set', 'lo', 'up')
      ip('-n', ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0')
      ip('-n', ns, 'link', 'set', 'eth0', 'up')

      const hostDir = join(dir, name)
      mkdirSync(hostDir)
      const hostKeyFile = join(hostDir, 'host_ed25519')
      keygen(hostKeyFile)
      const hostKey = readFileSync(`${hostKeyFile}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ')
      const sshdConfig = join(hostDir, 'sshd_config')
      writeFileSync(
        sshdConfig,
        [
          `ListenAddress ${address}`,
          'Port 22',
          `HostKey ${hostKeyFile}`,
          'PidFile none',
          `AuthorizedKeysFile ${identityFile}.pub`,
          'PubkeyAuthentication yes',
          'PasswordAuthentication no',
          'KbdInteractiveAuthentication no',
          'PermitRootLogin prohibit-password',
          'UsePAM no',
          'StrictModes no',
          'AllowTcpForwarding yes',
          'AllowStreamLocalForwarding yes',
          'MaxSessions 50',
          'MaxStartups 50',
          'LogLevel ERROR',
          '',
        ].join('\n'),
      )
      const startSshd = async () => {
        if (sshds.has(name)) return
        sshds.set(name, await spawnSshd(ns, sshdConfig))
      }
      const stopSshd = async () => {
        const child = sshds.get(name)
        if (!child) return
        sshds.delete(name)
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGTERM')
        await exited
      }
      await startSshd()
      appendFileSync(knownHostsFile, `${address} ${hostKey}\n`)
      lab.addAlias(name, address)
      lab.hosts.push({
        name,
        dest: name,
        ns,
        address,
        ifname: 'eth0',
        hostKey,
        run: (command) => execFileSync('ip', ['netns', 'exec', ns, 'sh', '-c', command], {stdio: ['ignore', 'pipe', 'pipe']}).toString(),
        stopSshd,
        startSshd,
      })
    }
    return lab
  } catch (error) {
    destroy()
    throw error
  }
}

function hostBlock(alias: string, address: string, lanNs: string, relay: string, identityFile: string, knownHostsFile: string): string {
  return [
    `Host ${alias}`,
    `  HostName ${address}`,
    '  User root',
    `  IdentityFile ${identityFile}`,
    '  IdentitiesOnly yes',
    `  UserKnownHostsFile ${knownHostsFile}`,
    '  GlobalKnownHostsFile /dev/null',
    `  ProxyCommand ip netns exec ${lanNs} ${process.execPath} ${relay} %h %p`,
    '',
  ].join('\n')
}

function keygen(file: string): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'lbctl-test', '-f', file], {stdio: 'ignore'})
}

/** sshd -D -e in the namespace; resolves once it logs that it listens (LogLevel ERROR hides that: poll the socket). */
async function spawnSshd(ns: string, config: string): Promise<ChildProcess> {
  // Like a server's root account, the test hosts' has no interactive shell setup: bash sources ~/.bashrc for every
  // ssh command, and this machine's (pyenv init) costs ~400 ms per command. A private mount namespace hides it.
  const hide = existsSync('/root/.bashrc') ? `mount --bind /dev/null /root/.bashrc && ` : ''
  const child = spawn('ip', ['netns', 'exec', ns, 'unshare', '-m', 'sh', '-c', `${hide}exec /usr/sbin/sshd -D -e -f ${config}`], {stdio: ['ignore', 'ignore', 'pipe']})
  let stderr = ''
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  let exited = false
  child.once('exit', () => (exited = true))
  const deadline = Date.now() + 10_000
  for (;;) {
    if (exited) throw new Error(`sshd in ${ns} exited: ${stderr}`)
    const listening = execFileSync('ip', ['netns', 'exec', ns, 'ss', '-Htln', 'sport', '= :22'], {stdio: ['ignore', 'pipe', 'ignore']}).toString()
    if (listening.trim() !== '') return child
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`sshd in ${ns} did not listen within 10 s: ${stderr}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

function deleteNamespace(ns: string): void {
  try {
    for (const pid of ip('netns', 'pids', ns).split('\n').filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL')
      } catch {
        // already gone
      }
    }
  } catch {
    // namespace does not exist
  }
  try {
    ip('netns', 'del', ns)
  } catch {
    // not created, or already deleted
  }
}
