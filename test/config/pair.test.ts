import {describe, expect, it} from 'vitest'
import {checkPair} from '../../src/config/pair.js'
import {parseText} from './keepalived/helpers.js'

interface Node {
  state?: string
  priority?: number
  vrid?: number
  weight?: number
  /** track_script entry weight override */
  trackWeight?: number
  vip?: string
  advert?: number
  pass?: string
  src?: string
  peers?: string[]
  nopreempt?: boolean
  track?: boolean
  name?: string
}

function conf(n: Node): string {
  const lines = [
    'vrrp_script chk {',
    '  script "/usr/bin/killall -0 haproxy"',
    ...(n.weight === undefined ? [] : [`  weight ${n.weight}`]),
    '}',
    `vrrp_instance ${n.name ?? 'VI_1'} {`,
    `  state ${n.state ?? 'BACKUP'}`,
    '  interface eth0',
    `  virtual_router_id ${n.vrid ?? 51}`,
    `  priority ${n.priority ?? 100}`,
    ...(n.advert === undefined ? [] : [`  advert_int ${n.advert}`]),
    ...(n.nopreempt ? ['  nopreempt'] : []),
    ...(n.pass === undefined ? [] : ['  authentication {', '    auth_type PASS', `    auth_pass ${n.pass}`, '  }']),
    '  virtual_ipaddress {',
    `    ${n.vip ?? '198.18.0.100'}`,
    '  }',
    ...(n.track === false ? [] : ['  track_script {', `    chk${n.trackWeight === undefined ? '' : ` weight ${n.trackWeight}`}`, '  }']),
    ...(n.src ? [`  unicast_src_ip ${n.src}`] : []),
    ...(n.peers ? ['  unicast_peer {', ...n.peers.map((p) => `    ${p}`), '  }'] : []),
    '}',
  ]
  return lines.join('\n') + '\n'
}

const pair = (a: Node, b: Node) => checkPair([parseText(conf(a), 'a.conf'), parseText(conf(b), 'b.conf')])

