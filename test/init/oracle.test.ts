// The scaffold against the real tools: haproxy -c and keepalived -t (lbctl's own validate: validate.test.ts).
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {initDefaults, type InitAnswers, runInit} from '../../src/init/index.js'
import {requireBinary} from '../helpers/oracles.js'
import {testInterface} from './test-interface.js'

const root = mkdtempSync(join(tmpdir(), 'lbctl-init-oracle-'))
const iface = testInterface()
beforeAll(() => iface.setUp())
afterAll(() => {
  iface.tearDown()
  rmSync(root, {recursive: true, force: true})
})

const variants: [string, Partial<InitAnswers>][] = [
  ['defaults (http, two nodes)', {}],
  ['tcp on 3306', {mode: 'tcp', port: '3306', backends: '10.0.0.31:3306,10.0.0.32:3306'}],
  ['three nodes, /24 VIP, host names, ssh destinations', {nodes: 'a=root@10.0.0.11,b=root@10.0.0.12,c', vip: '10.9.8.7/24', backends: 'localhost:8080,127.0.0.1:8081', vrid: '200'}],
  ['given stats credentials', {statsUser: 'ops', statsPassword: 'S3cret:with-colon!'}],
]

function scaffold(name: string, answers: Partial<InitAnswers>) {
  const dir = join(root, name.replace(/\W+/g, '-'))
  runInit({dir, force: false, answers: {...initDefaults, interface: iface.name, ...answers}})
  return dir
}

describe.skipIf(!requireBinary('haproxy'))('haproxy -c accepts the scaffold', () => {
  it.each(variants)('%s', (name, answers) => {
    const dir = scaffold(`h-${name}`, answers)
    const run = spawnSync('haproxy', ['-c', '-f', join(dir, 'haproxy.cfg')], {encoding: 'utf8'})
    expect(run.stdout + run.stderr).toContain('Configuration file is valid')
    expect(run.stdout + run.stderr).not.toMatch(/WARNING|ALERT/)
    expect(run.status).toBe(0)
  })
})

describe.skipIf(!requireBinary('keepalived'))('keepalived -t accepts every node file', () => {
  it.each(variants)('%s', (name, answers) => {
    const dir = scaffold(`k-${name}`, answers)
    const files = readdirSync(dir).filter((f) => f.startsWith('keepalived-'))
    expect(files.length).toBeGreaterThanOrEqual(2)
    for (const file of files) {
      const run = spawnSync('keepalived', ['-t', '-f', join(dir, file)], {encoding: 'utf8'})
      expect({file, status: run.status, output: run.stdout + run.stderr}).toEqual({file, status: 0, output: ''})
    }
  })

  it('says why when the interface does not exist (what a user sees on the wrong machine)', () => {
    const dir = scaffold('k-missing-iface', {interface: 'nosuch0'})
    const run = spawnSync('keepalived', ['-t', '-f', join(dir, 'keepalived-lb1.conf')], {encoding: 'utf8'})
    expect(run.status).not.toBe(0)
    expect(run.stderr).toContain("interface nosuch0 for vrrp_instance VI_51 doesn't exist")
  })
})
