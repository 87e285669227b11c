import {describe, expect, it} from 'vitest'
import {UserError} from '../../src/errors.js'
import {
  checkBackends,
  checkInterface,
  checkMode,
  checkNodes,
  checkPort,
  checkStatsPassword,
  checkStatsUser,
  checkVip,
  checkVrid,
  initDefaults,
  resolveInitOptions,
} from '../../src/init/options.js'

describe('checkVip', () => {
  it.each([
    ['198.18.0.100', {address: '198.18.0.100', prefix: 32}],
    [' 10.0.0.5 ', {address: '10.0.0.5', prefix: 32}],
    ['10.0.0.5/24', {address: '10.0.0.5', prefix: 24}],
  ])('accepts %s', (text, value) => expect(checkVip(text)).toEqual({ok: true, value}))

  it.each([
    ['1.2.3', 'is not an IPv4 address'],
    ['256.1.1.1', 'is not an IPv4 address'],
    ['lb.example.com', 'is not an IPv4 address'],
    ['2001:db8::1', 'IPv6'],
    ['10.0.0.5/33', 'prefix length must be 1-32'],
    ['10.0.0.5/0', 'prefix length must be 1-32'],
    ['127.0.0.1', 'not a unicast address'],
    ['224.0.0.18', 'not a unicast address'],
    ['0.0.0.0', 'not a unicast address'],
    ['', 'is not an IPv4 address'],
  ])('refuses %j', (text, message) => {
    const check = checkVip(text)
    expect(check.ok).toBe(false)
    if (!check.ok) expect(check.message).toContain(message)
  })
})

describe('checkNodes', () => {
  it('takes bare names, with the name as ssh destination', () => {
    expect(checkNodes('lb1,lb2')).toEqual({ok: true, value: [{name: 'lb1', ssh: 'lb1'}, {name: 'lb2', ssh: 'lb2'}]})
  })

  it('takes name=ssh-destination, trimming spaces', () => {
    expect(checkNodes('lb1=root@198.18.0.11, lb2 = admin@lb2.example.com ,lb3=ssh://ops@10.0.0.3:2222')).toEqual({
      ok: true,
      value: [
        {name: 'lb1', ssh: 'root@198.18.0.11'},
        {name: 'lb2', ssh: 'admin@lb2.example.com'},
        {name: 'lb3', ssh: 'ssh://ops@10.0.0.3:2222'},
      ],
    })
  })

  it.each([
    ['lb1', 'at least two nodes'],
    ['lb1,lb1', 'listed twice'],
    ['lb1,../x', 'node name "../x" is not valid'],
    ['lb1,-x', 'node name "-x" is not valid'],
    ['lb1=-oProxyCommand=x,lb2', 'ssh destination "-oProxyCommand=x"'],
    ['lb1=root@host;reboot,lb2', 'ssh destination'],
    ['lb1=root@,lb2', 'ssh destination'],
    ['a,b,c,d,e,f,g,h,i,j,k', 'at most 10'],
  ])('refuses %j', (text, message) => {
    const check = checkNodes(text)
    expect(check.ok).toBe(false)
    if (!check.ok) expect(check.message).toContain(message)
  })
})

describe('checkBackends', () => {
  it('names the servers app1, app2, ... and keeps host:port', () => {
    expect(checkBackends('127.0.0.1:9001, app.internal:80,[2001:db8::1]:8080')).toEqual({
      ok: true,
      value: [
        {name: 'app1', address: '127.0.0.1:9001'},
        {name: 'app2', address: 'app.internal:80'},
        {name: 'app3', address: '[2001:db8::1]:8080'},
      ],
    })
  })

  it.each([
    ['', 'at least one backend'],
    ['127.0.0.1', 'is not host:port'],
    ['127.0.0.1:0', 'port 0 is outside'],
    ['127.0.0.1:70000', 'outside 1-65535'],
    ['300.1.1.1:80', 'neither an IP address nor a host name'],
    ['bad_host:80', 'neither an IP address nor a host name'],
    ['[zz::1]:80', 'is not host:port'],
    ['10.0.0.1:80,10.0.0.1:80', 'listed twice'],
  ])('refuses %j', (text, message) => {
    const check = checkBackends(text)
    expect(check.ok).toBe(false)
    if (!check.ok) expect(check.message).toContain(message)
  })
})

describe('the other fields', () => {
  it.each([
    [checkInterface, 'eth0', true],
    [checkInterface, 'ens192.100', true],
    [checkInterface, 'averyveryverylongname', false],
    [checkInterface, 'eth 0', false],
    [checkInterface, 'eth0/1', false],
    [checkMode, 'HTTP', true],
    [checkMode, 'tcp', true],
    [checkMode, 'udp', false],
    [checkPort, '80', true],
    [checkPort, '65535', true],
    [checkPort, '0', false],
    [checkPort, '8404', false],
    [checkPort, 'http', false],
    [checkVrid, '1', true],
    [checkVrid, '255', true],
    [checkVrid, '256', false],
    [checkVrid, '0', false],
    [checkStatsUser, 'admin', true],
    [checkStatsUser, 'ad min', false],
    [checkStatsUser, 'a:b', false],
    [checkStatsPassword, 's3cret-enough', true],
    [checkStatsPassword, 'short', false],
    [checkStatsPassword, 'has space inside', false],
    [checkStatsPassword, 'has#hash-inside', false],
    [checkStatsPassword, '${HOME}abcdefg', false],
  ] as const)('%o(%j) ok=%s', (check, text, ok) => expect((check as (t: string) => {ok: boolean})(text).ok).toBe(ok))
})

describe('resolveInitOptions', () => {
  it('turns the defaults into options, generating the password only when none is given', () => {
    let generated = 0
    const options = resolveInitOptions({...initDefaults}, () => `generated-${++generated}`)
    expect(options).toEqual({
      vip: '198.18.0.100',
      vipPrefix: 32,
      interface: 'eth0',
      nodes: [
        {name: 'lb1', ssh: 'lb1'},
        {name: 'lb2', ssh: 'lb2'},
      ],
      backends: [
        {name: 'app1', address: '127.0.0.1:9001'},
        {name: 'app2', address: '127.0.0.1:9002'},
      ],
      mode: 'http',
      port: 80,
      vrid: 51,
      statsUser: 'admin',
      statsPassword: 'generated-1',
    })
    expect(resolveInitOptions({...initDefaults, statsPassword: 'given-password'}, () => 'x').statsPassword).toBe('given-password')
    expect(generated).toBe(1)
  })

  it('names the bad value and the flag to fix (exit 2)', () => {
    const attempt = () => resolveInitOptions({...initDefaults, backends: '127.0.0.1:9001,nope'}, () => 'x')
    expect(attempt).toThrow(UserError)
    try {
      attempt()
    } catch (error) {
      const e = error as UserError
      expect(e.message).toBe('backend "nope" is not host:port (e.g. 127.0.0.1:9001; IPv6 as [2001:db8::1]:80)')
      expect(e.hint).toContain('--backends')
      expect(e.exitCode).toBe(2)
    }
  })
})
