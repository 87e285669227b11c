import type {Block, KeepalivedFileCst, Statement} from './cst.js'

/** The statements keepalived acts on in a block: `include`d files are spliced in, skipped lines and definitions left out. */
export function effectiveStatements(statements: Statement[]): Statement[] {
  const out: Statement[] = []
  for (const s of statements) {
    if (s.include) {
      for (const file of s.include.files) out.push(...effectiveStatements(file.statements))
      continue
    }
    if (s.skipped || s.definition || s.keyword === '') continue
    out.push(s)
  }
  return out
}

export function blockStatements(block: Block | undefined): Statement[] {
  return block ? effectiveStatements(block.statements) : []
}

export function topStatements(main: KeepalivedFileCst): Statement[] {
  return effectiveStatements(main.statements)
}

/** A statement's words as one value line: keyword then args (value blocks hold lines like `10.0.0.1/24 dev eth0`). */
export function lineWords(s: Statement): string[] {
  return [s.keyword, ...s.args]
}
