// The configs every agreement and round-trip test walks: the seeds' examples and the corpus.
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

export type CorpusTool = 'haproxy' | 'keepalived'

export interface CorpusEntry {
  /** Path relative to the repository root, with `/`: the key of expected.json and the name the binaries print. */
  path: string
  tool: CorpusTool
  origin: 'seed' | 'corpus'
}

/** What `keepalived -t` and `haproxy -c` said when expected.json was recorded. */
export interface ExpectedVerdict {
  accepted: boolean
  oracleExit: number | null
  messages: {severity: 'error' | 'warning' | 'info'; line?: number; file?: string; text: string}[]
}

export interface ExpectedManifest {
  recordedWith: {haproxy: string; keepalived: string; testInterface: boolean}
  files: Record<string, ExpectedVerdict>
}

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
export const manifestPath = join(repoRoot, 'test/corpus/expected.json')
/** Corpus keepalived configs use this interface; the tests create it (as root) for keepalived -t and lbctl --strict-env. */
export const TEST_INTERFACE = 'lbtest0'

export function listCorpus(): CorpusEntry[] {
  const list = (dir: string, pattern: RegExp) =>
    readdirSync(join(repoRoot, dir))
      .filter((name) => pattern.test(name))
      .sort()
      .map((name) => `${dir}/${name}`)
  return [
    ...list('test/fixtures/seeds', /\.cfg$/).map((path) => ({path, tool: 'haproxy' as const, origin: 'seed' as const})),
    ...list('test/fixtures/seeds', /\.conf$/).map((path) => ({path, tool: 'keepalived' as const, origin: 'seed' as const})),
    ...list('test/corpus/haproxy', /\.cfg$/).map((path) => ({path, tool: 'haproxy' as const, origin: 'corpus' as const})),
    ...list('test/corpus/keepalived', /\.conf$/).map((path) => ({path, tool: 'keepalived' as const, origin: 'corpus' as const})),
  ]
}

export function needsTestInterface(entry: CorpusEntry): boolean {
  return readFileSync(join(repoRoot, entry.path), 'utf8').includes(TEST_INTERFACE)
}

export function readManifest(): ExpectedManifest {
  return JSON.parse(readFileSync(manifestPath, 'utf8')) as ExpectedManifest
}

/** Runs `task` over `items` with at most `size` in flight (the binaries are CPU-bound; CI has 2 cores). */
export async function inPool<T, R>(items: T[], size: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await task(items[index] as T)
    }
  }
  await Promise.all(Array.from({length: Math.min(size, items.length)}, worker))
  return results
}