describe('checkPair', () => {
  it.each<[string, Node, Node, string[]]>([
    ['a sound pair with a failing-check weight', {state: 'MASTER', priority: 101, weight: -20}, {priority: 100, weight: -20}, []],
    ['seed 001: weight -2 cannot hand over 105 vs 100', {state: 'MASTER', priority: 105, weight: -2}, {priority: 100, weight: -2}, ['keepalived/pair-no-failover']],
    ['seed 002: weight +2 lets a backup that starts first win', {state: 'MASTER', priority: 101, weight: 2}, {priority: 100, weight: 2}, ['keepalived/pair-startup-takeover']],
    ['positive weight on the backup only beats a healthy master', {state: 'MASTER', priority: 101}, {priority: 100, weight: 5}, ['keepalived/pair-healthy-master-loses']],
    ['track_script weight override', {state: 'MASTER', priority: 105, weight: -2, trackWeight: -10}, {priority: 100, weight: -2, trackWeight: -10}, []],
    ['weight 0 script beside a weak weight: FAULT hands over', {state: 'MASTER', priority: 105, weight: -2, trackWeight: 0}, {priority: 100, weight: -2}, []],
    ['no weights at all: nothing to compute', {state: 'MASTER', priority: 101}, {priority: 100}, []],
    ['VRID mismatch', {state: 'MASTER', priority: 101, weight: -20}, {priority: 100, weight: -20, vrid: 52}, ['keepalived/pair-vrid-mismatch']],
    ['VIP mismatch', {state: 'MASTER', priority: 101, weight: -20}, {priority: 100, weight: -20, vip: '198.18.0.101'}, ['keepalived/pair-vip-mismatch']],
    ['advert_int mismatch', {state: 'MASTER', priority: 101, weight: -20}, {priority: 100, weight: -20, advert: 2}, ['keepalived/pair-advert-int-mismatch']],
    ['auth mismatch', {state: 'MASTER', priority: 101, weight: -20, pass: 'aaaa'}, {priority: 100, weight: -20, pass: 'bbbb'}, ['keepalived/pair-auth-mismatch']],
    ['auth equal after truncation', {state: 'MASTER', priority: 101, weight: -20, pass: '12345678x'}, {priority: 100, weight: -20, pass: '12345678y'}, []],
    ['two masters', {state: 'MASTER', priority: 101, weight: -20}, {state: 'MASTER', priority: 100, weight: -20}, ['keepalived/pair-multiple-masters']],
    ['equal priorities', {state: 'MASTER', priority: 100, track: false}, {priority: 100, track: false}, ['keepalived/pair-equal-priority']],
    ['MASTER with the lower priority', {state: 'MASTER', priority: 90, track: false}, {priority: 100, track: false}, ['keepalived/pair-master-priority']],
    ['all BACKUP + nopreempt', {priority: 100, nopreempt: true, weight: -2}, {priority: 90, nopreempt: true, weight: -2}, []],
    ['symmetric unicast', {state: 'MASTER', priority: 101, weight: -20, src: '10.0.0.1', peers: ['10.0.0.2']}, {priority: 100, weight: -20, src: '10.0.0.2', peers: ['10.0.0.1']}, []],
    ['asymmetric unicast', {state: 'MASTER', priority: 101, weight: -20, src: '10.0.0.1', peers: ['10.0.0.3']}, {priority: 100, weight: -20, src: '10.0.0.2', peers: ['10.0.0.1']}, ['keepalived/pair-unicast-peer']],
    ['unicast on one node only', {state: 'MASTER', priority: 101, weight: -20, src: '10.0.0.1', peers: ['10.0.0.2']}, {priority: 100, weight: -20}, ['keepalived/pair-unicast-mismatch']],
    ['instances with different names are matched by VRID', {state: 'MASTER', priority: 101, weight: -20, name: 'VI_1'}, {priority: 100, weight: -20, name: 'VI_2'}, []],
  ])('%s', (_name, a, b, expected) => {
    expect(pair(a, b).map((d) => d.code).sort()).toEqual([...expected].sort())
  })

  it('names the numbers to write and points at the master track_script', () => {
    const [d] = pair({state: 'MASTER', priority: 105, weight: -2}, {priority: 100, weight: -2})
    expect(d).toMatchObject({file: 'a.conf', line: 13, severity: 'error'})
    expect(d?.message).toContain('still advertises 103, not below 100')
    expect(d?.suggestions[0]).toContain('weight -6')
  })

  it('points a VRID mismatch at the wrong node with the value to write', () => {
    const [d] = pair({state: 'MASTER', priority: 101, weight: -20}, {priority: 100, weight: -20, vrid: 52})
    expect(d).toMatchObject({file: 'b.conf', line: 8})
    expect(d?.suggestions).toEqual(['write virtual_router_id 51'])
  })

  it('finds VRID collisions between instances across nodes', () => {
    const a = parseText(conf({state: 'MASTER', priority: 101, weight: -20}) + conf({priority: 100, weight: -20, name: 'VI_2', vrid: 52, vip: '198.18.0.102'}).replace(/vrrp_script chk[^}]*}\n/, ''), 'a.conf')
    const b = parseText(conf({priority: 100, weight: -20}), 'b.conf')
    const c = parseText(conf({state: 'MASTER', priority: 101, weight: -20, name: 'VI_2', vrid: 51, vip: '198.18.0.102'}), 'c.conf')
    const ds = checkPair([a, b, c])
    expect(ds.map((d) => d.code).sort()).toEqual(['keepalived/pair-vrid-collision', 'keepalived/pair-vrid-mismatch'])
    expect(ds.find((d) => d.code === 'keepalived/pair-vrid-collision')).toMatchObject({file: 'c.conf', message: expect.stringContaining('VI_2 uses VRID 51, like VI_1')})
  })

  it('needs two nodes', () => expect(checkPair([parseText(conf({}))])).toEqual([]))
})
