// `show vrrp`: the engine's answer (commands.ts), the client's parser (by column name), and the
// cross-node checks: role changes between polls, two masters for one VRID. Real HAProxy: Unknown command.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {execute, type EngineView, type Session, showVrrp, type VrrpStatusRow} from '../../src/engine/proxy/runtime-api/commands.js'
import {RuntimeApiClient, type RuntimeTransport} from '../../src/observe/runtime-api.js'
import {diffSplitBrains, diffVrrp, findSplitBrains, isUnknownCommand, parseShowVrrp, type VrrpRow} from '../../src/observe/show-vrrp.js'
import {startHaproxyLab, type HaproxyLab} from '../helpers/haproxy.js'
import {requireBinary} from '../helpers/oracles.js'

const master: VrrpStatusRow = {instance: 'VI_1', state: 'MASTER', priority: 110, effectivePriority: 110, vrid: 51, version: 2, advertIntMs: 1000, master: '127.0.0.11', vips: ['127.0.0.100', '127.0.0.101'], lastAdvertMsAgo: 420, node: 'a'}
const fresh: VrrpStatusRow = {instance: 'VI_2', state: 'INIT', priority: 100, effectivePriority: 90, vrid: 52, version: undefined, advertIntMs: undefined, master: undefined, vips: [], lastAdvertMsAgo: undefined, node: 'a'}

function view(vrrp?: () => VrrpStatusRow[]): EngineView {
  return {
    frontends: [], backends: [], now: () => 0, startedAt: 0, pid: 1, maxconn: 100,
    currentConnections: () => 0, totalConnections: () => 0, listeners: () => 0, stopping: () => false,
    setServerAdmin: () => {}, setServerWeight: () => {},
    ...(vrrp ? {vrrp} : {}),
  }
}
const session = (): Session => ({level: 'user', prompt: false, quit: false})

const row = (patch: Partial<VrrpRow>): VrrpRow => ({
  instance: 'VI_1', state: 'BACKUP', priority: 100, effectivePriority: 100, vrid: 51, version: 2, advertIntMs: 1000, master: '', vips: ['127.0.0.100'], lastAdvertMsAgo: null, reportedNode: '', ...patch,
})

describe('show vrrp on the engine (commands.ts)', () => {
  it('prints the documented header and one CSV line per instance, at level user', () => {
    expect(execute(view(() => [master, fresh]), session(), 'show vrrp')).toBe(
      '# instance,state,priority,effective_priority,vrid,version,advert_int_ms,master,vips,last_advert_ms_ago,node\n' +
        'VI_1,MASTER,110,110,51,2,1000,127.0.0.11,127.0.0.100 127.0.0.101,420,a\n' +
        'VI_2,INIT,100,90,52,,,,,,a\n',
    )
  })

  it('keeps Unknown command (and no help line) when the node has no VRRP, as real HAProxy', () => {
    expect(execute(view(), session(), 'show vrrp')).toMatch(/^Unknown command, but maybe/)
    expect(execute(view(), session(), 'help')).not.toContain('show vrrp')
    expect(execute(view(() => []), session(), 'help')).toMatch(/show stat .*\n {2}show vrrp +: report the VRRP instances/)
    expect(execute(view(() => []), session(), 'show vrrp')).toBe('# instance,state,priority,effective_priority,vrid,version,advert_int_ms,master,vips,last_advert_ms_ago,node\n')
  })

  it('never lets a value break the CSV', () => {
    expect(showVrrp([{...master, instance: 'odd,name'}]).split('\n')[1]).toBe('odd name,MASTER,110,110,51,2,1000,127.0.0.11,127.0.0.100 127.0.0.101,420,a')
  })
})

describe('parseShowVrrp', () => {
  it.each([
    ['the engine answer', showVrrp([master, fresh]), [
      {instance: 'VI_1', state: 'MASTER', priority: 110, effectivePriority: 110, vrid: 51, version: 2, advertIntMs: 1000, master: '127.0.0.11', vips: ['127.0.0.100', '127.0.0.101'], lastAdvertMsAgo: 420, reportedNode: 'a'},
      {instance: 'VI_2', state: 'INIT', priority: 100, effectivePriority: 90, vrid: 52, version: null, advertIntMs: null, master: '', vips: [], lastAdvertMsAgo: null, reportedNode: 'a'},
    ]],
    ['columns in another order, one unknown, some missing', '# vrid,state,future_column,instance\n51,BACKUP,x,VI_1\n\n', [
      {instance: 'VI_1', state: 'BACKUP', priority: null, effectivePriority: null, vrid: 51, version: null, advertIntMs: null, master: '', vips: [], lastAdvertMsAgo: null, reportedNode: ''},
    ]],
  ])('%s', (_name, text, expected) => {
    expect(parseShowVrrp(text)).toEqual(expected)
  })

  it('refuses an answer without a header', () => {
    expect(() => parseShowVrrp('VI_1,MASTER\n')).toThrow(/no "# instance,state,..." header/)
  })

  it('recognises "Unknown command" in both engines\' wording', () => {
    expect(isUnknownCommand('Unknown command, but maybe one of the following ones is a better match:\n  help\n')).toBe(true)
    expect(isUnknownCommand('Unknown command. Please enter one of the following commands only :\n')).toBe(true)
    expect(isUnknownCommand('# instance,state\n')).toBe(false)
  })
})

