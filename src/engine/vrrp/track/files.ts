/**
 * track_file (vrrp_track_file): the integer in a file, times the weight, moves the priority
 * (keepalived track_file.c / vrrp_track.c process_track_file). The value is read like C's
 * strtol(buf, NULL, 0) — leading blanks, a sign, 0x hex or 0 octal, up to the first other
 * character — 0 when the file is missing or holds no number, clamped to −254..254.
 * keepalived watches the file with inotify; lbctl polls it (500 ms by default).
 * `init_file [VALUE] [overwrite]` writes VALUE (default 0) at start when the file does not exist,
 * or always with `overwrite`.
 */
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import type {Clock, TimerHandle} from '../clock.js'
import type {TrackedStatus, Tracker} from './types.js'

export interface FileAccess {
  read(path: string): string | undefined
  exists(path: string): boolean
  write(path: string, text: string): void
}

export const systemFileAccess: FileAccess = {
  read: (path) => {
    try {
      return readFileSync(path, 'utf8').slice(0, 127)
    } catch {
      return undefined
    }
  },
  exists: (path) => existsSync(path),
  write: (path, text) => writeFileSync(path, text),
}

/** C strtol(text, NULL, 0), clamped to −254..254 as keepalived does; 0 when there is no number. */
export function parseTrackFileValue(text: string | undefined): number {
  if (text === undefined) return 0
  const match = /^[ \t\n\v\f\r]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(text)
  if (!match) return 0
  const digits = match[2]!
  const magnitude = /^0[xX]/.test(digits) ? Number.parseInt(digits.slice(2), 16) : digits.startsWith('0') ? Number.parseInt(digits, 8) || 0 : Number(digits)
  const value = match[1] === '-' ? -magnitude : magnitude
  return Math.min(254, Math.max(-254, value))
}

export interface FilePlan {
  name: string
  path: string
  initFile?: {value: number; overwrite: boolean}
}

export interface FileTrackerOptions {
  clock: Clock
  files?: FileAccess
  pollMs?: number
  onLog?: (message: string) => void
}

export class FileTracker implements Tracker {
  readonly key: string
  readonly name: string
  private current: TrackedStatus
  private timer: TimerHandle | undefined
  private readonly files: FileAccess

  constructor(
    readonly plan: FilePlan,
    private readonly options: FileTrackerOptions,
  ) {
    this.key = fileKey(plan.name)
    this.name = plan.name
    this.files = options.files ?? systemFileAccess
    this.initFile()
    this.current = this.read()
  }

  status(): TrackedStatus {
    return this.current
  }

  start(onChange: (status: TrackedStatus) => void): void {
    const poll = () => {
      this.timer = this.options.clock.setTimeout(poll, this.options.pollMs ?? 500)
      const next = this.read()
      const before = this.current
      this.current = next
      if (next.kind === 'file' && before.kind === 'file' && next.value !== before.value) onChange(next)
    }
    this.timer = this.options.clock.setTimeout(poll, this.options.pollMs ?? 500)
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer)
    this.timer = undefined
  }

  private initFile(): void {
    const init = this.plan.initFile
    if (!init || (!init.overwrite && this.files.exists(this.plan.path))) return
    try {
      this.files.write(this.plan.path, `${init.value}\n`)
    } catch (error) {
      this.options.onLog?.(`track file ${this.name}: cannot write init_file ${this.plan.path}: ${(error as Error).message}`)
    }
  }

  private read(): TrackedStatus {
    const text = this.files.read(this.plan.path)
    const value = parseTrackFileValue(text)
    return {kind: 'file', value, detail: text === undefined ? `${this.plan.path} missing` : this.plan.path}
  }
}

export const fileKey = (name: string) => `file ${name}`
