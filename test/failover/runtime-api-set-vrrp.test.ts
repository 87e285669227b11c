/**
 * `set vrrp link down|up` and `set vrrp block on|in|off` (lbctl runtime API extensions): level admin,
 * HAProxy-style one-line errors, listed in `help` only where a node has VRRP, and their effect on a
 * real VrrpRunner through the control node.ts builds (vrrpFaultControl).
 */
import {describe, expect, it} from 'vitest'
import {parseKeepalived} from '../../src/config/keepalived/index.js'
import {vrrpFaultControl} from '../../src/engine/node.js'
import {type EngineView, execute, type Level, type Session, type VrrpControl} from '../../src/engine/proxy/runtime-api/commands.js'
import {SIMULATED_LINK_FAULT, VrrpRunner} from '../../src/engine/vrrp/runner.js'
import {planInstances} from '../../src/engine/vrrp/settings.js'
import {FakeClock, FakeNetwork, FakeVips} from '../engine/vrrp/fakes.js'

function view(control?: VrrpControl): EngineView {
  return {
    frontends: [],
    backends: [],
    now: () => 0,
    startedAt: 0,
    pid: 1,
    maxconn: 100,
    currentConnections: () => 0,
    totalConnections: () => 0,
    listeners: () => 0,
    stopping: () => false,
    setServerAdmin: () => {},
    setServerWeight: () => {},
    vrrp: () => [],
    ...(control ? {vrrpControl: control} : {}),
  }
}

function recorder(answer?: string): VrrpControl & {calls: string[]} {
  const calls: string[] = []
  return {
    calls,
    setLink(up) {
      calls.push(`link ${up ? 'up' : 'down'}`)
      return answer
    },
    setBlock(block) {
      calls.push(`block ${block}`)
    },
  }
}

const session = (level: Level): Session => ({level, prompt: false, quit: false})

describe('set vrrp on the runtime API', () => {
  it('admin: link and block reach the control, answering nothing like HAProxy’s set commands', () => {
    const control = recorder()
    const v = view(control)
    for (const line of ['set vrrp link down', 'set vrrp link up', 'set vrrp block in', 'set vrrp block on', 'set vrrp block off']) expect(execute(v, session('admin'), line)).toBe('')
    expect(control.calls).toEqual(['link down', 'link up', 'block in', 'block on', 'block off'])
  })

  it('operator and user are denied, and nothing changes', () => {
    const control = recorder()
    for (const level of ['operator', 'user'] as const) {
      expect(execute(view(control), session(level), 'set vrrp link down')).toBe('Permission denied\n')
      expect(execute(view(control), session(level), 'set vrrp block on')).toBe('Permission denied\n')
    }
    expect(control.calls).toEqual([])
  })

  it('bad arguments get one line saying what is expected', () => {
    const control = recorder()
    const v = view(control)
    expect(execute(v, session('admin'), 'set vrrp link sideways')).toBe("'set vrrp link' expects 'down' or 'up'.\n")
    expect(execute(v, session('admin'), 'set vrrp block')).toBe("'set vrrp block' expects 'on', 'in' or 'off'.\n")
    expect(execute(v, session('admin'), 'set vrrp priority 5')).toBe("'set vrrp' only supports 'link' and 'block'.\n")
    expect(control.calls).toEqual([])
  })

  it('the node’s refusal is the answer (privileged mode)', () => {
    const refusing = vrrpFaultControl('privileged', {setLinkDown: () => expect.fail('no simulated link in privileged mode'), setBlock: () => {}})
    expect(execute(view(refusing), session('admin'), 'set vrrp link down')).toBe("This node runs VRRP on real interfaces (privileged mode): use 'ip link set dev <interface> down'.\n")
  })

  it('help lists them only when the node has the control; without it they are unknown commands, as on HAProxy', () => {
    const help = execute(view(recorder()), session('admin'), 'help')
    expect(help).toMatch(/set server .*\n {2}set vrrp block on\|in\|off\s+: drop VRRP adverts.*\n {2}set vrrp link down\|up\s+: .*\n {2}set weight/)
    const plain = view()
    expect(execute(plain, session('admin'), 'help')).not.toContain('set vrrp')
    expect(execute(plain, session('admin'), 'set vrrp link down')).toMatch(/^Unknown command/)
  })

  it('on a real runner (local mode): link down faults every instance, block is remembered, link up clears the fault', async () => {
    const text = 'vrrp_instance VI_1 {\n state BACKUP\n interface lo\n virtual_router_id 51\n priority 100\n advert_int 1\n virtual_ipaddress {\n 127.0.0.100\n }\n}\n'
    const parse = parseKeepalived({path: 'k.conf', text}, {reader: {read: () => ({path: 'x', text: ''}), glob: () => []}})
    const {plans} = planInstances(parse.model, {interfaceAddress: () => '127.0.0.11'})
    const clock = new FakeClock()
    const runner = new VrrpRunner({plans, openTransport: new FakeNetwork(clock).open, vips: new FakeVips(), clock})
    await runner.start()
    const v = view(vrrpFaultControl('local', runner))
    expect(execute(v, session('admin'), 'set vrrp link down')).toBe('')
    expect(runner.status()[0]).toMatchObject({state: 'FAULT', faults: [SIMULATED_LINK_FAULT]})
    expect(execute(v, session('admin'), 'set vrrp block in')).toBe('')
    expect(runner.simulation()).toEqual({linkDown: true, block: 'in'})
    expect(execute(v, session('admin'), 'set vrrp link up')).toBe('')
    expect(runner.status()[0]).toMatchObject({state: 'BACKUP', faults: []})
    await runner.stop()
  })
})
