/**
 * An in-memory DeployHost for tests of planning, ordering and failure handling: files in a Map, every
 * operation appended to a shared journal, commands answered by a script the test supplies.
 */
import {globFiles} from '../config/keepalived/reader.js'
import type {DeployHost, StatsAnswer} from './host.js'
import type {ExecResult} from './ssh.js'

export type CommandScript = (command: string, host: FakeHost) => Partial<ExecResult> | undefined | Promise<Partial<ExecResult> | undefined>

export class FakeHost implements DeployHost {
  readonly files = new Map<string, {data: string; mode: string}>()
  /** Addresses `ip -o -4 addr show` lists. */
  addresses: string[] = []
  /** What the stats socket answers; undefined: it does not answer. */
  statsAnswer: StatsAnswer | undefined
  closed = false

  constructor(
    readonly dest: string,
    private readonly journal: string[],
    private readonly script: CommandScript = () => undefined,
  ) {}

  private log(entry: string): void {
    this.journal.push(`${this.dest}: ${entry}`)
  }

  async read(path: string): Promise<string | undefined> {
    return this.files.get(path)?.data
  }

  async write(path: string, data: string, mode = '0600'): Promise<void> {
    this.log(`write ${path}`)
    this.files.set(path, {data, mode: mode.replace(/^0/, '')})
  }

  async copy(from: string, to: string): Promise<void> {
    this.log(`copy ${from} ${to}`)
    const file = this.files.get(from)
    if (!file) throw new Error(`cp: cannot stat '${from}': No such file or directory`)
    this.files.set(to, {...file})
  }

  async rename(from: string, to: string): Promise<void> {
    this.log(`rename ${from} ${to}`)
    const file = this.files.get(from)
    if (!file) throw new Error(`mv: cannot stat '${from}': No such file or directory`)
    this.files.delete(from)
    this.files.set(to, file)
  }

  async remove(path: string): Promise<void> {
    if (this.files.delete(path)) this.log(`remove ${path}`)
  }

  async list(prefix: string): Promise<string[]> {
    return [...this.files.keys()].filter((p) => p.startsWith(prefix))
  }

  async glob(pattern: string): Promise<string[]> {
    const entries = (dir: string) => {
      const prefix = dir.endsWith('/') ? dir : `${dir}/`
      return [...new Set([...this.files.keys()].filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length).split('/')[0]!))]
    }
    return globFiles(pattern, entries, (path) => this.files.has(path))
  }

  async mode(path: string): Promise<string | undefined> {
    return this.files.get(path)?.mode
  }

  async run(command: string): Promise<ExecResult> {
    this.log(`run ${command}`)
    const scripted = await this.script(command, this)
    if (scripted) return {stdout: '', stderr: '', exitCode: 0, ...scripted}
    if (command.startsWith('ip -o -4 addr show')) {
      return {stdout: this.addresses.map((a, i) => `${i + 2}: eth0    inet ${a}/24 scope global eth0\n`).join(''), stderr: '', exitCode: 0}
    }
    if (command.includes('kill -0')) return {stdout: '4242\n', stderr: '', exitCode: 0}
    return {stdout: '', stderr: '', exitCode: 0}
  }

  async stats(socket: string): Promise<StatsAnswer> {
    if (!this.statsAnswer) throw new Error(`cannot reach the stats socket ${socket}: no such socket`)
    return this.statsAnswer
  }

  async close(): Promise<void> {
    this.closed = true
  }
}
