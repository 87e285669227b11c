import {accessSync, constants, existsSync, readFileSync, statSync} from 'node:fs'
import {delimiter, isAbsolute, join} from 'node:path'

/**
 * What the machine running the checks looks like. Problems found through it are environment-only:
 * warnings, unless the caller asks for strictEnv. `undefined` means "cannot tell": no diagnostic.
 */
export interface KeepalivedEnvironment {
  interfaceExists(name: string): boolean | undefined
  /** An absolute path that is an executable file, or a bare command found on PATH. */
  commandExists(command: string): boolean | undefined
  userExists(name: string): boolean | undefined
  /** What is at an absolute path: a regular file, something else (device, directory...), or nothing. */
  fileKind(path: string): 'regular' | 'other' | 'missing' | undefined
}

export const localEnvironment: KeepalivedEnvironment = {
  interfaceExists: (name) => (existsSync('/sys/class/net') ? existsSync(join('/sys/class/net', name)) : undefined),
  commandExists: (command) => {
    if (isAbsolute(command)) return executable(command)
    if (command.includes('/')) return undefined
    const path = process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin'
    return path.split(delimiter).some((dir) => dir !== '' && executable(join(dir, command)))
  },
  userExists: (name) => {
    try {
      return readFileSync('/etc/passwd', 'utf8')
        .split('\n')
        .some((line) => line.split(':')[0] === name)
    } catch {
      return undefined
    }
  },
  fileKind: (path) => {
    if (!isAbsolute(path)) return undefined
    try {
      return statSync(path).isFile() ? 'regular' : 'other'
    } catch {
      return 'missing'
    }
  },
}

/** For tests and for checking configs meant for another machine: nothing is known, nothing is reported. */
export const unknownEnvironment: KeepalivedEnvironment = {
  interfaceExists: () => undefined,
  commandExists: () => undefined,
  userExists: () => undefined,
  fileKind: () => undefined,
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}
