/** Exit codes shared by every command. */
export const ExitCode = {
  ok: 0,
  checkFailed: 1,
  usage: 2,
} as const

/**
 * A mistake the user can fix: bad input, a missing file, a refused action.
 * Printed as one line of cause plus one line of next step, never with a stack trace.
 */
export class UserError extends Error {
  readonly code: string
  readonly hint: string | undefined
  readonly exitCode: number

  constructor(code: string, message: string, options: {hint?: string; exitCode?: number} = {}) {
    super(message)
    this.name = 'UserError'
    this.code = code
    this.hint = options.hint
    this.exitCode = options.exitCode ?? ExitCode.usage
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError
}
