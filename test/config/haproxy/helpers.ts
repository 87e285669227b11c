import {execFile} from 'node:child_process'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {Diagnostic} from '../../../src/config/diagnostics.js'
import {checkHaproxy, type HaproxyCheckOptions, type HaproxyConfigParse, parseHaproxyFiles} from '../../../src/config/haproxy/index.js'
import type {KeywordSpec} from '../../../src/config/haproxy/keywords/spec.js'

export const FIXTURES = new URL('../../fixtures/haproxy/', import.meta.url).pathname

export const CHECK: HaproxyCheckOptions = {targetVersion: '2.6', strictEnv: false, vips: []}

export function parseText(text: string, path = 'test.cfg', env: Record<string, string | undefined> = {}): HaproxyConfigParse {
  return parseHaproxyFiles([{path, text}], {env})
}

/** Parse diagnostics plus check diagnostics. */
export function diagnose(text: string, options: Partial<HaproxyCheckOptions> = {}, env: Record<string, string | undefined> = {}): Diagnostic[] {
  const parse = parseText(text, 'test.cfg', env)
  return [...parse.diagnostics, ...checkHaproxy(parse, {...CHECK, ...options})]
}

export const errors = (ds: Diagnostic[]): Diagnostic[] => ds.filter((d) => d.severity === 'error')
export const codes = (ds: Diagnostic[]): string[] => ds.map((d) => d.code)

const PRELUDE = 'defaults\n    mode http\n    timeout connect 5s\n    timeout client 30s\n    timeout server 30s\n'
const TRAILER = 'backend app\n    server s1 127.0.0.1:80\n'

/** A minimal config holding `line` in a section where the keyword is allowed, so haproxy -c judges the line alone. */
export function wrapExample(spec: KeywordSpec, line: string): string {
  const section = spec.sections?.[0]
  if (section === 'global') return `global\n    ${line}\n`
  if (section !== undefined) return `${section} test\n    ${line}\n`
  const matrix = spec.proxy ?? 'XXXX'
  if (matrix[2] === 'X') return `${PRELUDE}listen test\n    bind 127.0.0.1:18080\n    ${line}\n${TRAILER}`
  if (matrix[1] === 'X') return `${PRELUDE}frontend test\n    bind 127.0.0.1:18080\n    ${line}\n${TRAILER}`
  if (matrix[3] === 'X') return `${PRELUDE}backend test\n    ${line}\n${TRAILER}`
  return `${PRELUDE.replace('defaults', 'defaults named')}    ${line}\n${TRAILER}`
}

let scratch: string | undefined

/** Runs the real `haproxy -c -f` on a text (cwd = fixtures, for relative cert paths); true when accepted (exit 0 or 2). */
export function haproxyAccepts(text: string, name = 'case.cfg'): Promise<{accepted: boolean; output: string}> {
  scratch ??= mkdtempSync(join(tmpdir(), 'lbctl-hx-'))
  const path = join(scratch, `${Math.random().toString(36).slice(2)}-${name}`)
  writeFileSync(path, text)
  return runHaproxy([path])
}

export function runHaproxy(paths: string[]): Promise<{accepted: boolean; output: string}> {
  return new Promise((resolve) => {
    execFile('haproxy', ['-c', ...paths.flatMap((p) => ['-f', p])], {cwd: FIXTURES, timeout: 20_000}, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
      resolve({accepted: code === 0 || code === 2, output: stdout + stderr})
    })
  })
}

/** Runs tasks with at most `limit` in flight. */
export async function pool<T, R>(items: T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  await Promise.all(
    Array.from({length: Math.min(limit, items.length)}, async () => {
      while (next < items.length) {
        const i = next++
        out[i] = await task(items[i] as T)
      }
    }),
  )
  return out
}
