import {createConnection, createServer, type Server} from 'node:net'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {openSsh, parseDestination, shellQuote, type SshHost} from '../../src/deploy/ssh.js'
import {UserError} from '../../src/errors.js'
import {requireBinary, requireRoot} from '../helpers/oracles.js'
import {createSshLab, type SshLab} from '../helpers/sshd.js'

describe('parseDestination', () => {
  it.each([
    ['lb1', {target: 'lb1'}],
    ['root@lb1', {target: 'root@lb1'}],
    ['lb1:2222', {target: 'lb1', port: 2222}],
    ['ops@198.18.0.11:22', {target: 'ops@198.18.0.11', port: 22}],
    ['[2001:db8::1]:2200', {target: '2001:db8::1', port: 2200}],
    ['ops@[2001:db8::1]', {target: 'ops@2001:db8::1'}],
    ['2001:db8::1', {target: '2001:db8::1'}],
    ['ssh://ops@lb1:2222', {target: 'ssh://ops@lb1:2222'}],
  ])('%s', (dest, expected) => expect(parseDestination(dest)).toEqual(expected))

  it.each(['', 'lb1:0', 'lb1:http', '-oProxyCommand=x', 'a b'])('rejects %j', (dest) => {
    expect(() => parseDestination(dest)).toThrow(UserError)
  })
})

describe('shellQuote', () => {
  it('leaves plain words and quotes the rest', () => {
    expect(shellQuote('/etc/haproxy/haproxy.cfg')).toBe('/etc/haproxy/haproxy.cfg')
    expect(shellQuote("it's a $file")).toBe(`'it'\\''s a $file'`)
  })
})

async function refusal(promise: Promise<unknown>): Promise<UserError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof UserError) return error
    throw error
  }
  throw new Error('expected a UserError')
}

describe.skipIf(!requireRoot() || !requireBinary('sshd'))('openSsh against a real sshd in a namespace', () => {
  let lab: SshLab
  let host: SshHost
  const servers: Server[] = []

  beforeAll(async () => {
    lab = await createSshLab({tag: 'ssh', subnet: 61, hosts: ['lb1']})
    host = await openSsh('lb1', lab.sshOptions)
  })
  afterAll(async () => {
    await host?.close()
    for (const server of servers) server.close()
    lab?.destroy()
  })

  it('runs commands on the host over one multiplexed connection', async () => {
    const results = await Promise.all([1, 2, 3, 4].map((n) => host.exec(`echo $(( ${n} * 2 )); ip -4 -o addr show dev eth0 | wc -l; exit ${n}`)))
    expect(results.map((r) => [r.stdout, r.exitCode])).toEqual([1, 2, 3, 4].map((n) => [`${n * 2}\n1\n`, n]))
    const established = lab.hosts[0]!.run("ss -Htn state established '( sport = :22 )'").trim().split('\n').filter(Boolean)
    expect(established).toHaveLength(1)
  })

  it('passes stdin and reports stderr', async () => {
    const result = await host.exec('tr a-z A-Z; echo oops >&2', {input: 'hello'})
    expect(result).toEqual({stdout: 'HELLO', stderr: 'oops\n', exitCode: 0})
  })

  it('times out a hung command', async () => {
    const result = await host.exec('sleep 5', {timeoutMs: 300})
    expect(result.exitCode).toBe(-1)
    expect(result.stderr).toMatch(/timed out after 300 ms/)
  })

  it('writes and reads files byte for byte, missing files are undefined', async () => {
    const path = join(lab.dir, "remote file's.cfg")
    const data = 'global\n  stats socket /run/x.sock\n\tü ☃ $HOME `x`\n'
    await host.writeFile(path, data, {mode: '0640'})
    expect(await host.readFile(path)).toBe(data)
    expect((await host.exec(`stat -c %a ${shellQuote(path)}`)).stdout).toBe('640\n')
    expect(await host.readFile(join(lab.dir, 'absent'))).toBeUndefined()
    const error = await refusal(host.writeFile('/nonexistent-dir/x', 'x'))
    expect(error.code).toBe('ssh/remote')
    expect(error.message).toMatch(/lb1: writing \/nonexistent-dir\/x failed: .*No such file or directory/)
  })

  it('forwards a local Unix socket to a remote one', async () => {
    const remote = join(lab.dir, 'remote.sock')
    const server = createServer((socket) => socket.end('show info answered\n'))
    servers.push(server)
    await new Promise<void>((resolve) => server.listen(remote, resolve))
    const local = await host.forwardUnixSocket(remote)
    expect(local).not.toBe(remote)
    expect(await readAll(local)).toBe('show info answered\n')
  })

  it('forwards a local TCP port to an address seen from the host', async () => {
    const port = await host.forwardTcp(lab.hosts[0]!.address, 22)
    expect(await readFirstLine(port)).toMatch(/^SSH-2\.0-OpenSSH/)
  })

  it('refuses an unknown host key and explains ssh-keyscan', async () => {
    const empty = join(lab.dir, 'empty_known_hosts')
    writeFileSync(empty, '')
    const error = await refusal(openSsh('lb1', {...lab.sshOptions, knownHostsFile: empty}))
    expect(error.code).toBe('ssh/host-key-unknown')
    expect(error.exitCode).toBe(1)
    expect(error.hint).toMatch(/ssh-keyscan -H lb1 >> ~\/\.ssh\/known_hosts/)
  })

  it('refuses a changed host key', async () => {
    const other = join(lab.dir, 'other_known_hosts')
    writeFileSync(other, `${lab.hosts[0]!.address} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBPQ0i9xgS6cN6WXC7wJxVd0mJ+8cAqGQdsfC6iD0dX3\n`)
    const error = await refusal(openSsh('lb1', {...lab.sshOptions, knownHostsFile: other}))
    expect(error.code).toBe('ssh/host-key-changed')
  })

  it('says an unreachable host is unreachable', async () => {
    lab.addAlias('ghost', '198.18.250.1')
    const viaRelay = await refusal(openSsh('ghost', lab.sshOptions))
    expect(viaRelay.code).toBe('ssh/unreachable')
    expect(viaRelay.message).toBe("ghost: cannot connect (connect to host 198.18.250.1 port 22: Network is unreachable)")
    const refused = await refusal(openSsh('127.0.0.1:1', {knownHostsFile: '/dev/null'}))
    expect(refused.code).toBe('ssh/unreachable')
    expect(refused.message).toMatch(/Connection refused/)
  })
})

function readAll(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = ''
    const socket = createConnection(path)
    socket.on('data', (chunk) => (data += chunk.toString()))
    socket.on('end', () => resolve(data))
    socket.on('error', reject)
  })
}

function readFirstLine(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = ''
    const socket = createConnection(port, '127.0.0.1')
    socket.on('data', (chunk) => {
      data += chunk.toString()
      if (data.includes('\n')) {
        socket.destroy()
        resolve(data.split('\n')[0]!)
      }
    })
    socket.on('error', reject)
  })
}
