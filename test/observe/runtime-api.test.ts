import {describe, expect, it} from 'vitest'
import {adminResult, parseEndpoint, RuntimeApiClient, RuntimeApiError, socketTransport, type RuntimeTransport} from '../../src/observe/runtime-api.js'
import {fixture} from './fixtures.js'

function fakeTransport(answers: Record<string, string>): RuntimeTransport & {sent: string[]} {
  const sent: string[] = []
  return {
    label: 'fake.sock',
    sent,
    send: async (command) => {
      sent.push(command)
      const answer = answers[command]
      if (answer === undefined) throw new RuntimeApiError('connect', 'cannot reach the stats socket fake.sock: connection refused', 'fake.sock')
      return answer
    },
  }
}

describe('parseEndpoint', () => {
  it.each([
    ['/run/haproxy/admin.sock', {kind: 'unix', path: '/run/haproxy/admin.sock'}],
    ['admin.sock', {kind: 'unix', path: 'admin.sock'}],
    ['127.0.0.1:9999', {kind: 'tcp', host: '127.0.0.1', port: 9999}],
    ['lb1:9999', {kind: 'tcp', host: 'lb1', port: 9999}],
    ['[::1]:9999', {kind: 'tcp', host: '::1', port: 9999}],
  ])('%s', (text, endpoint) => {
    expect(parseEndpoint(text)).toEqual(endpoint)
  })
})

describe('admin answers (as HAProxy 2.6 words them) → typed results', () => {
  it.each([
    ['\n', {ok: true}],
    ['', {ok: true}],
    ['Permission denied\n\n', {ok: false, reason: 'permission-denied'}],
    ['No such server.\n\n', {ok: false, reason: 'not-found', message: 'No such server (disable server app/web1)'}],
    ['No such backend.\n\n', {ok: false, reason: 'not-found'}],
    ['Absolute weight can only be between 0 and 256 inclusive.\n\n', {ok: false, reason: 'refused', message: 'haproxy refused "disable server app/web1": Absolute weight can only be between 0 and 256 inclusive.'}],
  ])('%j', (answer, expected) => {
    expect(adminResult('disable server app/web1', answer, 'admin.sock')).toMatchObject(expected)
  })

  it('explains permission denied with the fix', () => {
    const result = adminResult('disable server app/web1', 'Permission denied\n', '/run/haproxy/admin.sock')
    expect(result.ok ? '' : result.message).toContain('level admin')
  })
})

describe('RuntimeApiClient', () => {
  it('sends one command per call and parses the answers', async () => {
    const transport = fakeTransport({'show stat': fixture('stat-up.csv'), 'show info': fixture('info.txt'), 'set server app/web1 state drain': '\n', 'set weight app/web1 50%': '\n', 'enable server app/web1': '\n', 'set server app/web1 state ready': '\n'})
    const client = new RuntimeApiClient(transport)
    expect((await client.showStat()).length).toBe(4)
    expect((await client.showInfo()).version).toBe('2.6.12-1+deb12u4')
    expect(await client.drainServer('app', 'web1')).toEqual({ok: true, command: 'set server app/web1 state drain'})
    expect((await client.setWeight('app', 'web1', '50%')).ok).toBe(true)
    expect((await client.enableServer('app', 'web1')).ok).toBe(true)
    expect((await client.readyServer('app', 'web1')).ok).toBe(true)
    expect(transport.sent).toEqual(['show stat', 'show info', 'set server app/web1 state drain', 'set weight app/web1 50%', 'enable server app/web1', 'set server app/web1 state ready'])
  })

  it('returns unreachable as a value for admin commands and throws for reads', async () => {
    const client = new RuntimeApiClient(fakeTransport({}))
    expect(await client.disableServer('app', 'web1')).toMatchObject({ok: false, reason: 'unreachable'})
    await expect(client.showStat()).rejects.toMatchObject({code: 'connect'})
  })

  it('reports a missing socket file clearly', async () => {
    const error = await socketTransport(parseEndpoint('/nonexistent/lbctl.sock')).send('show info').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RuntimeApiError)
    expect((error as RuntimeApiError).message).toBe('cannot reach the stats socket /nonexistent/lbctl.sock: no such socket')
  })

  it('rejects a non-stat answer as a protocol error', async () => {
    const client = new RuntimeApiClient(fakeTransport({'show stat': 'Unknown command\n'}))
    await expect(client.showStat()).rejects.toMatchObject({code: 'protocol'})
  })
})
