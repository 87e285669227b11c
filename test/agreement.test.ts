// lbctl validate must agree with the real tools: it reports an error exactly when `haproxy -c` /
// `keepalived -t` reject the file, for every seed example and every corpus config. The verdicts
// recorded in test/corpus/expected.json let this run where the binaries are absent; where they are
// present, the live part re-runs them and checks the recording still holds.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {Diagnostic} from '../src/config/diagnostics.js'
import type {OracleResult} from '../src/config/oracle.js'
import {validateConfigs} from '../src/config/validate.js'
import {type CorpusEntry, type ExpectedVerdict, inPool, listCorpus, needsTestInterface, readManifest} from './corpus/corpus.js'
import {runOracleFor, verdictOf} from './corpus/record-expected.js'
import {createTestInterface, interfaceExists, removeTestInterface} from './corpus/test-interface.js'
import {requireBinary, requireRoot} from './helpers/oracles.js'

const entries = listCorpus()
const manifest = readManifest()
/** Lines count as "the same place" within this distance: the binaries sometimes point at the next line. */
const NEAR = 1

// Created while the tests are collected: which keepalived cases can run depends on it.
const createdInterface = createTestInterface()
const interfaceReady = interfaceExists()
afterAll(() => {
  if (createdInterface) removeTestInterface()
})

async function lbctlDiagnostics(entry: CorpusEntry): Promise<Diagnostic[]> {
  try {
    const run = await validateConfigs({
      paths: [entry.path],
      type: entry.tool,
      pair: false,
      strict: false,
      // The binaries fail on missing certs, files, users and interfaces of this machine: so must lbctl here.
      strictEnv: true,
      targetVersion: '2.6',
      oracle: false,
    })
    return run.diagnostics
  } catch (error) {
    // A thrown error (UserError or bug) is reported like an error diagnostic, so the comparison still prints it.
    return [{code: 'test/threw', severity: 'error', file: entry.path, line: 1, column: 1, endLine: 1, endColumn: 2, message: String(error), suggestions: []}]
  }
}

function describeMismatch(entry: CorpusEntry, verdict: ExpectedVerdict, diagnostics: Diagnostic[]): string {
  const oracle = verdict.messages.map((m) => `    ${m.severity} ${m.file ?? entry.path}:${m.line ?? '?'}: ${m.text}`).join('\n') || '    (nothing)'
  const lbctl =
    diagnostics.map((d) => `    ${d.severity}[${d.code}] ${d.file}:${d.line}:${d.column}: ${d.message}`).join('\n') || '    (nothing)'
  const tool = entry.tool === 'haproxy' ? 'haproxy -c' : 'keepalived -t'
  return [
    `${entry.path}: ${tool} ${verdict.accepted ? 'ACCEPTS' : 'REJECTS'} it (exit ${verdict.oracleExit}), lbctl reports ${countErrors(diagnostics)} error(s)`,
    `  ${tool} said:`,
    oracle,
    '  lbctl said:',
    lbctl,
  ].join('\n')
}

function countErrors(diagnostics: Diagnostic[]): number {
  return diagnostics.filter((d) => d.severity === 'error').length
}

/** lbctl reports at least one error exactly when the binary rejects the file. */
function expectAgreement(entry: CorpusEntry, verdict: ExpectedVerdict, diagnostics: Diagnostic[]): void {
  const lbctlRejects = countErrors(diagnostics) > 0
  expect(lbctlRejects, describeMismatch(entry, verdict, diagnostics)).toBe(!verdict.accepted)
}

/**
 * Where the binary pointed at lines, lbctl must point at (at least) one of them: it found the problem
 * where the binary did (cascades such as "no such ACL" after a bad ACL need not be repeated). The
 * reverse (no lbctl error elsewhere) is only checked for keepalived, which runs all its checks and
 * gives lines for all of them: haproxy stops after the parsing phase when that phase failed, so lbctl
 * may rightly find more (an undefined backend after an unknown keyword).
 */
