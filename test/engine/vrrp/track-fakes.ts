/** A scripted process runner: each run waits until the test settles it (or answers from `script`). */
import type {ProcessOutcome, ProcessRunner, RunOptions} from '../../../src/engine/vrrp/track/process.js'

export interface FakeRun {
  argv: string[]
  options: RunOptions
  settle(outcome: ProcessOutcome): void
}

export class FakeProcesses implements ProcessRunner {
  readonly runs: FakeRun[] = []
  /** When set, every run ends at once with what this returns (by command). */
  answer: ((argv: readonly string[]) => ProcessOutcome | undefined) | undefined

  run(argv: readonly string[], options: RunOptions): Promise<ProcessOutcome> {
    return new Promise((resolve) => {
      const run: FakeRun = {argv: [...argv], options, settle: resolve}
      this.runs.push(run)
      const answer = this.answer?.(argv)
      if (answer) resolve(answer)
    })
  }
}

export const exit = (code: number): ProcessOutcome => ({kind: 'exited', code})
export const flush = async (times = 3) => {
  for (let i = 0; i < times; i++) await new Promise((resolve) => setImmediate(resolve))
}
