// The machine and versions a figure was measured on: every report carries them.
import {execFileSync} from 'node:child_process'
import {cpus} from 'node:os'

export interface Machine {
  date: string
  cpus: number
  cpuModel: string
  node: string
  haproxy: string | null
  nginx: string | null
  wrk: string | null
}

/** Runs a version command (some print on stderr, wrk -v exits 1) and picks the version out. */
function version(command: string, args: string[], pattern: RegExp): string | null {
  try {
    const out = execFileSync('sh', ['-c', `${command} ${args.join(' ')} 2>&1`], {encoding: 'utf8'})
    return pattern.exec(out)?.[1] ?? null
  } catch (error) {
    return pattern.exec(String((error as {stdout?: string}).stdout ?? ''))?.[1] ?? null
  }
}

export function machine(): Machine {
  return {
    date: new Date().toISOString(),
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    haproxy: version('haproxy', ['-v'], /version (\S+)/),
    nginx: version('nginx', ['-v'], /nginx\/(\S+)/),
    wrk: version('wrk', ['-v'], /wrk (\S+)/),
  }
}
