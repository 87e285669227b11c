import {dirname, join} from 'node:path'
import {checkKeepalived, type ConfigReader, type KeepalivedConfigParse, parseKeepalived, unknownEnvironment} from '../../../src/config/keepalived/index.js'
import {globFiles} from '../../../src/config/keepalived/reader.js'
import type {Diagnostic} from '../../../src/config/diagnostics.js'

/** An in-memory file system for include tests. */
export function memoryReader(files: Record<string, string>): ConfigReader {
  return {
    read: (path) => {
      const text = files[path]
      if (text === undefined) throw new Error(`${path}: no such file`)
      return {path, text}
    },
    glob: (pattern) =>
      globFiles(
        pattern,
        (dir) => {
          const prefix = dir === '.' ? '' : dir.endsWith('/') ? dir : dir + '/'
          const names = new Set<string>()
          for (const path of Object.keys(files)) if (path.startsWith(prefix)) names.add(path.slice(prefix.length).split('/')[0]!)
          return [...names]
        },
        (path) => path in files,
      ),
  }
}

export function parseText(text: string, path = '/etc/keepalived/keepalived.conf', extra: Record<string, string> = {}): KeepalivedConfigParse {
  return parseKeepalived({path, text}, {reader: memoryReader({[path]: text, ...extra})})
}

/** Parse and rules, with no environment checks (the machine running the tests is not the target). */
export function diagnose(text: string): Diagnostic[] {
  const parse = parseText(text)
  return [...parse.diagnostics, ...checkKeepalived(parse, {strictEnv: false, env: unknownEnvironment})]
}

export const codes = (ds: Diagnostic[]) => ds.map((d) => d.code)

export function fixture(...parts: string[]): string {
  return join(dirname(new URL(import.meta.url).pathname), '../../fixtures/keepalived', ...parts)
}
