import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {checkKeepalived, type KeepalivedEnvironment, localEnvironment, parseKeepalived} from '../../../src/config/keepalived/index.js'
import {runKeepalivedOracle} from '../../../src/config/oracle.js'
import {requireBinary} from '../../helpers/oracles.js'
import {fixture} from './helpers.js'

/**
 * lbctl against keepalived 2.2.7 on small configs. oracle-2.2.7.json records what `keepalived -t -f FILE`
 * printed and its exit code (seed interface names replaced by eth0); the recorded run is checked always,
 * the live binary when installed.
 */
interface Recorded {
  exitCode: number
  /** stderr lines, deduplicated, `(file: Line N) ` rewritten as `N|`. */
  stderr: string[]
}
const recorded = JSON.parse(readFileSync(fixture('oracle-2.2.7.json'), 'utf8')) as Record<string, Recorded>
const cases = ['agree', 'seeds'].flatMap((dir) => readdirSync(fixture(dir)).filter((f) => f.endsWith('.conf')).map((f) => `${dir}/${f}`))

/** keepalived lines lbctl words differently or folds into another diagnostic. */
const notMirrored = [/^\d+\|Unknown keyword '}'$/, /^Non-existent interface specified in configuration$/]

/** Like keepalived's daemon: exit 6 with only the script-security complaint still runs (lbctl warns). */
function recordedAccepted(run: Recorded): boolean {
  return run.exitCode === 0 || (run.exitCode === 6 && run.stderr.every((line) => line.includes('SECURITY VIOLATION')))
}

function withEth0(text: string, iface = 'eth0'): string {
  return text.replace(/\b(eno16777736|ens18|enp0s25|eth0)\b/g, iface)
}

/** The recording machine: every interface exists (fixtures use eth0), root exists, files as on this machine. */
const recordingEnvironment: KeepalivedEnvironment = {
  interfaceExists: () => true,
  commandExists: (command) => localEnvironment.commandExists(command),
  userExists: (name) => name === 'root' || localEnvironment.userExists(name) === true,
  fileKind: (path) => localEnvironment.fileKind(path),
}

function lbctl(name: string, iface?: string) {
  const path = fixture(name)
  const source = {path, text: withEth0(readFileSync(path, 'utf8'), iface)}
  const parse = parseKeepalived(source)
  return [...parse.diagnostics, ...checkKeepalived(parse, {strictEnv: true, env: recordingEnvironment})]
}

describe('keepalived -t agreement (recorded)', () => {
  it('covers at least 25 configs', () => expect(cases.length).toBeGreaterThanOrEqual(25))
  it.each(cases)('%s', (name) => {
    const expected = recorded[name]
    expect(expected, `record ${name} in oracle-2.2.7.json`).toBeDefined()
    const diagnostics = lbctl(name)
    const errors = diagnostics.filter((d) => d.severity === 'error')
    expect(errors.length > 0, errors.map((d) => d.message).join('\n')).toBe(!recordedAccepted(expected!))
    for (const line of expected!.stderr) {
      if (notMirrored.some((re) => re.test(line))) continue
      const m = /^(\d+)\|(.*)$/.exec(line)
      const text = m ? m[2]! : line
      const match = diagnostics.find((d) => d.message.includes(text) && (!m || d.line === Number(m[1])))
      expect(match, `keepalived said: ${line}\nlbctl said:\n${diagnostics.map((d) => `${d.line}: ${d.message}`).join('\n')}`).toBeDefined()
    }
  })
})

const hasKeepalived = requireBinary('keepalived')
const iface = (() => {
  try {
    return readdirSync('/sys/class/net').find((n) => n !== 'lo')
  } catch {
    return undefined
  }
})()

describe.skipIf(!hasKeepalived || iface === undefined)('keepalived -t agreement (live binary)', () => {
  it.each(cases)('%s', async (name) => {
    const dir = mkdtempSync(join(tmpdir(), 'lbctl-ka-'))
    try {
      const file = join(dir, 'keepalived.conf')
      writeFileSync(file, withEth0(readFileSync(fixture(name), 'utf8'), iface))
      const oracle = await runKeepalivedOracle(file)
      const errors = lbctl(name, iface).filter((d) => d.severity === 'error')
      expect(errors.length > 0, `keepalived exited ${oracle.exitCode}; lbctl errors: ${errors.map((d) => d.message).join('; ')}`).toBe(!oracle.ok)
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