describe('RuntimeApiClient.showVrrp', () => {
  const client = (answer: string) => new RuntimeApiClient({label: 'fake', send: async () => answer} satisfies RuntimeTransport)
  it('rows from the engine, undefined from a socket that does not know the command', async () => {
    expect((await client(showVrrp([master])).showVrrp())?.map((r) => `${r.instance} ${r.state}`)).toEqual(['VI_1 MASTER'])
    expect(await client('Unknown command, but maybe one of the following ones is a better match:\n').showVrrp()).toBeUndefined()
    await expect(client('garbage\n').showVrrp()).rejects.toThrow(/answered "show vrrp" with something else/)
  })
})

describe('diffVrrp: role changes between two polls of one node', () => {
  it.each([
    ['first poll: nothing to compare', undefined, [row({state: 'MASTER'})], []],
    ['same state', [row({})], [row({lastAdvertMsAgo: 3})], []],
    ['BACKUP -> MASTER', [row({})], [row({state: 'MASTER'})], ['a VI_1 BACKUP -> MASTER (vrid 51)']],
    ['MASTER -> FAULT, a new instance is not a change', [row({state: 'MASTER'})], [row({state: 'FAULT'}), row({instance: 'VI_2'})], ['a VI_1 MASTER -> FAULT (vrid 51)']],
  ] as const)('%s', (_name, before, after, expected) => {
    const events = diffVrrp('a', 1000, before, after)
    expect(events.map((e) => `${e.node} ${e.text} (vrid ${e.vrid})`)).toEqual(expected)
    for (const e of events) expect(e).toMatchObject({kind: 'role', at: 1000, instance: 'VI_1'})
  })
})

describe('findSplitBrains / diffSplitBrains', () => {
  it.each([
    ['one master, one backup', [['a', [row({state: 'MASTER'})]], ['b', [row({})]]], []],
    ['two masters for VRID 51', [['a', [row({state: 'MASTER'})]], ['b', [row({state: 'MASTER'})]]], ['51: a/VI_1 b/VI_1']],
    ['masters of different VRIDs are fine', [['a', [row({state: 'MASTER'})]], ['b', [row({state: 'MASTER', vrid: 52})]]], []],
    ['a node with no rows (unreachable) does not count', [['a', []], ['b', [row({state: 'MASTER'})]]], []],
  ] as const)('%s', (_name, nodes, expected) => {
    expect(findSplitBrains(nodes).map((s) => `${s.vrid}: ${s.masters.map((m) => `${m.node}/${m.instance}`).join(' ')}`)).toEqual(expected)
  })

  it('reports when the condition begins and when it ends, once each', () => {
    const split = findSplitBrains([['a', [row({state: 'MASTER'})]], ['b', [row({state: 'MASTER'})]]])
    expect(diffSplitBrains(1, [], split).map((e) => e.text)).toEqual(['two masters for VRID 51: a VI_1, b VI_1'])
    expect(diffSplitBrains(2, split, split)).toEqual([])
    expect(diffSplitBrains(3, split, []).map((e) => [e.text, e.resolved])).toEqual([['VRID 51 has one master again', true]])
  })
})

describe.skipIf(!requireBinary('haproxy'))('show vrrp against a real haproxy 2.6', () => {
  let lab: HaproxyLab
  beforeAll(async () => {
    lab = await startHaproxyLab({servers: 1})
  })
  afterAll(async () => {
    await lab?.stop()
  })

  it('haproxy answers Unknown command and the client reports no VRRP instead of failing', async () => {
    const client = RuntimeApiClient.connect(lab.socket)
    expect(isUnknownCommand(await client.command('show vrrp'))).toBe(true)
    expect(await client.showVrrp()).toBeUndefined()
  })
})
