import {readdirSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {readSourceFile} from '../source.js'
import type {ConfigReader} from './index.js'

/** The real file system, with glob(3)-like expansion (`*`, `?`, `[...]`, `{a,b}`), as keepalived uses for `include`. */
export const fsConfigReader: ConfigReader = {
  read: (path) => readSourceFile(path),
  glob: (pattern) => globFiles(pattern, (dir) => readdirSync(dir), isFile),
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}

/** Expands `{a,b}` alternatives first (GLOB_BRACE), then wildcards per path segment. */
export function globFiles(pattern: string, list: (dir: string) => string[], fileExists: (path: string) => boolean): string[] {
  const out = new Set<string>()
  for (const alternative of expandBraces(pattern)) {
    for (const path of globOne(alternative, list, fileExists)) out.add(path)
  }
  return [...out].sort()
}

export function expandBraces(pattern: string): string[] {
  const match = /\{([^{}]*)\}/.exec(pattern)
  if (!match) return [pattern]
  const before = pattern.slice(0, match.index)
  const after = pattern.slice(match.index + match[0].length)
  return match[1]!.split(',').flatMap((alt) => expandBraces(before + alt + after))
}

function hasMagic(segment: string): boolean {
  return /[*?[]/.test(segment)
}

function globOne(pattern: string, list: (dir: string) => string[], fileExists: (path: string) => boolean): string[] {
  if (!hasMagic(pattern)) return fileExists(pattern) ? [pattern] : []
  const absolute = pattern.startsWith('/')
  const segments = pattern.split('/').filter((s, i) => s !== '' || i === 0)
  let paths = [absolute ? '/' : '']
  for (const [i, segment] of segments.entries()) {
    if (absolute && i === 0) continue
    const next: string[] = []
    for (const base of paths) {
      if (!hasMagic(segment)) {
        next.push(base === '' ? segment : join(base, segment))
        continue
      }
      const re = segmentRegExp(segment)
      let entries: string[] = []
      try {
        entries = list(base === '' ? '.' : base)
      } catch {
        entries = []
      }
      for (const entry of entries.sort()) {
        if (entry.startsWith('.') && !segment.startsWith('.')) continue
        if (re.test(entry)) next.push(base === '' ? entry : join(base, entry))
      }
    }
    paths = next
  }
  return paths.filter(fileExists)
}

export function segmentRegExp(segment: string): RegExp {
  let re = ''
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i]!
    if (ch === '*') re += '[^/]*'
    else if (ch === '?') re += '[^/]'
    else if (ch === '[') {
      const end = segment.indexOf(']', i + 2)
      if (end === -1) re += '\\['
      else {
        let body = segment.slice(i + 1, end)
        if (body.startsWith('!')) body = '^' + body.slice(1)
        re += `[${body.replace(/\\/g, '\\\\')}]`
        i = end
      }
    } else re += ch.replace(/[.+^${}()|\\]/g, '\\$&')
  }
  return new RegExp(`^${re}$`)
}
