import {Box, Text, useApp, useInput} from 'ink'
import {useEffect, useReducer, useRef} from 'react'
import {checkNodes, type InitAnswers} from '../../init/options.js'
import {keepalivedFileName} from '../../init/scaffold.js'
import {type AnsweredRow, AnsweredList} from './answered-list.js'
import {SelectPrompt} from './select-prompt.js'
import {Summary} from './summary.js'
import {TextPrompt} from './text-prompt.js'
import {confirmChoices, type FieldId, finalAnswers, initialWizardState, steps, suggestion, type WizardAction, wizardReducer, type WizardState} from './wizard-state.js'

export interface InitWizardProps {
  /** Suggested answers: the flag values, or the defaults. */
  initial: InitAnswers
  dir: string
  /** Called once: with the answers when confirmed, undefined when cancelled. */
  onDone: (answers: InitAnswers | undefined) => void
}

/** The interactive `lbctl init`: one question at a time, then a summary to confirm. */
export function InitWizard({initial, dir, onDone}: InitWizardProps) {
  const [state, dispatch] = useReducer(wizardReducer, initial, initialWizardState)
  const {exit} = useApp()
  const reported = useRef(false)

  useInput((input, key) => {
    for (const action of keyToActions(input, key)) dispatch(action)
  })

  useEffect(() => {
    if ((state.phase === 'done' || state.phase === 'cancelled') && !reported.current) {
      reported.current = true
      onDone(finalAnswers(state))
      exit()
    }
  }, [state, onDone, exit])

  if (state.phase === 'cancelled') return <Text color="yellow">Cancelled: nothing was written.</Text>
  if (state.phase === 'summary' || state.phase === 'done') {
    return <Summary dir={dir} rows={answeredRows(state)} files={plannedFiles(state)} choices={confirmChoices} cursor={state.cursor} />
  }

  const step = steps[state.step]!
  return (
    <Box flexDirection="column">
      <Text dimColor>lbctl init {dir}: Enter takes the suggestion, Tab edits it, Esc goes back, Ctrl-C quits.</Text>
      <AnsweredList rows={answeredRows(state)} />
      {step.kind === 'select' ? (
        <SelectPrompt label={step.label} help={step.help} options={step.options} cursor={state.cursor} />
      ) : (
        <TextPrompt
          label={step.label}
          help={step.help}
          draft={state.draft}
          placeholder={placeholderFor(state, step.id, step.secret === true)}
          error={state.error}
          secret={step.secret}
        />
      )}
    </Box>
  )
}

type InkKey = Parameters<Parameters<typeof useInput>[0]>[1]

/**
 * One key press, or a chunk of fast-typed or pasted input that Ink hands over unparsed
 * (e.g. "10.0.0.5\r" or "\x7f\r"): its control characters are replayed as keys.
 */
export function keyToActions(input: string, key: InkKey): WizardAction[] {
  if (key.return) return [{type: 'submit'}]
  if (key.escape) return [{type: 'back'}]
  if (key.backspace || key.delete) return [{type: 'erase'}]
  if (key.upArrow) return [{type: 'move', by: -1}]
  if (key.downArrow) return [{type: 'move', by: 1}]
  if (key.tab) return [{type: 'complete'}]
  if (key.ctrl && input === 'u') return [{type: 'clear'}]
  if (key.ctrl || key.meta) return []
  return chunkToActions(input)
}

function chunkToActions(chunk: string): WizardAction[] {
  const actions: WizardAction[] = []
  let text = ''
  const push = (action: WizardAction) => {
    if (text !== '') actions.push({type: 'type', text})
    text = ''
    actions.push(action)
  }
  for (let i = 0; i < chunk.length; i++) {
    const ch = chunk[i]!
    if (ch === '\r' || ch === '\n') {
      if (ch === '\n' && chunk[i - 1] === '\r') continue
      push({type: 'submit'})
    } else if (ch === '\x7f' || ch === '\b') push({type: 'erase'})
    else if (ch === '\x15') push({type: 'clear'})
    else if (ch === '\t') push({type: 'complete'})
    else if (ch === '\x1b') break // an escape sequence inside a chunk: drop the rest rather than type it
    else if (ch >= ' ') text += ch
  }
  if (text !== '') actions.push({type: 'type', text})
  return actions
}

function placeholderFor(state: WizardState, id: FieldId, secret: boolean): string {
  if (!secret) return suggestion(state, id)
  return state.defaults.statsPassword ? '(keep the password given with --stats-password)' : '(empty: generate one)'
}

function answeredRows(state: WizardState): AnsweredRow[] {
  const rows: AnsweredRow[] = []
  for (const step of steps) {
    const value = state.answers[step.id]
    if (value === undefined) continue
    rows.push({label: step.label, value: step.kind === 'text' && step.secret ? (value === '' ? '(generated)' : '********') : value})
  }
  if (state.phase !== 'asking') rows.push({label: 'VRRP virtual_router_id', value: state.defaults.vrid})
  return rows
}

function plannedFiles(state: WizardState): string[] {
  const nodes = checkNodes(state.answers.nodes ?? state.defaults.nodes)
  const names = nodes.ok ? nodes.value.map((n) => keepalivedFileName(n.name)) : []
  return ['haproxy.cfg', ...names, 'lbctl.yaml']
}
