// The scaffold must be clean under lbctl's own strictest checks: validate --pair --strict.
import {mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {validateConfigs} from '../../src/config/validate.js'
import {initDefaults, type InitAnswers, runInit} from '../../src/init/index.js'

const root = mkdtempSync(join(tmpdir(), 'lbctl-init-validate-'))
afterAll(() => rmSync(root, {recursive: true, force: true}))

const variants: [string, Partial<InitAnswers>][] = [
  ['defaults (http, two nodes)', {}],
  ['tcp on 3306', {mode: 'tcp', port: '3306', backends: '10.0.0.31:3306,10.0.0.32:3306'}],
  ['three nodes, /24 VIP, ssh destinations', {nodes: 'a=root@10.0.0.11,b=root@10.0.0.12,c', vip: '10.9.8.7/24', backends: 'localhost:8080', vrid: '200'}],
  ['ten nodes', {nodes: 'n1,n2,n3,n4,n5,n6,n7,n8,n9,n10'}],
  ['given stats credentials', {statsUser: 'ops', statsPassword: 'S3cret:with-colon!'}],
]

describe('lbctl validate --pair --strict accepts the scaffold', () => {
  it.each(variants)('%s', async (name, answers) => {
    const dir = join(root, name.replace(/\W+/g, '-'))
    runInit({dir, force: false, answers: {...initDefaults, ...answers}})
    const run = await validateConfigs({
      paths: readdirSync(dir).map((f) => join(dir, f)),
      pair: true,
      strict: true,
      strictEnv: false,
      targetVersion: '2.6',
      oracle: false,
    })
    expect(run.result.diagnostics).toEqual([])
    expect(run.result.valid).toBe(true)
  })
})
