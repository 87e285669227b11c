// State of the interactive `lbctl init`: which question is open, what was typed, what was answered.
// Pure: the Ink components render it, the container turns key presses into actions.
import {
  type Check,
  checkBackends,
  checkInterface,
  checkNodes,
  checkPort,
  checkStatsPassword,
  checkStatsUser,
  checkVip,
  type InitAnswers,
} from '../../init/options.js'

export type FieldId = 'vip' | 'interface' | 'nodes' | 'backends' | 'mode' | 'port' | 'statsUser' | 'statsPassword'

export interface TextStep {
  kind: 'text'
  id: FieldId
  label: string
  /** One line under the question: what the answer looks like. */
  help: string
  /** Shown as '*' while typing and in the summary. */
  secret?: boolean
  /** What an empty answer means, when it is not "the default". */
  emptyMeans?: string
  check: (text: string) => Check<unknown>
}

export interface SelectStep {
  kind: 'select'
  id: FieldId
  label: string
  help: string
  options: {value: string; label: string}[]
}

export type Step = TextStep | SelectStep

export const steps: Step[] = [
  {kind: 'text', id: 'vip', label: 'Virtual IP (VIP)', help: 'the IPv4 address clients connect to; keepalived moves it between the nodes', check: checkVip},
  {kind: 'text', id: 'interface', label: 'Network interface', help: 'the interface carrying VRRP and the VIP on every node (ip -br link)', check: checkInterface},
  {kind: 'text', id: 'nodes', label: 'Nodes', help: 'comma-separated NAME or NAME=user@host; the first one is the MASTER', check: checkNodes},
  {kind: 'text', id: 'backends', label: 'Backend servers', help: 'comma-separated host:port', check: checkBackends},
  {
    kind: 'select',
    id: 'mode',
    label: 'Proxy mode',
    help: 'use the arrow keys, Enter to choose',
    options: [
      {value: 'http', label: 'http  (layer 7: HTTP health checks, X-Forwarded-For, request logs)'},
      {value: 'tcp', label: 'tcp   (layer 4: any TCP protocol, e.g. MySQL, TLS passthrough)'},
    ],
  },
  {kind: 'text', id: 'port', label: 'Frontend port', help: 'the port haproxy listens on at the VIP', check: checkPort},
  {kind: 'text', id: 'statsUser', label: 'Stats page user', help: 'login for http://NODE:8404/stats', check: checkStatsUser},
  {
    kind: 'text',
    id: 'statsPassword',
    label: 'Stats page password',
    help: '8 characters or more',
    secret: true,
    emptyMeans: 'generate one',
    check: (text) => (text === '' ? {ok: true, value: ''} : checkStatsPassword(text)),
  },
]

export type Phase = 'asking' | 'summary' | 'done' | 'cancelled'

export interface WizardState {
  phase: Phase
  /** Index into steps while asking. */
  step: number
  /** The text being typed for the open text question. */
  draft: string
  /** Highlighted option of a select, or of the summary's confirm choices. */
  cursor: number
  /** Why the last submitted answer was refused. */
  error?: string
  /** The suggested answers (flag values or defaults): Enter on an empty line takes them. */
  defaults: InitAnswers
  /** What was accepted so far. */
  answers: Partial<Record<FieldId, string>>
}

export const confirmChoices = ['Write the files', 'Change the answers', 'Cancel'] as const

export type WizardAction =
  | {type: 'type'; text: string}
  | {type: 'erase'}
  | {type: 'clear'}
  /** Tab: copy the suggestion into the line to edit it. */
  | {type: 'complete'}
  | {type: 'move'; by: 1 | -1}
  | {type: 'submit'}
  | {type: 'back'}
  | {type: 'cancel'}

export function initialWizardState(defaults: InitAnswers): WizardState {
  return enterStep({phase: 'asking', step: 0, draft: '', cursor: 0, defaults, answers: {}}, 0)
}

