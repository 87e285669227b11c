import {UserError} from '../errors.js'
import {detectConfigType} from './detect.js'
import {type DiffResult, diffOutlines} from './diff.js'
import {outlineHaproxy, parseHaproxyFiles} from './haproxy/index.js'
import {outlineKeepalived, parseKeepalived} from './keepalived/index.js'
import type {OutlineSection} from './outline.js'
import {readSourceFile, type SourceFile} from './source.js'

export interface CompareOptions {
  before: string
  after: string
  type?: 'haproxy' | 'keepalived'
}

export interface CompareResult extends DiffResult {
  type: 'haproxy' | 'keepalived'
}

/** Reads two configs of the same kind and diffs what they mean, not how they are written. */
export function compareConfigFiles(options: CompareOptions): CompareResult {
  const before = readSourceFile(options.before)
  const after = readSourceFile(options.after)
  const type = options.type ?? sharedType(before, after)
  return {type, ...diffOutlines(outline(before, type), outline(after, type))}
}

function sharedType(before: SourceFile, after: SourceFile): 'haproxy' | 'keepalived' {
  const a = detectConfigType(before.path, before.text)
  const b = detectConfigType(after.path, after.text)
  for (const [file, type] of [[before.path, a], [after.path, b]] as const) {
    if (type !== 'haproxy' && type !== 'keepalived') {
      throw new UserError('diff/unknown-type', `cannot tell whether ${file} is a haproxy.cfg or a keepalived.conf`, {
        hint: 'pass --type haproxy or --type keepalived',
      })
    }
  }
  if (a !== b) {
    throw new UserError('diff/type-mismatch', `${before.path} looks like a ${a} config but ${after.path} like a ${b} config`, {
      hint: 'diff two haproxy configs or two keepalived configs (or force one reading with --type)',
    })
  }
  return a as 'haproxy' | 'keepalived'
}

function outline(source: SourceFile, type: 'haproxy' | 'keepalived'): OutlineSection[] {
  return type === 'haproxy' ? outlineHaproxy(parseHaproxyFiles([source]).model) : outlineKeepalived(parseKeepalived(source).model)
}
