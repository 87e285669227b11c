// Records what the real binaries say about every seed and corpus config into test/corpus/expected.json.
// Run as root (so lbtest0 can exist) from anywhere: npx tsx test/corpus/record-expected.ts
import {spawnSync} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {type OracleResult, runHaproxyOracle, runKeepalivedOracle} from '../../src/config/oracle.js'
import {type CorpusEntry, type ExpectedManifest, type ExpectedVerdict, inPool, listCorpus, manifestPath, repoRoot} from './corpus.js'
import {createTestInterface, interfaceExists, removeTestInterface} from './test-interface.js'

export function runOracleFor(entry: CorpusEntry): Promise<OracleResult> {
  return entry.tool === 'haproxy' ? runHaproxyOracle([entry.path], {cwd: repoRoot}) : runKeepalivedOracle(entry.path, {cwd: repoRoot})
}

export function verdictOf(entry: CorpusEntry, result: OracleResult): ExpectedVerdict {
  return {
    accepted: result.ok,
    oracleExit: result.exitCode,
    messages: result.messages.map((m) => ({
      severity: m.severity,
      ...(m.line === undefined ? {} : {line: m.line}),
      ...(m.file === undefined || m.file === entry.path ? {} : {file: m.file}),
      text: m.text,
    })),
  }
}

/** First line of `-v` (keepalived prints it on stderr). */
function version(command: string, args: string[]): string {
  const run = spawnSync(command, args, {encoding: 'utf8'})
  if (run.error) return 'absent'
  return `${run.stdout}${run.stderr}`.split('\n')[0]?.trim() ?? ''
}

async function main(): Promise<void> {
  const created = createTestInterface()
  try {
    const entries = listCorpus()
    const results = await inPool(entries, 2, runOracleFor)
    const missing = results.filter((r) => !r.available).map((r) => r.tool)
    if (missing.length > 0) throw new Error(`cannot record: ${[...new Set(missing)].join(', ')} not installed`)
    const files: ExpectedManifest['files'] = {}
    entries.forEach((entry, i) => {
      files[entry.path] = verdictOf(entry, results[i] as OracleResult)
    })
    const manifest: ExpectedManifest = {
      recordedWith: {
        haproxy: version('haproxy', ['-v']),
        keepalived: version('keepalived', ['-v']),
        testInterface: interfaceExists(),
      },
      files,
    }
    writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n')
    const accepted = Object.values(files).filter((f) => f.accepted).length
    process.stdout.write(`recorded ${entries.length} configs (${accepted} accepted, ${entries.length - accepted} rejected) in ${manifestPath}\n`)
  } finally {
    if (created) removeTestInterface()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`)
    process.exitCode = 1
  })
}
