import {dirname, isAbsolute, join} from 'node:path'
import {type Diagnostic, diagnostic} from '../diagnostics.js'
import {isUserError} from '../../errors.js'
import type {SourceFile} from '../source.js'
import {type BuildContext, buildFileCst, type KeepalivedFileCst, type Statement} from './cst.js'
import type {ConfigReader} from './index.js'
import {keywordRange} from './syntax.js'

const maxIncludeDepth = 32

/**
 * Reads the main file and everything it includes. Relative include patterns are resolved against
 * the directory of the including file, as keepalived does (it chdir()s into each file's directory).
 */
export function readKeepalivedFiles(
  source: SourceFile,
  reader: ConfigReader,
  configId: string | undefined,
): {files: KeepalivedFileCst[]; diagnostics: Diagnostic[]} {
  const files: KeepalivedFileCst[] = []
  const diagnostics: Diagnostic[] = []
  const stack: string[] = []
  const context: BuildContext = {
    definitions: new Map(),
    diagnostics,
    include: (pattern, statement) => include(pattern, statement),
    ...(configId === undefined ? {} : {configId}),
  }

  const build = (file: SourceFile): KeepalivedFileCst => {
    stack.push(file.path)
    const cst: KeepalivedFileCst = {source: file, tokens: [], statements: []}
    files.push(cst)
    Object.assign(cst, buildFileCst(file, context))
    stack.pop()
    return cst
  }

  const include = (pattern: string, statement: Statement): KeepalivedFileCst[] => {
    const including = stack[stack.length - 1] ?? source.path
    const resolved = isAbsolute(pattern) ? pattern : join(dirname(including), pattern)
    if (stack.length >= maxIncludeDepth || stack.includes(resolved)) {
      diagnostics.push(
        diagnostic('keepalived/include-loop', 'error', statement.file, keywordRange(statement), `include of '${pattern}' loops back to a file being read`, [
          'remove the include that points back to an including file',
        ]),
      )
      return []
    }
    let matches: string[]
    try {
      matches = reader.glob(resolved)
    } catch {
      matches = []
    }
    if (matches.length === 0) {
      diagnostics.push(
        diagnostic('keepalived/include-not-found', 'warning', statement.file, keywordRange(statement), `No config files matched '${pattern}'.`, [
          `keepalived resolves it as ${resolved}: check the path on the target machine`,
        ]),
      )
      return []
    }
    const out: KeepalivedFileCst[] = []
    for (const path of matches) {
      let file: SourceFile
      try {
        file = reader.read(path)
      } catch (error) {
        const reason = isUserError(error) ? error.message : String(error)
        diagnostics.push(
          diagnostic('keepalived/include-unreadable', 'warning', statement.file, keywordRange(statement), `Configuration file '${path}' open problem (${reason}) - skipping`),
        )
        continue
      }
      out.push(build(file))
    }
    return out
  }

  build(source)
  return {files, diagnostics}
}