function expectErrorsWhereOracleComplained(entry: CorpusEntry, verdict: ExpectedVerdict, diagnostics: Diagnostic[]): void {
  if (verdict.accepted) return
  const oracleErrors = verdict.messages.filter((m) => m.severity === 'error' && (m.file === undefined || m.file === entry.path))
  const positioned = oracleErrors.filter((m) => m.line !== undefined)
  const lbctlErrors = diagnostics.filter((d) => d.severity === 'error' && d.file === entry.path)
  const near = (a: number, b: number) => Math.abs(a - b) <= NEAR
  // Later haproxy checks point at the proxy's declaration, lbctl rightly at the rule: only parsing-phase lines must match.
  const exact = entry.tool === 'keepalived' ? positioned : positioned.filter(isHaproxyParsingPhase)
  if (exact.length > 0) {
    expect(
      lbctlErrors.some((d) => exact.some((m) => near(d.line, m.line as number))),
      `${entry.path}: lbctl reported no error on the lines the oracle complained about (${exact.map((m) => m.line).join(', ')})\n${describeMismatch(entry, verdict, diagnostics)}`,
    ).toBe(true)
  }

  // haproxy either stopped after a failed parsing phase or located its later findings at the proxy: only keepalived's lines are exhaustive.
  if (entry.tool !== 'keepalived' || positioned.length === 0 || positioned.length < oracleErrors.length) return
  const misplaced = lbctlErrors.filter((d) => !positioned.some((m) => near(m.line as number, d.line)))
  expect(
    misplaced.map((d) => `${d.file}:${d.line}: ${d.message}`),
    `${entry.path}: lbctl errors on lines the oracle did not complain about\n${describeMismatch(entry, verdict, diagnostics)}`,
  ).toEqual([])
}

/** haproxy's parsing-phase messages carry `parsing [file:line]` / `[file:line]` (stripped into `line`); later checks point back with `(file:line)` or not at all. */
function isHaproxyParsingPhase(message: ExpectedVerdict['messages'][number]): boolean {
  return message.line !== undefined && !/\((at )?[^\s()]+:\d+\)|\[[^\]\s]+:\d+\]/.test(message.text)
}

function skipWithoutInterface(entry: CorpusEntry): boolean {
  return entry.tool === 'keepalived' && needsTestInterface(entry) && !interfaceReady
}

describe('lbctl validate agrees with the recorded verdicts of haproxy -c and keepalived -t', () => {
  it('every seed and corpus config has a recorded verdict', () => {
    const unrecorded = entries.map((e) => e.path).filter((path) => manifest.files[path] === undefined)
    expect(unrecorded, 'run `npx tsx test/corpus/record-expected.ts` (as root) to record them').toEqual([])
    expect(entries.filter((e) => e.origin === 'corpus' && e.tool === 'haproxy').length).toBeGreaterThanOrEqual(60)
    expect(entries.filter((e) => e.origin === 'corpus' && e.tool === 'keepalived').length).toBeGreaterThanOrEqual(25)
  })

  for (const entry of entries) {
    // Without root, lbtest0 cannot be created: lbctl --strict-env and keepalived -t would both miss it.
    it.skipIf(skipWithoutInterface(entry))(`${entry.path}`, async () => {
      const verdict = manifest.files[entry.path]
      expect(verdict, `${entry.path} has no recorded verdict`).toBeDefined()
      if (!verdict) return
      const diagnostics = await lbctlDiagnostics(entry)
      expectAgreement(entry, verdict, diagnostics)
      expectErrorsWhereOracleComplained(entry, verdict, diagnostics)
    })
  }
})

for (const tool of ['haproxy', 'keepalived'] as const) {
  const live = entries.filter((e) => e.tool === tool)
  // keepalived -t needs lbtest0, which needs root.
  const runnable = requireBinary(tool) && (tool === 'haproxy' || requireRoot())
  describe.skipIf(!runnable)(`live ${tool}: the recording still holds and lbctl agrees`, () => {
    const results = new Map<string, OracleResult>()
    beforeAll(async () => {
      expect(interfaceReady || tool === 'haproxy', 'lbtest0 could not be created').toBe(true)
      const runs = await inPool(live, 2, runOracleFor)
      live.forEach((entry, i) => results.set(entry.path, runs[i] as OracleResult))
    })

    for (const entry of live) {
      it(`${entry.path}`, async () => {
        const result = results.get(entry.path)
        expect(result?.available).toBe(true)
        if (!result) return
        const now = verdictOf(entry, result)
        const recorded = manifest.files[entry.path]
        expect(
          {accepted: now.accepted, oracleExit: now.oracleExit},
          `${entry.path}: ${tool} now says otherwise than expected.json: re-run \`npx tsx test/corpus/record-expected.ts\`\n${result.output}`,
        ).toEqual({accepted: recorded?.accepted, oracleExit: recorded?.oracleExit})
        expectAgreement(entry, now, await lbctlDiagnostics(entry))
      })
    }
  })
}
