/**
 * What keepalived does on a state change (vrrp_notify.c send_instance_notifies /
 * send_group_notifies), in its order: the state's own script (notify_master|backup|fault|stop),
 * then the generic `notify` script with `INSTANCE|GROUP NAME STATE PRIORITY`, then a line on
 * notify_fifo (`INSTANCE "VI_1" MASTER 100`), then the email (smtp_alert).
 *
 * Nothing here blocks the state machine: scripts and emails run in the background, their
 * outcome comes back as events. FIFO lines are written synchronously, so they stay in order.
 * notify_stop scripts get 1 s (keepalived system_call_script with TIMER_HZ), the others run
 * until they finish.
 */
import {execFileSync} from 'node:child_process'
import {closeSync, constants, existsSync, openSync, writeSync} from 'node:fs'
import type {NotifyState} from './machine.js'
import type {CommandPlan, EmailPlan, NotifyScripts, SyncGroupPlan} from './settings.js'
import type {Mailer} from './smtp.js'
import {describeOutcome, type ProcessRunner} from './track/process.js'

export interface FifoWriter {
  write(line: string): void
  close(): void
}

/**
 * Opens (creating it with mkfifo when missing) a FIFO for writing without waiting for a reader:
 * O_RDWR | O_NONBLOCK, like keepalived. A full FIFO drops lines rather than stall VRRP.
 */
export function openNotifyFifo(path: string): FifoWriter {
  if (!existsSync(path)) execFileSync('mkfifo', ['-m', '0600', path])
  const fd = openSync(path, constants.O_RDWR | constants.O_NONBLOCK)
  return {
    write(line) {
      try {
        writeSync(fd, line)
      } catch {
        // keepalived ignores write errors on the FIFO too
      }
    },
    close() {
      closeSync(fd)
    },
  }
}

export interface NotifyEvent {
  level: 'log' | 'error'
  instance: string | undefined
  message: string
}

export interface NotifierOptions {
  instanceScripts: ReadonlyMap<string, NotifyScripts>
  groups: readonly SyncGroupPlan[]
  runner: ProcessRunner
  fifo?: FifoWriter
  email?: EmailPlan
  mailer?: Mailer
  onEvent: (event: NotifyEvent) => void
}

const STOP_SCRIPT_TIMEOUT_MS = 1000

const emailText: Record<NotifyState, {subject: string; instance: string; group: string}> = {
  MASTER: {subject: 'Entering MASTER state', instance: '=> VRRP Instance is now owning VRRP VIPs <=', group: '=> All VRRP group instances are now in MASTER state <='},
  BACKUP: {subject: 'Entering BACKUP state', instance: '=> VRRP Instance is no longer owning VRRP VIPs <=', group: '=> All VRRP group instances are now in BACKUP state <='},
  FAULT: {subject: 'Entering FAULT state', instance: '=> VRRP Instance is no longer owning VRRP VIPs <=', group: '=> All VRRP group instances are now in FAULT state <='},
  STOP: {subject: 'Stopping', instance: '=> VRRP Instance stopping <=', group: '=> All VRRP group instances are now stopping <='},
}

export class Notifier {
  private readonly pending = new Set<Promise<void>>()
  private readonly lastEmailState = new Map<string, NotifyState>()

  constructor(private readonly options: NotifierOptions) {}

  /** An instance entered `state` with `priority` (its effective priority). */
  instance(name: string, state: NotifyState, priority: number): void {
    const scripts = this.options.instanceScripts.get(name) ?? {}
    this.runScripts(scripts, 'INSTANCE', name, state, priority)
    this.options.fifo?.write(`INSTANCE "${name}" ${state} ${priority}\n`)
    const email = this.options.email
    if (email?.alertInstances.includes(name) && this.lastEmailState.get(name) !== state) {
      this.lastEmailState.set(name, state)
      this.mail(name, `[${email.routerId}] VRRP Instance ${name} - ${emailText[state].subject}`, emailText[state].instance)
    }
  }

  /** A sync group entered `state` (keepalived reports priority 0 for groups). */
  group(name: string, state: NotifyState): void {
    const group = this.options.groups.find((candidate) => candidate.name === name)
    this.runScripts(group?.notify ?? {}, 'GROUP', name, state, 0)
    this.options.fifo?.write(`GROUP "${name}" ${state} 0\n`)
  }

  /** Waits for running scripts and emails, at most `timeoutMs`. */
  async settle(timeoutMs: number): Promise<void> {
    if (this.pending.size === 0) return
    let timer: ReturnType<typeof setTimeout> | undefined
    const limit = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))
    await Promise.race([Promise.allSettled([...this.pending]), limit])
    clearTimeout(timer)
  }

  close(): void {
    this.options.fifo?.close()
  }

  private runScripts(scripts: NotifyScripts, type: 'INSTANCE' | 'GROUP', name: string, state: NotifyState, priority: number): void {
    const own = scripts[state.toLowerCase() as 'master' | 'backup' | 'fault' | 'stop']
    const label = `notify_${state.toLowerCase()}`
    const owner = type === 'INSTANCE' ? name : undefined
    if (own) this.run(own, own.argv, label, owner, state)
    if (scripts.any) this.run(scripts.any, [...scripts.any.argv, type, name, state, String(priority)], 'notify', owner, state)
  }

  private run(plan: CommandPlan, argv: string[], label: string, instance: string | undefined, state: NotifyState): void {
    const options = {...(state === 'STOP' ? {timeoutMs: STOP_SCRIPT_TIMEOUT_MS} : {}), ...plan.identity}
    this.track(
      this.options.runner.run(argv, options).then(
        (outcome) => {
          if (outcome.kind === 'exited' && outcome.code === 0) return
          this.options.onEvent({level: outcome.kind === 'error' ? 'error' : 'log', instance, message: `${label} script ${argv.join(' ')}: ${describeOutcome(outcome)}`})
        },
        (error: unknown) => this.options.onEvent({level: 'error', instance, message: `${label} script ${argv.join(' ')}: ${(error as Error).message}`}),
      ),
    )
  }

  private mail(instance: string, subject: string, body: string): void {
    const {email, mailer} = this.options
    if (!email || !mailer) return
    this.track(
      mailer.send({from: email.from, to: email.to, subject, body}).then(
        () => this.options.onEvent({level: 'log', instance, message: `SMTP alert successfully sent: ${subject}`}),
        (error: unknown) => this.options.onEvent({level: 'error', instance, message: `SMTP alert not sent: ${(error as Error).message}`}),
      ),
    )
  }

  private track(promise: Promise<void>): void {
    this.pending.add(promise)
    void promise.finally(() => this.pending.delete(promise))
  }
}