export function wizardReducer(state: WizardState, action: WizardAction): WizardState {
  if (state.phase === 'done' || state.phase === 'cancelled') return state
  if (action.type === 'cancel') return {...state, phase: 'cancelled'}
  if (state.phase === 'summary') return summaryReducer(state, action)

  const step = steps[state.step]!
  switch (action.type) {
    case 'type': {
      if (step.kind === 'select') return selectByKey(state, step, action.text)
      const text = action.text.replace(/[\x00-\x1f\x7f]/g, '')
      return text === '' ? state : {...state, draft: state.draft + text, error: undefined}
    }
    case 'erase':
      return step.kind === 'text' ? {...state, draft: [...state.draft].slice(0, -1).join(''), error: undefined} : state
    case 'clear':
      return step.kind === 'text' ? {...state, draft: '', error: undefined} : state
    case 'complete':
      return step.kind === 'text' && state.draft === '' && !step.secret ? {...state, draft: suggestion(state, step.id)} : state
    case 'move':
      return step.kind === 'select' ? {...state, cursor: wrap(state.cursor + action.by, step.options.length)} : state
    case 'back':
      return state.step === 0 ? {...state, phase: 'cancelled'} : enterStep(state, state.step - 1)
    case 'submit':
      return submit(state, step)
  }
}

/** The answer Enter on an empty line gives (the flag value or the default). */
export function suggestion(state: WizardState, id: FieldId): string {
  return state.answers[id] ?? state.defaults[id] ?? ''
}

/** The answers once the wizard is done; undefined before. */
export function finalAnswers(state: WizardState): InitAnswers | undefined {
  if (state.phase !== 'done') return undefined
  const a = state.answers
  return {
    vip: a.vip ?? state.defaults.vip,
    interface: a.interface ?? state.defaults.interface,
    nodes: a.nodes ?? state.defaults.nodes,
    backends: a.backends ?? state.defaults.backends,
    mode: a.mode ?? state.defaults.mode,
    port: a.port ?? state.defaults.port,
    vrid: state.defaults.vrid,
    statsUser: a.statsUser ?? state.defaults.statsUser,
    statsPassword: a.statsPassword ?? state.defaults.statsPassword ?? '',
  }
}

function submit(state: WizardState, step: Step): WizardState {
  let value: string
  if (step.kind === 'select') {
    value = step.options[state.cursor]!.value
  } else {
    value = state.draft === '' ? suggestion(state, step.id) : state.draft.trim()
    const check = step.check(value)
    if (!check.ok) return {...state, error: check.message}
  }
  const next = {...state, answers: {...state.answers, [step.id]: value}, error: undefined}
  return state.step + 1 < steps.length ? enterStep(next, state.step + 1) : {...next, phase: 'summary', cursor: 0, draft: ''}
}

function summaryReducer(state: WizardState, action: WizardAction): WizardState {
  switch (action.type) {
    case 'move':
      return {...state, cursor: wrap(state.cursor + action.by, confirmChoices.length)}
    case 'type': {
      const key = action.text.toLowerCase()
      if (key === 'y') return {...state, phase: 'done'}
      if (key === 'n') return enterStep({...state, phase: 'asking'}, 0)
      return state
    }
    case 'back':
      return enterStep({...state, phase: 'asking'}, steps.length - 1)
    case 'submit': {
      const choice = confirmChoices[state.cursor]
      if (choice === 'Write the files') return {...state, phase: 'done'}
      if (choice === 'Change the answers') return enterStep({...state, phase: 'asking'}, 0)
      return {...state, phase: 'cancelled'}
    }
    default:
      return state
  }
}

function enterStep(state: WizardState, index: number): WizardState {
  const step = steps[index]!
  const cursor = step.kind === 'select' ? Math.max(0, step.options.findIndex((o) => o.value === suggestion(state, step.id))) : 0
  return {...state, step: index, draft: '', cursor, error: undefined}
}

function selectByKey(state: WizardState, step: SelectStep, text: string): WizardState {
  const index = step.options.findIndex((o) => o.value.startsWith(text.toLowerCase()))
  return index === -1 ? state : {...state, cursor: index}
}

function wrap(n: number, size: number): number {
  return ((n % size) + size) % size
}
