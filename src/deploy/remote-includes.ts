/**
 * keepalived `include` over a host connection. The keepalived parser reads includes through a synchronous
 * ConfigReader, so the included files are fetched first: parse, note every glob and file the parser asked for
 * and did not get, fetch those from the host, parse again, until nothing new is asked for (one nesting level
 * per two rounds). The diff then compares what the host really runs, includes and all.
 */
import {readKeepalivedFiles} from '../config/keepalived/parser.js'
import type {ConfigReader} from '../config/keepalived/index.js'
import {UserError} from '../errors.js'
import type {DeployHost} from './host.js'

/** keepalived's own include depth limit (parser.ts), times the two rounds each level needs, plus the first. */
const MAX_ROUNDS = 2 * 32 + 1
/** A glob such as `/etc/*` can match a lot: past this many included files the rest read as empty. */
const MAX_FILES = 256

export interface RemoteIncludeReader extends ConfigReader {
  /** Fetches everything `text` (the file at `path` on the host) includes, directly or not. */
  load(path: string, text: string): Promise<void>
}

export function remoteIncludeReader(host: DeployHost): RemoteIncludeReader {
  const globs = new Map<string, string[]>()
  /** Fetched files; an Error when the host could not read one (keepalived skips it with a warning too). */
  const files = new Map<string, string | Error>()
  const wanted = {globs: new Set<string>(), files: new Set<string>()}
  const reader: RemoteIncludeReader = {
    glob: (pattern) => {
      const hit = globs.get(pattern)
      if (hit) return hit
      wanted.globs.add(pattern)
      return []
    },
    read: (path) => {
      const file = files.get(path)
      if (file instanceof Error) throw new UserError('deploy/include', file.message)
      if (file !== undefined) return {path, text: file}
      if (files.size < MAX_FILES) wanted.files.add(path)
      return {path, text: ''}
    },
    load: async (path, text) => {
      for (let round = 0; round < MAX_ROUNDS; round++) {
        wanted.globs.clear()
        wanted.files.clear()
        readKeepalivedFiles({path, text}, reader, undefined)
        if (wanted.globs.size === 0 && wanted.files.size === 0) return
        await Promise.all([
          ...[...wanted.globs].map(async (pattern) => void globs.set(pattern, await host.glob(pattern).catch(() => []))),
          ...[...wanted.files].map(async (file) => {
            const content = await host.read(file).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))))
            files.set(file, content ?? new Error('No such file or directory'))
          }),
        ])
      }
    },
  }
  return reader
}
