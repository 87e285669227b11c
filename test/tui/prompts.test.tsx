import {render} from 'ink-testing-library'
import {afterEach, describe, expect, it} from 'vitest'
import {cleanup} from 'ink-testing-library'
import {initDefaults, type InitAnswers} from '../../src/init/options.js'
import {InitWizard} from '../../src/tui/prompts/init-wizard.js'
import {SelectPrompt} from '../../src/tui/prompts/select-prompt.js'
import {TextPrompt} from '../../src/tui/prompts/text-prompt.js'

// Ink reads stdin on a later turn of the event loop; one macrotask lets it process a write and re-render.
const tick = () => new Promise<void>((resolve) => setImmediate(resolve))

async function press(stdin: {write: (data: string) => void}, ...keys: string[]) {
  for (const key of keys) {
    stdin.write(key)
    for (let i = 0; i < 3; i++) await tick()
  }
}

const ENTER = '\r'
const DOWN = '\u001B[B'
const BACKSPACE = '\u007F'
const ESC = '\u001B'
const TAB = '\t'

const defaults: InitAnswers = {...initDefaults}

function wizard(initial: InitAnswers = defaults) {
  const done: (InitAnswers | undefined)[] = []
  const app = render(<InitWizard initial={initial} dir="demo" onDone={(a) => done.push(a)} />)
  return {...app, done}
}

afterEach(() => cleanup())

describe('TextPrompt', () => {
  it('shows the suggestion while nothing is typed, then the typed text', () => {
    const empty = render(<TextPrompt label="Virtual IP" help="the VIP" draft="" placeholder="198.18.0.100" />)
    expect(empty.lastFrame()).toContain('? Virtual IP: 198.18.0.100')
    expect(empty.lastFrame()).toContain('the VIP')
    const typed = render(<TextPrompt label="Virtual IP" help="the VIP" draft="10.0.0.5" placeholder="198.18.0.100" />)
    expect(typed.lastFrame()).toContain('? Virtual IP: 10.0.0.5')
  })

  it('shows the error instead of the help, and masks secrets', () => {
    const app = render(<TextPrompt label="Password" help="8+" draft="abc" placeholder="" error="too short" secret />)
    expect(app.lastFrame()).toContain('Password: ***')
    expect(app.lastFrame()).toContain('✗ too short')
    expect(app.lastFrame()).not.toContain('abc')
    expect(app.lastFrame()).not.toContain('8+')
  })
})

describe('SelectPrompt', () => {
  it('marks the highlighted option', () => {
    const app = render(<SelectPrompt label="Mode" help="arrows" options={[{label: 'http'}, {label: 'tcp'}]} cursor={1} />)
    expect(app.lastFrame()).toMatch(/ {2}http\n❯ tcp/)
  })
})

describe('InitWizard', () => {
  it('asks the VIP first, with the default as suggestion', () => {
    const app = wizard()
    expect(app.lastFrame()).toContain('? Virtual IP (VIP): 198.18.0.100')
  })

  it('Enter on every question takes the defaults, then y writes', async () => {
    const app = wizard()
    await press(app.stdin, ...Array.from({length: 8}, () => ENTER))
    const summary = app.lastFrame() ?? ''
    expect(summary).toContain('✔ Virtual IP (VIP): 198.18.0.100')
    expect(summary).toContain('✔ Nodes: lb1,lb2')
    expect(summary).toContain('✔ Stats page password: (generated)')
    expect(summary).toContain('keepalived-lb1.conf')
    expect(summary).toContain('❯ Write the files')
    await press(app.stdin, 'y')
    expect(app.done).toEqual([{...defaults, statsPassword: ''}])
  })

  it('refuses a bad value inline, keeps the question open, and accepts the corrected one', async () => {
    const app = wizard()
    await press(app.stdin, '10.0.0.5x', ENTER)
    expect(app.lastFrame()).toContain('? Virtual IP (VIP): 10.0.0.5x')
    expect(app.lastFrame()).toContain('✗ VIP "10.0.0.5x" is not an IPv4 address')
    await press(app.stdin, BACKSPACE)
    expect(app.lastFrame()).not.toContain('✗')
    await press(app.stdin, ENTER)
    expect(app.lastFrame()).toContain('✔ Virtual IP (VIP): 10.0.0.5')
    expect(app.lastFrame()).toContain('? Network interface: eth0')
  })

  it('handles text and Enter arriving in one chunk (paste, fast typing)', async () => {
    const app = wizard()
    await press(app.stdin, '10.0.0.7\r')
    expect(app.lastFrame()).toContain('✔ Virtual IP (VIP): 10.0.0.7')
  })

  it('picks the mode with the arrow keys and takes typed answers', async () => {
    const app = wizard()
    await press(app.stdin, ENTER, 'ens192', ENTER, 'a=root@10.0.0.11,b=root@10.0.0.12', ENTER, '10.0.0.21:3306', ENTER)
    expect(app.lastFrame()).toContain('❯ http')
    await press(app.stdin, DOWN)
    expect(app.lastFrame()).toContain('❯ tcp')
    await press(app.stdin, ENTER, '3306', ENTER, 'ops', ENTER, 's3cret-enough', ENTER)
    expect(app.lastFrame()).toContain('✔ Stats page password: ********')
    expect(app.lastFrame()).toContain('keepalived-a.conf')
    await press(app.stdin, ENTER)
    expect(app.done).toEqual([
      {
        vip: '198.18.0.100',
        interface: 'ens192',
        nodes: 'a=root@10.0.0.11,b=root@10.0.0.12',
        backends: '10.0.0.21:3306',
        mode: 'tcp',
        port: '3306',
        vrid: '51',
        statsUser: 'ops',
        statsPassword: 's3cret-enough',
      },
    ])
  })

  it('Tab copies the suggestion into the line for editing', async () => {
    const app = wizard()
    await press(app.stdin, TAB, BACKSPACE, BACKSPACE, BACKSPACE, '7', ENTER)
    expect(app.lastFrame()).toContain('✔ Virtual IP (VIP): 198.18.0.7')
  })

  it('Esc goes back a question; Esc on the first one cancels', async () => {
    const app = wizard()
    await press(app.stdin, ENTER)
    expect(app.lastFrame()).toContain('? Network interface')
    await press(app.stdin, ESC)
    expect(app.lastFrame()).toContain('? Virtual IP (VIP)')
    await press(app.stdin, ESC)
    expect(app.lastFrame()).toContain('Cancelled: nothing was written.')
    expect(app.done).toEqual([undefined])
  })

  it('n in the summary starts over with the answers as suggestions', async () => {
    const app = wizard()
    await press(app.stdin, '10.0.0.9', ENTER, ...Array.from({length: 7}, () => ENTER), 'n')
    expect(app.lastFrame()).toContain('? Virtual IP (VIP): 10.0.0.9')
    expect(app.done).toEqual([])
  })

  it('flag values are the suggestions', () => {
    const app = wizard({...defaults, vip: '10.1.1.1', statsPassword: 'given-password'})
    expect(app.lastFrame()).toContain('? Virtual IP (VIP): 10.1.1.1')
  })
})
