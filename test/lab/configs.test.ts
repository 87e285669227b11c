/**
 * The lab's configs are the init scaffold with a few said edits; real haproxy (-c) and keepalived (-t)
 * accept what the lab writes.
 */
import {execFileSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {FAST_VRRP, labConfigs, LAB_NODES, type NodeFiles} from '../../src/lab/configs.js'
import {namespaceName, newLabId, parseNamespaceName} from '../../src/lab/names.js'
import {parseStateLog} from '../../src/lab/lab.js'
import {parseAddressEvent} from '../../src/lab/vip-watch.js'
import {requireBinary} from '../helpers/oracles.js'

const dir = mkdtempSync(join(tmpdir(), 'lbctl-labcfg-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

const files = (node: string): NodeFiles => ({haproxyPidFile: join(dir, `haproxy-${node}.pid`), notifyScript: join(dir, 'notify.sh'), stateLog: join(dir, `state-${node}.log`)})
const configs = labConfigs(FAST_VRRP, {lba: files('lba'), lbb: files('lbb')})

describe('lab configs from the init scaffold', () => {
  it('keeps the scaffold priorities and track weight: lba MASTER 110, lbb 100, weight -20', () => {
    expect(configs.priorities).toEqual({lba: 110, lbb: 100})
    expect(configs.weight).toBe(-20)
  })

  it('VRRPv3 every 100 ms, no PASS auth, a per-node track script, the notify script', () => {
    const lba = configs.keepalived.lba
    expect(lba).toContain('vrrp_version 3')
    expect(lba).toMatch(/^\s*advert_int 0\.1$/m)
    expect(lba).not.toContain('auth_type')
    expect(lba).toContain(`script "/bin/sh -c 'kill -0 $(cat ${join(dir, 'haproxy-lba.pid')})'"`)
    expect(lba).not.toContain('pidof')
    expect(lba).toContain(`notify "/bin/sh ${join(dir, 'notify.sh')} ${join(dir, 'state-lba.log')}"`)
    expect(lba).toMatch(/^\s*weight -20$/m)
    expect(configs.keepalived.lbb).toMatch(/^\s*state BACKUP$/m)
  })

  it('VRRPv2 keeps PASS auth and whole-second adverts; sub-second v2 is refused', () => {
    const v2 = labConfigs({version: 2, advertIntMs: 1000, scriptIntervalS: 1}, {lba: files('lba'), lbb: files('lbb')})
    expect(v2.keepalived.lba).toContain('auth_type PASS')
    expect(v2.keepalived.lba).toMatch(/^\s*advert_int 1$/m)
    expect(() => labConfigs({version: 2, advertIntMs: 100, scriptIntervalS: 1}, {lba: files('lba'), lbb: files('lbb')})).toThrow(/whole seconds/)
  })

  it('each haproxy names itself in X-Lb-Node', () => {
    expect(configs.haproxy.lba).toContain('http-response set-header X-Lb-Node lba')
    expect(configs.haproxy.lbb).toContain('http-response set-header X-Lb-Node lbb')
    expect(configs.haproxy.lba).toContain('server app1 198.18.0.21:8080')
  })

  it.skipIf(!requireBinary('keepalived'))('keepalived -t accepts both node configs', () => {
    writeFileSync(join(dir, 'notify.sh'), configs.notifyScript, {mode: 0o700})
    for (const node of LAB_NODES) {
      const file = join(dir, `keepalived-${node}.conf`)
      writeFileSync(file, configs.keepalived[node])
      // keepalived -t exits 0 on a valid config; its complaints come on stderr.
      expect(() => execFileSync('keepalived', ['-t', '-f', file, '-l', '-n'], {stdio: 'pipe'}), node).not.toThrow()
    }
  })

  it.skipIf(!requireBinary('haproxy'))('haproxy -c accepts both node configs', () => {
    for (const node of LAB_NODES) {
      const file = join(dir, `haproxy-${node}.cfg`)
      writeFileSync(file, configs.haproxy[node])
      const out = execFileSync('haproxy', ['-c', '-f', file], {env: {...process.env, LBCTL_RUN_DIR: dir}, stdio: 'pipe'}).toString()
      expect(out).toContain('Configuration file is valid')
    }
  })
})

describe('lab names', () => {
  it('carry the owner pid so a crashed run’s leftovers are recognisable', () => {
    const id = newLabId(4242)
    expect(id).toMatch(/^4242-[0-9a-f]{6}$/)
    const name = namespaceName(id, 'client')
    expect(parseNamespaceName(name)).toEqual({pid: 4242, labId: id, host: 'client'})
    expect(parseNamespaceName('lbt123a')).toBeUndefined()
  })
})

describe('ip monitor address lines', () => {
  it.each([
    ['2: eth0    inet 198.18.0.100/24 scope global secondary eth0', 'added'],
    ['Deleted 2: eth0    inet 198.18.0.100/24 scope global secondary eth0', 'removed'],
    ['2: eth0    inet 198.18.0.11/24 scope global eth0', undefined],
    ['       valid_lft forever preferred_lft forever', undefined],
    ['Deleted 2: eth0    inet6 fe80::1/64 scope link', undefined],
  ])('%s', (line, change) => {
    expect(parseAddressEvent(line, '198.18.0.100')).toBe(change)
  })
})

describe('the lab state log', () => {
  it('is read in time order: notify scripts of quick transitions can append out of order', () => {
    const text = '1000 INIT 100\n1010 BACKUP 100\n1300 BACKUP 100\n1200 MASTER 100\nnot a line\n'
    expect(parseStateLog(text).map((l) => l.state)).toEqual(['INIT', 'BACKUP', 'MASTER', 'BACKUP'])
  })
})
