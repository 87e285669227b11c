import {Command} from '@oclif/core'
import {ExitCode, isUserError} from './errors.js'

/**
 * Every lbctl command extends this: `--json` for data, one error model for user mistakes
 * (one line of cause, one line of next step, exit 2 unless the error says otherwise).
 */
export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true

  /** Whether human output may use colour: never when stdout is not a TTY or NO_COLOR is set. */
  protected get color(): boolean {
    return Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb'
  }

  protected override async catch(error: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<unknown> {
    if (isUserError(error)) {
      if (this.jsonEnabled()) {
        process.stdout.write(JSON.stringify({error: {code: error.code, message: error.message, hint: error.hint ?? null}}, null, 2) + '\n')
      } else {
        process.stderr.write(`lbctl: ${error.message}\n`)
        if (error.hint) process.stderr.write(`  next: ${error.hint}\n`)
      }
      process.exitCode = error.exitCode
      return undefined
    }
    // Flag and argument mistakes found by oclif's parser are usage errors.
    if (error.oclif?.exit === 2 || /^(Unexpected argument|Nonexistent flag|Missing required|Expected --|Expected a|Parsing --|The following error)/.test(error.message)) {
      process.stderr.write(`lbctl: ${usageMessage(error.message)}\n  next: see \`lbctl ${this.id?.replace(/:/g, ' ') ?? ''} --help\`\n`)
      process.exitCode = ExitCode.usage
      return undefined
    }
    return super.catch(error)
  }
}

/** oclif's flag errors in one line: its "The following errors occurred:" list joined, its own help pointer dropped. */
export function usageMessage(message: string): string {
  const lines = message.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !/^See more help/i.test(line))
  if (/^The following errors? occurred:?$/i.test(lines[0] ?? '')) lines.shift()
  return lines.map((line) => line.replace(/^[-*] /, '')).join('; ')
}
