import type {FileChange} from './semantics.js'

/** One step on one host, as `--json` reports it. */
export interface StepResult {
  name: string
  ok: boolean
  ms: number
  /** What happened, with the host's own output when a command failed; secrets redacted. */
  output: string
}

export interface HostResult {
  host: string
  steps: StepResult[]
  /** The host's previous files were put back after a failure. */
  rolledBack: boolean
  diff: FileChange[]
}

/** `lbctl deploy --json` / `lbctl rollback --json`. */
export interface DeployResult {
  ok: boolean
  hosts: HostResult[]
}

export type StepState = 'run' | 'ok' | 'fail'

/** Where a rollout reports progress (stderr in the CLI, a list in tests). */
export interface Progress {
  step(host: string, step: string, state: StepState, result?: StepResult): void
  /** A host the rollout did not reach because an earlier one failed. */
  skipped(host: string, reason: string): void
}

export const silentProgress: Progress = {step: () => undefined, skipped: () => undefined}
