/**
 * Rollout progress on stderr. Not a terminal: one plain line per finished step. A terminal: a task list,
 * one line per host with its steps so far and a spinner on the running one, redrawn in place.
 */
import type {Progress, StepResult, StepState} from './result.js'

interface HostLine {
  host: string
  done: {name: string; ok: boolean}[]
  running?: string
  skipped?: string
}

/** Plain lines: `lb2  check  ok  112 ms`, and the host's output under a failed step. */
export function lineProgress(write: (text: string) => void): Progress {
  return {
    step: (host, step, state, result) => {
      if (state === 'run' || !result) return
      write(`${host}  ${step}  ${state === 'ok' ? 'ok' : 'FAILED'}  ${result.ms} ms\n`)
      if (state === 'fail' && result.output) write(result.output.replace(/^/gm, '    ') + '\n')
    },
    skipped: (host, reason) => write(`${host}  skipped (${reason})\n`),
  }
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']

/** The task list's text for one frame (pure, for tests). */
export function renderTaskList(lines: HostLine[], frame: number): string {
  return lines
    .map((l) => {
      const steps = l.done.map((s) => `${s.ok ? '✓' : '✗'} ${s.name}`)
      if (l.running) steps.push(`${SPINNER[frame % SPINNER.length]} ${l.running}`)
      if (l.skipped) steps.push(`- ${l.skipped}`)
      return `${l.host.padEnd(Math.max(...lines.map((x) => x.host.length)))}  ${steps.join('  ') || '…'}`
    })
    .join('\n')
}

export interface TaskListProgress extends Progress {
  /** Stops the spinner and leaves the final frame (with the failed step's output under it). */
  stop(): void
}

/** A live task list on a terminal stream (stderr). Hosts appear in the order they start. */
export function taskListProgress(stream: NodeJS.WriteStream, intervalMs = 80): TaskListProgress {
  const lines: HostLine[] = []
  const failures: string[] = []
  let frame = 0
  let drawn = 0
  const draw = () => {
    const text = renderTaskList(lines, frame)
    const up = drawn > 0 ? `\x1b[${drawn}F` : ''
    stream.write(`${up}\x1b[0J${text}\n`)
    drawn = text.split('\n').length
  }
  const timer = setInterval(() => {
    frame++
    if (lines.some((l) => l.running)) draw()
  }, intervalMs)
  timer.unref()
  const line = (host: string) => {
    let l = lines.find((x) => x.host === host)
    if (!l) {
      l = {host, done: []}
      lines.push(l)
    }
    return l
  }
  return {
    step: (host: string, step: string, state: StepState, result?: StepResult) => {
      const l = line(host)
      if (state === 'run') l.running = step
      else {
        l.running = undefined
        l.done.push({name: step, ok: state === 'ok'})
        if (state === 'fail' && result?.output) failures.push(`${host}: ${step} failed:\n${result.output.replace(/^/gm, '  ')}`)
      }
      draw()
    },
    skipped: (host, reason) => {
      line(host).skipped = reason
      draw()
    },
    stop: () => {
      clearInterval(timer)
      if (lines.length > 0) draw()
      for (const f of failures) stream.write(`${f}\n`)
    },
  }
}
