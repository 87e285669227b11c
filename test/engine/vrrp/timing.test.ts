import {execFileSync} from 'node:child_process'
import {mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {initialMasterWaitMs, masterDownIntervalMs, parseAdvertInt, skewTimeMs, skewTimeUs} from '../../../src/engine/vrrp/timing.js'
import {requireBinary} from '../../helpers/oracles.js'

describe('Skew_Time and Master_Down_Interval', () => {
  it.each([
    // version, priority, Master_Adver_Interval (cs), skew µs, skew ms, Master_Down_Interval ms
    [2, 100, 100, 609_375, 609, 3609],
    [2, 120, 100, 531_250, 531, 3531],
    [2, 150, 100, 414_062, 414, 3414],
    [2, 254, 100, 7_812, 7, 3007],
    [2, 1, 100, 996_093, 996, 3996],
    [2, 100, 300, 609_375, 609, 9609], // v2: the skew does not scale with the interval
    [3, 100, 100, 609_375, 609, 3609],
    [3, 100, 10, 60_937, 60, 360], // advert_int 0.1
    [3, 100, 1, 6_093, 6, 36], // advert_int 0.01
    [3, 200, 20, 43_750, 43, 643],
    [3, 1, 4095, 40_790_039, 40790, 163_640],
  ] as const)('v%i priority %i interval %i cs → skew %i µs (%i ms), down %i ms', (version, priority, cs, us, ms, down) => {
    expect(skewTimeUs(version, priority, cs)).toBe(us)
    expect(skewTimeMs(version, priority, cs)).toBe(ms)
    expect(masterDownIntervalMs(version, priority, cs)).toBe(down)
  })

  it('a lower priority always waits longer (v2 and v3 at 1 s)', () => {
    for (const version of [2, 3] as const) {
      for (let priority = 1; priority < 254; priority++) {
        expect(masterDownIntervalMs(version, priority, 100)).toBeGreaterThan(masterDownIntervalMs(version, priority + 1, 100))
      }
    }
  })

  it('keepalived `state MASTER` first wait: one interval + VRRP_TIMER_SKEW_MIN', () => {
    expect(initialMasterWaitMs(2, 100)).toBe(1003)
    expect(initialMasterWaitMs(3, 10)).toBe(100)
    expect(initialMasterWaitMs(3, 100)).toBe(1003)
  })
})

describe('advert_int as keepalived reads it', () => {
  it.each([
    ['1', 2, 100, []],
    ['1', 3, 100, []],
    ['+1', 2, 100, []],
    ['01', 2, 100, []],
    ['1.', 2, 100, []],
    ['3', 2, 300, []],
    ['1.5', 2, 200, ['VRRPv2 advertisement interval 1.500000s must be an integer. rounding']],
    ['2.5', 2, 300, ['VRRPv2 advertisement interval 2.500000s must be an integer. rounding']],
    ['0.4', 2, 100, ['VRRPv2 advertisement interval 0.400000s must be an integer. rounding']],
    ['.5', 2, 100, ['VRRPv2 advertisement interval 0.500000s must be an integer. rounding']],
    ['1.5', 3, 150, []],
    ['0.1', 3, 10, []],
    ['0.01', 3, 1, []],
    ['40.95', 3, 4095, []],
    ['0.015', 3, 2, ['VRRPv3 advertisement interval 0.015000s must be in units of 10ms - rounding']],
    ['0.014', 3, 1, ['VRRPv3 advertisement interval 0.014000s must be in units of 10ms - rounding']],
    ['41', 3, 4095, ['VRRPv3 advertisement interval 41.00s is out of range. Must be less than 40.96s. Setting to 40.95s']],
    ['40.96', 3, 4095, ['VRRPv3 advertisement interval 40.96s is out of range. Must be less than 40.96s. Setting to 40.95s']],
    ['255', 3, 4095, ['VRRPv3 advertisement interval 255.00s is out of range. Must be less than 40.96s. Setting to 40.95s']],
    ['255', 2, 25500, []],
    ['1.0000004', 2, 100, ["number '1.0000004' has too many decimal places"]],
    ['1.0000005', 3, 100, ["number '1.0000005' has too many decimal places", 'VRRPv3 advertisement interval 1.000001s must be in units of 10ms - rounding']],
    ['0.0099999', 3, 1, ["number '0.0099999' has too many decimal places"]],
  ] as const)('%j (v%i) → %i cs', (text, version, cs, warnings) => {
    expect(parseAdvertInt(text, version)).toEqual({ok: true, centiseconds: cs, warnings: [...warnings]})
  })

  it.each(['0.005', '0.004', '256', '300', 'abc', '-1', '1e1', '0x10', '', '.'])('%j is not valid: keepalived ignores it (default 1 s)', (text) => {
    const result = parseAdvertInt(text, 2)
    expect(result).toMatchObject({ok: false, message: `Advert interval (${text}) not valid! Must be > 0 - ignoring`})
  })

  it('clamps 40.955 to 40.95 s where keepalived would round to an unencodable 40.96 s', () => {
    expect(parseAdvertInt('40.955', 3)).toMatchObject({ok: true, centiseconds: 4095})
  })
})

const interfaces = (() => {
  try {
    return readdirSync('/sys/class/net').filter((name) => name !== 'lo')
  } catch {
    return []
  }
})()

describe.skipIf(!requireBinary('keepalived') || interfaces.length === 0)('advert_int against keepalived -t', () => {
  it('our warnings are the lines keepalived prints', () => {
    const directory = mkdtempSync(join(tmpdir(), 'lbctl-vrrp-'))
    try {
      for (const version of [2, 3] as const) {
        for (const value of ['1', '1.5', '0.4', '2.5', '0.015', '0.014', '41', '1.0000005', '0.004', 'abc', '0.1']) {
          const file = join(directory, 'keepalived.conf')
          writeFileSync(
            file,
            `global_defs {\n  vrrp_version ${version}\n}\nvrrp_instance VI_1 {\n  interface ${interfaces[0]}\n  virtual_router_id 51\n  priority 100\n  advert_int ${value}\n  virtual_ipaddress {\n    198.18.0.100\n  }\n}\n`,
          )
          let output = ''
          try {
            output = execFileSync('keepalived', ['-t', '-f', file, '-l', '-D'], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']})
          } catch (error) {
            const failed = error as {stdout?: string; stderr?: string}
            output = `${failed.stdout ?? ''}${failed.stderr ?? ''}`
          }
          const keepalivedLines = output
            .split('\n')
            .filter((line) => /advert|decimal|number|interval/i.test(line))
            .map((line) => line.replace(/^\([^)]*Line \d+\) /, '').replace(/^\(VI_1\) /, ''))
          const ours = parseAdvertInt(value, version)
          const ourLines = ours.ok ? ours.warnings : [...ours.warnings, ours.message].filter((line) => !line.startsWith('invalid number'))
          const wanted = keepalivedLines.filter((line) => !line.startsWith('invalid number'))
          expect(ourLines, `advert_int ${value} v${version}`).toEqual(wanted)
        }
      }
    } finally {
      rmSync(directory, {recursive: true, force: true})
    }
  })
})
