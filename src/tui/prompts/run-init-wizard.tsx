import {render} from 'ink'
import type {InitAnswers} from '../../init/options.js'
import {InitWizard} from './init-wizard.js'

export interface WizardIo {
  stdin?: NodeJS.ReadStream
  stdout?: NodeJS.WriteStream
}

/** Asks the init questions in the terminal. Resolves with the answers, or undefined when cancelled. */
export async function runInitWizard(options: {initial: InitAnswers; dir: string} & WizardIo): Promise<InitAnswers | undefined> {
  let answers: InitAnswers | undefined
  const app = render(<InitWizard initial={options.initial} dir={options.dir} onDone={(a) => (answers = a)} />, {
    // Ink replaces its defaults with whatever keys are present, undefined included.
    ...(options.stdin ? {stdin: options.stdin} : {}),
    ...(options.stdout ? {stdout: options.stdout} : {}),
    exitOnCtrlC: true,
    patchConsole: false,
  })
  await app.waitUntilExit()
  return answers
}
