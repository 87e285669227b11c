import {Chalk} from 'chalk'
import type {ConfigChange} from './diff.js'

/** Changes grouped by section, `+` added, `-` removed, `~` changed, `↕` reordered. */
export function renderChanges(changes: ConfigChange[], color: boolean): string {
  const c = new Chalk({level: color ? 1 : 0})
  const lines: string[] = []
  let section: string | undefined
  for (const change of changes) {
    const where = c.dim(`(${change.file}:${change.line})`)
    if (change.directive === null) {
      const mark = change.kind === 'added' ? c.green('+ ' + change.section) : c.red('- ' + change.section)
      lines.push(`${mark} ${where}`)
      section = undefined
      continue
    }
    if (change.section !== section) {
      lines.push(c.bold(change.section))
      section = change.section
    }
    if (change.kind === 'added') lines.push(`  ${c.green('+ ' + change.after)} ${where}`)
    else if (change.kind === 'removed') lines.push(`  ${c.red('- ' + change.before)} ${where}`)
    else if (change.kind === 'changed') lines.push(`  ${c.yellow('~')} ${c.red(change.before ?? '')} ${c.dim('→')} ${c.green(change.after ?? '')} ${where}`)
    else lines.push(`  ${c.cyan('↕ moved')} ${change.after} ${c.dim(`(was ${change.before})`)} ${where}`)
  }
  return lines.join('\n')
}
